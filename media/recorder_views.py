"""The recording station's endpoints: chunked upload, and a recorder's own recordings.

Who may do what comes from permissions the roles grant (heritage/roles.py): recording
needs ``media.add_audiorecording``; a recording is seen by whoever uploaded it and by
holders of ``media.view_audiorecording`` (facilitators).
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import uploads
from .access import check_usable, refuse_withheld, withheld
from .exceptions import BilingualError, DuplicateRecording
from .models import AudioRecording, TranscriptionJob, UploadSession
from .serving import serve_recording

RECORD = "media.add_audiorecording"
VIEW_ALL = "media.view_audiorecording"


def _error(error: BilingualError, status: int = 400, **extra) -> JsonResponse:
    body = {"error": getattr(error, "code", "error"), "zh": error.zh, "en": error.en, **extra}
    return JsonResponse(body, status=getattr(error, "status", status), json_dumps_params={"ensure_ascii": False})


def _may_record(request) -> None:
    if not request.user.is_authenticated or not request.user.has_perm(RECORD):
        raise PermissionDenied


def _session(request, upload_id: str) -> UploadSession:
    _may_record(request)
    try:
        return uploads.open_session(uploads.parse_id(upload_id), request.user)
    except UploadSession.DoesNotExist as missing:
        raise Http404 from missing


@require_http_methods(["GET", "DELETE"])
def upload(request, upload_id: str):
    """GET: what the server holds of this upload. DELETE: the take was redone."""
    try:
        session = _session(request, upload_id)
    except uploads.UploadRefused as error:
        return _error(error)
    if request.method == "DELETE":
        uploads.discard(session)
        return JsonResponse({"id": upload_id, "state": "discarded"})
    return JsonResponse(uploads.describe(session))


@require_http_methods(["PUT"])
def upload_chunk(request, upload_id: str, index: int):
    try:
        session = _session(request, upload_id)
        offset = int(request.GET.get("offset", ""))
        length = int(request.headers["Content-Length"]) if request.headers.get("Content-Length") else None
        uploads.write_chunk(session, index, offset, request, length)
    except ValueError:
        return _error(uploads.ChunkRejected("缺少分段位置", "the offset parameter is missing"))
    except uploads.UploadRefused as error:
        return _error(error)
    return JsonResponse(uploads.describe(session))


@require_POST
def upload_commit(request, upload_id: str):
    try:
        session = _session(request, upload_id)
        body = json.loads(request.body or b"{}")
        recording = uploads.commit_upload(
            session,
            sha256=str(body["sha256"]),
            size=int(body["size"]),
            expected_chunks=int(body["chunks"]),
            filename=str(body.get("filename") or "recording.webm"),
            meta=body.get("meta") or {},
        )
    except (KeyError, ValueError, TypeError):
        return _error(uploads.ChunkRejected("提交的信息不完整", "sha256, size and chunks are required"))
    except uploads.MissingChunks as error:
        return _error(error, missing=error.missing)
    except DuplicateRecording as error:
        return _error(error, status=409)
    except BilingualError as error:
        return _error(error, status=422)
    return JsonResponse({**uploads.describe(session), **recording_state(recording)})


def _visible_recording(request, pk: int) -> AudioRecording:
    if not request.user.is_authenticated:
        raise PermissionDenied
    recording = get_object_or_404(AudioRecording, pk=pk)
    own = recording.uploaded_by_id == request.user.pk and request.user.has_perm(RECORD)
    if not own and not request.user.has_perm(VIEW_ALL):
        raise Http404
    check_usable(recording)
    return recording


def recording_state(recording: AudioRecording) -> dict:
    """What the station shows after an upload: the recording, its transcription, the text."""
    job = TranscriptionJob.objects.filter(recording=recording).first()
    transcript = getattr(recording, "transcript", None)
    segments = list(transcript.segments.values_list("text", flat=True)) if transcript else []
    return {
        "recording": recording.pk,
        "sha256": recording.sha256,
        "title": recording.title,
        "duration": recording.duration,
        "job": job and {"status": job.status, "label": job.get_status_display(), "progress": job.progress},
        "transcript": segments,
    }


@require_GET
@refuse_withheld(json=True)
def recording_status(request, pk: int):
    recording = _visible_recording(request, pk)
    return JsonResponse(recording_state(recording), json_dumps_params={"ensure_ascii": False})


@require_GET
@refuse_withheld()
def recording_audio(request, pk: int):
    return serve_recording(request, _visible_recording(request, pk))


@login_required
@require_GET
def my_recordings(request):
    """A recorder's own recordings, newest first, with their transcription."""
    if not request.user.has_perm(RECORD):
        raise PermissionDenied
    recordings = list(
        AudioRecording.objects.filter(uploaded_by=request.user).prefetch_related("transcription_jobs")[:100]
    )
    hidden = withheld(r.pk for r in recordings)
    recordings = [r for r in recordings if r.pk not in hidden]
    return render(request, "media/my_recordings.html", {"recordings": recordings})

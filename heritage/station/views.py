"""The recording station's pages and endpoints, thin over rules.py, media/uploads.py and media/progress.py.

A facilitator or recorder signs in, sets up the session (narrator, topic prompts) and
hands the phone to the elder; recording itself needs no typing. Steps of the page:
setup → consent (until archive consent is held) → confirm (what was agreed, read back)
→ record. Who may do what comes from the permissions the roles grant (heritage/roles.py):
recording needs ``media.add_audiorecording``; a recording is seen by whoever uploaded it
and by holders of ``media.view_audiorecording`` (facilitators).
"""

import functools
import json
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from media import progress, uploads
from media.access import check_usable, withheld
from media.exceptions import BilingualError, DuplicateRecording
from media.models import AudioRecording, TranscriptionJob, UploadSession
from media.serving import serve_recording

from ..errors import error_response
from ..models import ConsentScope, Narrator, TopicPrompt
from ..roles import RECORDING_ROLES, roles_required
from . import rules
from .models import StationRecordingKind

RECORD = "media.add_audiorecording"
VIEW_ALL = "media.view_audiorecording"
EDIT = "media.change_audiorecording"


def _json(body: dict) -> JsonResponse:
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _refuse(request, error: BilingualError, status: int = 400, **extra):
    return error_response(request, getattr(error, "status", status), error.code, error.zh, error.en, **extra)


def refusing(view):
    """A refusal a person can act on (bad chunk, withheld recording…) answered in the one error shape."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BilingualError as error:
            return _refuse(request, error)

    return wrapped


def station_url(narrator_id: int, prompt_ids=(), **flags) -> str:
    query = urlencode([("narrator", narrator_id), *(("prompt", p) for p in prompt_ids), *flags.items()])
    return f"{reverse('station:page')}?{query}"


# --- the page ---


@roles_required(*RECORDING_ROLES)
def page(request):
    narrator = None
    if request.GET.get("narrator", "").isdigit():
        narrator = get_object_or_404(Narrator, pk=request.GET["narrator"])
    chosen = rules.prompts(request.GET.getlist("prompt"))
    chosen_ids = [p.pk for p in chosen]
    context = {
        "narrator": narrator,
        "prompts": chosen,
        "prompt_texts": [p.text for p in chosen],
        "error": request.GET.get("error", ""),
        "notice": rules.pending_notice(narrator) if narrator else "",
        "scopes": ConsentScope.choices,
    }
    if narrator is None:
        wanted = set(chosen_ids) if request.GET.getlist("prompt") else None
        context.update(narrators=Narrator.objects.all(), all_prompts=TopicPrompt.objects.filter(active=True))
        context["checked"] = wanted
        step = "setup"
    elif rules.needs_consent(narrator):
        step = "consent"
        # After the consent clip or form, the recorder reads back what was agreed first.
        context["next_url"] = station_url(narrator.pk, chosen_ids, agreed=1)
    else:
        step = "confirm" if request.GET.get("agreed") else "record"
        context["agreement"] = rules.agreement(narrator)
        context["record_url"] = station_url(narrator.pk, chosen_ids)
    context["step"] = step
    return render(request, "heritage/station/page.html", context)


@roles_required(*RECORDING_ROLES)
@require_POST
def start(request):
    """The setup form: an existing narrator or a new one, with the topic prompts ticked."""
    prompt_ids = [p.pk for p in rules.prompts(request.POST.getlist("prompt"))]
    try:
        if request.POST.get("go") == "new":
            narrator = rules.create_narrator(request.POST.get("name", ""), request.POST.get("village", ""))
        else:
            narrator = rules.chosen_narrator(request.POST.get("narrator"))
    except rules.StationError as error:
        # The ticked prompts come back with the error, so nothing chosen is lost.
        query = urlencode([("error", error.message), *(("prompt", p) for p in prompt_ids)])
        return redirect(f"{reverse('station:page')}?{query}")
    return redirect(station_url(narrator.pk, prompt_ids))


@roles_required(*RECORDING_ROLES)
@require_POST
def consent_form(request, narrator_id: int):
    """A photographed signed consent form."""
    narrator = get_object_or_404(Narrator, pk=narrator_id)
    prompt_ids = request.POST.getlist("prompt")
    photo = request.FILES.get("photo")
    try:
        if photo is None:
            raise rules.StationError("请先拍下签字的同意书", "take a photo of the signed form first")
        rules.consent_from_form(narrator, request.POST.getlist("scope"), photo, request.user)
    except rules.StationError as error:
        return redirect(station_url(narrator.pk, prompt_ids, error=error.message))
    return redirect(station_url(narrator.pk, prompt_ids, agreed=1))


@login_required
@require_GET
def mine(request):
    """A recorder's own stories, newest first, with their transcription (consent clips are not stories)."""
    if not request.user.has_perm(RECORD):
        raise PermissionDenied
    recordings = list(
        AudioRecording.objects.filter(uploaded_by=request.user)
        .exclude(station__kind=StationRecordingKind.CONSENT)
        .select_related("transcript")
        .prefetch_related("transcription_jobs", "transcript__segments")[:100]
    )
    hidden = withheld(r.pk for r in recordings)
    recordings = [r for r in recordings if r.pk not in hidden]
    opened = request.GET.get("open", "")
    context = {"recordings": recordings, "opened": int(opened) if opened.isdigit() else None}
    return render(request, "heritage/station/mine.html", context)


# --- chunked upload (media/uploads.py holds the protocol) ---


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
@refusing
def upload(request, upload_id: str):
    """GET: what the server holds of this upload. DELETE: the take was redone."""
    session = _session(request, upload_id)
    if request.method == "DELETE":
        uploads.discard(session)
        return JsonResponse({"id": upload_id, "state": "discarded"})
    return JsonResponse(uploads.describe(session))


@require_http_methods(["PUT"])
@refusing
def upload_chunk(request, upload_id: str, index: int):
    session = _session(request, upload_id)
    try:
        offset = int(request.GET.get("offset", ""))
        length = int(request.headers["Content-Length"]) if request.headers.get("Content-Length") else None
    except ValueError:
        return _refuse(request, uploads.ChunkRejected("缺少分段位置", "the offset parameter is missing"))
    uploads.write_chunk(session, index, offset, request, length)
    return JsonResponse(uploads.describe(session))


@require_POST
@refusing
def upload_commit(request, upload_id: str):
    session = _session(request, upload_id)
    try:
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
        return _refuse(request, uploads.ChunkRejected("提交的信息不完整", "sha256, size and chunks are required"))
    except uploads.MissingChunks as error:
        return _refuse(request, error, missing=error.missing)
    except uploads.UploadRefused:
        raise
    except BilingualError as error:
        # Refused by ingest or the station's rules (not audio, a duplicate, no consent…).
        return _refuse(request, error, status=409 if isinstance(error, DuplicateRecording) else 422)
    return _json({**uploads.describe(session), **recording_state(request.user, recording)})


# --- a recording, and the live progress of many ---


def review_url(user, recording: AudioRecording) -> str:
    """Where the transcript is reviewed: the editor for facilitators, 我的录音 for the recorder."""
    if user.has_perm(EDIT):
        return reverse("media_transcript_editor", args=[recording.pk])
    return f"{reverse('station:mine')}?open={recording.pk}#transcript-{recording.pk}"


def _visible_recording(request, pk: int) -> AudioRecording:
    if not request.user.is_authenticated:
        raise PermissionDenied
    recording = get_object_or_404(AudioRecording, pk=pk)
    own = recording.uploaded_by_id == request.user.pk and request.user.has_perm(RECORD)
    if not own and not request.user.has_perm(VIEW_ALL):
        raise Http404
    check_usable(recording)
    return recording


def recording_state(user, recording: AudioRecording) -> dict:
    """What the station shows after an upload: the recording, its transcription, the text."""
    job = TranscriptionJob.objects.filter(recording=recording).first()
    transcript = getattr(recording, "transcript", None)
    segments = list(transcript.segments.values_list("text", flat=True)) if transcript else []
    return {
        "recording": recording.pk,
        "sha256": recording.sha256,
        "title": recording.title,
        "duration": recording.duration,
        "job": progress.job_state(job),
        "transcript": segments,
        "review": review_url(user, recording),
    }


@require_GET
@refusing
def recording(request, pk: int):
    return _json(recording_state(request.user, _visible_recording(request, pk)))


@require_GET
@refusing
def recording_audio(request, pk: int):
    return serve_recording(request, _visible_recording(request, pk))


@require_GET
def live_progress(request):
    """``?id=1&id=2``: the transcription progress of these recordings, for lists that poll.

    Only recordings the asker may see are answered (their own; all for facilitators), and
    none whose narrator withdrew archive consent: the others are left out, not refused,
    so the answer does not tell which ids exist.
    """
    user = request.user
    if not user.is_authenticated or not (user.has_perm(RECORD) or user.has_perm(VIEW_ALL)):
        raise PermissionDenied
    visible = AudioRecording.objects.filter(pk__in=progress.parse_ids(request.GET.getlist("id")))
    if not user.has_perm(VIEW_ALL):
        visible = visible.filter(uploaded_by=user)
    recordings = {r.pk: r for r in visible}
    hidden = withheld(recordings)
    usable = [pk for pk in recordings if pk not in hidden]
    answer = progress.progress(sorted(usable))
    for item in answer:
        item["review"] = review_url(user, recordings[item["id"]])
    return _json({"recordings": answer})


# --- the station's old address ---


def moved(request, rest: str = ""):
    """``/recorder/…`` was the station's address until it had one name: send people on.

    Pages move for good (301). Uploads from a tab opened before the move keep their
    method and body (308), so a take waiting in the phone's IndexedDB still arrives.
    """
    target = f"{reverse('station:page')}{rest}"
    if request.META.get("QUERY_STRING"):
        target += f"?{request.META['QUERY_STRING']}"
    if request.method in ("GET", "HEAD"):
        return HttpResponsePermanentRedirect(target)
    response = HttpResponsePermanentRedirect(target)
    response.status_code = 308
    return response

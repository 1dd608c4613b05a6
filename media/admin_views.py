"""The transcript editor in the Wagtail admin: views are thin, the work is in media.transcription."""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import progress
from .access import check_usable, refuse_withheld, withheld
from .models import AudioRecording, Transcript, TranscriptionJob
from .serving import serve_recording
from .tasks import start_transcription
from .transcription.editing import EditRejected, latest_revision, save_edit
from .transcription.exports import FORMATS, export_response
from .transcription.word_marks import UNSURE

PERMISSION = "media.change_audiorecording"


def _recording(request, recording_id: int) -> AudioRecording:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    recording = get_object_or_404(AudioRecording, pk=recording_id)
    check_usable(recording)  # archive consent withdrawn: facilitators too are refused
    return recording


def _job_state(recording: AudioRecording) -> dict | None:
    return progress.job_state(TranscriptionJob.objects.filter(recording=recording).first())


@refuse_withheld()
def editor(request, recording_id: int):
    recording = _recording(request, recording_id)
    transcript, _created = Transcript.objects.get_or_create(recording=recording)
    revision = latest_revision(transcript)
    segments = list(
        transcript.segments.order_by("position").values(
            "start", "end", "text", "speaker", "reviewed", "low_confidence", "words"
        )
    )
    return render(
        request,
        "media/transcript_editor.html",
        {
            "recording": recording,
            "transcript": transcript,
            "editor_data": {
                "segments": segments,
                "revision": revision.pk if revision else None,
                "unsure": UNSURE,  # words below this probability are marked in the sentence
                "duration": recording.duration,
                "waveform": recording.waveform,
                "job": _job_state(recording),
                "urls": {
                    "save": reverse("media_transcript_save", args=[recording.pk]),
                    "status": reverse("media_transcript_status", args=[recording.pk]),
                },
            },
            "audio_url": reverse("media_transcript_audio", args=[recording.pk]),
            "formats": list(FORMATS),
            "revisions": transcript.revisions.select_related("user")[:10],
            # Other apps' tools for the editor (e.g. making story snippets), named in settings.
            "editor_tools": settings.TRANSCRIPT_EDITOR_TOOLS,
        },
    )


def _error(status: int, code: str, zh: str, en: str) -> JsonResponse:
    # The one JSON error shape (heritage/errors.py); media imports nothing of heritage, so it is written here.
    return JsonResponse({"error": code, "zh": zh, "en": en}, status=status, json_dumps_params={"ensure_ascii": False})


@require_POST
@refuse_withheld(json=True)
def save(request, recording_id: int):
    recording = _recording(request, recording_id)
    transcript = get_object_or_404(Transcript, recording=recording)
    try:
        payload = json.loads(request.body)
        revision = save_edit(transcript, payload.get("segments"), payload.get("revision"), request.user)
    except (ValueError, AttributeError):
        return _error(400, "bad_request", "无法读取提交的内容。", "the edit could not be read")
    except EditRejected as error:
        return _error(error.status, "conflict" if error.status == 409 else "rejected", error.zh, error.en)
    return JsonResponse({"revision": revision.pk, "saved_at": revision.created_at.isoformat()})


@require_POST
@refuse_withheld()
def transcribe(request, recording_id: int):
    recording = _recording(request, recording_id)
    start_transcription(recording, user=request.user)
    return redirect("media_transcript_editor", recording.pk)


@refuse_withheld(json=True)
def status(request, recording_id: int):
    return JsonResponse({"job": _job_state(_recording(request, recording_id))})


def live_progress(request):
    """``?id=1&id=2``: the recording list's transcription progress, polled by media/progress.js.

    Recordings whose narrator withdrew archive consent are left out (the gate of
    media/access.py), as are ids that do not exist: the answer names nothing it may not.
    """
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    ids = set(
        AudioRecording.objects.filter(pk__in=progress.parse_ids(request.GET.getlist("id"))).values_list("pk", flat=True)
    )
    answer = progress.progress(sorted(ids - withheld(ids)))
    for item in answer:
        item["review"] = reverse("media_transcript_editor", args=[item["id"]])
    return JsonResponse({"recordings": answer}, json_dumps_params={"ensure_ascii": False})


@refuse_withheld()
def audio(request, recording_id: int):
    recording = _recording(request, recording_id)
    return serve_recording(request, recording, "derivative")


@refuse_withheld()
def export(request, recording_id: int, fmt: str):
    recording = _recording(request, recording_id)
    if fmt not in FORMATS:
        raise Http404
    transcript = get_object_or_404(Transcript, recording=recording)
    return export_response(transcript, fmt, f"recording-{recording.pk}")

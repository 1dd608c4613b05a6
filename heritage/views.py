from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from media.formats import image_type
from media.models import Transcript
from media.serving import serve_media, serve_recording, stored_path
from media.transcription.exports import FORMATS, export_response

from .consent import Purpose, may
from .media_gate import image_of, may_image
from .models import OralHistoryPage


def _visible_oral_history(request, page_id: int) -> OralHistoryPage:
    page = get_object_or_404(OralHistoryPage.objects.live(), pk=page_id)
    if page.recording is None or not may(page, Purpose.VIEW, request.user):
        raise Http404
    return page


def oral_history_audio(request, page_id: int, variant: str):
    """The recording of an oral history, for whoever may see that oral history."""
    page = _visible_oral_history(request, page_id)
    return serve_recording(request, page.recording, "derivative" if variant == "derivative" else "original")


def oral_history_transcript(request, page_id: int, fmt: str):
    """The transcript as captions (WebVTT) or a download (SRT, text, JSON)."""
    if fmt not in FORMATS:
        raise Http404
    page = _visible_oral_history(request, page_id)
    transcript = Transcript.objects.filter(recording=page.recording).first()
    if transcript is None:
        raise Http404
    return export_response(transcript, fmt, page.slug, download=fmt != "vtt")


@require_safe
def media_file(request, name: str):
    """Everything under MEDIA_URL: an image original or rendition, for whoever the gate
    lets have it; any other stored file (recordings, documents, consent forms, uploads
    in progress) has its own checked view and is not found here."""
    image = image_of(name)
    if image is None or not may_image(image, Purpose.VIEW, request.user):
        raise Http404
    return serve_media(request, name, image_type(stored_path(name)))

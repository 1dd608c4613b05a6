from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404

from .audio import ranged_file_response
from .consent import Purpose, may
from .models import OralHistoryPage


def oral_history_audio(request, page_id: int, variant: str):
    """The recording of an oral history, for whoever may see that oral history."""
    page = get_object_or_404(OralHistoryPage.objects.live(), pk=page_id)
    if page.recording is None or not may(page, Purpose.VIEW, request.user):
        raise Http404
    field = page.recording.derivative if variant == "derivative" else page.recording.original
    path = Path(settings.MEDIA_ROOT) / field.name
    if not path.is_file():
        raise Http404
    return ranged_file_response(request, path)

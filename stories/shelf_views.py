"""The sellers' shelf: the page, and the label preview it shows (both behind the shelf's gate)."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from heritage.errors import error_response
from heritage.roles import roles_required
from media.exceptions import BilingualError

from .access import BOARD_ROLES, SHELF_ROLES, may_download
from .models import BrandKit
from .shelf import LABEL_SIDES, kits_on_shelf, label_preview, on_shelf, shelf_copy


@roles_required(*SHELF_ROLES)
def shelf(request):
    kits = [{"kit": kit, "listings": shelf_copy(kit)} for kit in kits_on_shelf()]
    return render(request, "stories/shelf.html", {"kits": kits})


@roles_required(*SHELF_ROLES, *BOARD_ROLES)
def kit_label_preview(request, slug, side):
    kit = get_object_or_404(BrandKit, slug=slug)
    # The same gate as the download: the preview is a page of the file the zip holds.
    if side not in LABEL_SIDES or not on_shelf(kit) or not may_download(kit, request.user):
        raise Http404
    try:
        path = label_preview(kit, side)
    except BilingualError as error:  # e.g. a label whose text fails contrast: say why, in Chinese first
        return error_response(request, 409, getattr(error, "code", "export_refused"), error.zh, error.en)
    return FileResponse(path.open("rb"), content_type="image/png")

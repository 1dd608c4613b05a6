"""The sellers' side of the ledger: accepting a kit's benefit agreement on the shelf."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from heritage.roles import roles_required
from stories.access import SHELF_ROLES
from stories.models import BrandKit
from stories.shelf import on_shelf

from . import agreements
from .exceptions import NoAgreementToAccept


@roles_required(*SHELF_ROLES)
@require_POST
def accept_agreement(request, slug):
    kit = get_object_or_404(BrandKit, slug=slug)
    if not on_shelf(kit):
        raise Http404
    try:
        agreements.accept(kit, request.user)
    except NoAgreementToAccept as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已接受《{kit}》的利益分享约定，现在可以下载。")
    return redirect("stories:shelf")

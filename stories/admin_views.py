"""The kit's approval page and its zip in the admin: thin views over stories/approval.py and exporting.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import approval
from .exceptions import KitConsentError, KitNotApproved
from .exporting import export_kit
from .models import BrandKit

APPROVE = "stories.publish_brandkit"


def _kit(request, pk) -> BrandKit:
    if not request.user.has_perm(APPROVE):
        raise PermissionDenied
    return get_object_or_404(BrandKit.objects.select_related("workshop", "live_revision", "latest_revision"), pk=pk)


def approve(request, pk):
    """GET: the diff against the approved revision, what blocks approval, one button. POST: approve."""
    kit = _kit(request, pk)
    if kit.latest_revision_id is None:
        messages.error(request, _("这个品牌包还没有保存过草稿，没有可批准的内容。"))
        return redirect("wagtailsnippets_stories_brandkit:edit", kit.pk)
    if request.method == "POST":
        try:
            approval.approve(kit, request.user)
        except KitConsentError as error:
            messages.error(request, error.message)
            return redirect("wagtailsnippets_stories_brandkit:approve", kit.pk)
        messages.success(request, _("已批准发布：%(title)s。卖家现在可以下载。") % {"title": kit.title})
        return redirect("wagtailsnippets_stories_brandkit:approve", kit.pk)
    current = kit.live and kit.live_revision_id == kit.latest_revision_id
    return render(
        request,
        "stories/admin/kit_approval.html",
        {
            "kit": kit,
            "diff": approval.kit_diff(kit, request.user),
            "problems": approval.blocking_problems(kit),
            "current": current,
        },
    )


def export(request, pk):
    """The seller's zip of the approved revision, built (or reused) by stories/exporting.py."""
    kit = _kit(request, pk)
    try:
        path = export_kit(kit)
    except (KitNotApproved, KitConsentError) as error:
        messages.error(request, error.message)
        return redirect("wagtailsnippets_stories_brandkit:approve", kit.pk)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/zip")

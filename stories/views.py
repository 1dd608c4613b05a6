import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from heritage.errors import error_json, json_error
from heritage.models import HeritageImage
from heritage.page_cache import cached_for_visitors
from heritage.roles import Role, has_role, roles_required
from media.exceptions import BilingualError

from . import board, signals, snippets
from .access import BOARD_ROLES, SHELF_ROLES, may_download
from .exceptions import ExportRefused, KitConsentError
from .exporting import export_kit
from .forms import NewKitForm
from .kit_images import check_kit_photos
from .models import BrandKit, StorySnippet, Workshop
from .palette import extract_palette, palette_offer
from .shelf import on_shelf
from .story_page import story_page
from .withdrawal import withdraw_lacking

MAX_PALETTE_PHOTOS = 24


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(error: BilingualError, status=400):
    return error_json(error, status)


def _invalid(error: ValidationError):
    # Django's validation messages are Chinese only (the board's own wording).
    return json_error(400, "invalid", "；".join(error.messages), "invalid request")


def _body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    return data if isinstance(data, dict) else {}


def _editable_kit(request, slug) -> BrandKit:
    kit = get_object_or_404(BrandKit, slug=slug)
    if not board.may_edit(kit, request.user):
        raise PermissionDenied
    return kit


def _workshops_of(user):
    if has_role(user, Role.FACILITATOR):
        return Workshop.objects.all()
    return Workshop.objects.filter(participants=user)


@roles_required(*BOARD_ROLES)
def kit_list(request):
    workshops = _workshops_of(request.user)
    form = NewKitForm(
        request.POST or None, workshops=workshops, workshop_required=not has_role(request.user, Role.FACILITATOR)
    )
    if request.method == "POST" and form.is_valid():
        kit = BrandKit.objects.create(
            title=form.cleaned_data["title"],
            product_name=form.cleaned_data["product_name"],
            workshop=form.cleaned_data["workshop"],
            slug=form.unique_slug(),
            live=False,
        )
        kit.save_revision(user=request.user)
        return redirect("stories:board", kit.slug)
    kits = [k for k in BrandKit.objects.select_related("workshop") if board.may_edit(k, request.user)]
    for kit in kits:
        kit.withdrawn_notice = board.withdrawn_notice(kit, request.user)
        kit.status = board.status_of(kit)
    return render(request, "stories/kit_list.html", {"kits": kits, "form": form})


@roles_required(*BOARD_ROLES)
def board_page(request, slug):
    kit = _editable_kit(request, slug)
    return render(
        request,
        "stories/board.html",
        {
            "kit": kit,
            "state": board.board_state(kit, request.user),
            "may_download": kit.live and may_download(kit, request.user),
        },
    )


@roles_required(*BOARD_ROLES)
@require_POST
def board_save(request, slug):
    kit = _editable_kit(request, slug)
    data = _body(request)
    base = data.get("revision")
    try:
        if base is not None:
            (base,) = board.int_list([base], "revision")
        board.save_draft(kit.pk, data, request.user, base)
    except BilingualError as error:
        return _error(error, status=409 if error.code == "conflict" else 400)
    except ValidationError as error:
        return _invalid(error)
    kit.refresh_from_db()
    return _json({"state": board.board_state(kit, request.user)})


@roles_required(*BOARD_ROLES)
@require_POST
def board_comment(request, slug):
    kit = _editable_kit(request, slug)
    data = _body(request)
    try:
        board.comment(kit, request.user, data.get("text", ""), data.get("snippet"))
    except ValidationError as error:
        return _invalid(error)
    return _json({"state": board.board_state(kit, request.user)})


@roles_required(*BOARD_ROLES)
@require_POST
def board_vote(request, slug):
    kit = _editable_kit(request, slug)
    try:
        (snippet_id,) = board.int_list([_body(request).get("snippet")], "snippet")
    except ValidationError as error:
        return _invalid(error)
    snippet = get_object_or_404(StorySnippet, pk=snippet_id)
    board.toggle_vote(kit, request.user, snippet.pk)
    return _json({"state": board.board_state(kit, request.user)})


@roles_required(*BOARD_ROLES)
@require_POST
def board_submit(request, slug):
    kit = _editable_kit(request, slug)
    board.request_approval(kit, request.user)
    kit.refresh_from_db()
    return _json({"state": board.board_state(kit, request.user)})


@roles_required(*BOARD_ROLES)
@require_POST
def board_palette(request, slug):
    kit = _editable_kit(request, slug)
    try:
        ids = board.int_list(_body(request).get("images", []), "images")[:MAX_PALETTE_PHOTOS]
        # The same rule as saving: the palette reads only photos the kit may hold.
        check_kit_photos(ids, request.user, already={link.image_id for link in board.draft_of(kit).kit_photos.all()})
    except ValidationError as error:
        return _invalid(error)
    except BilingualError as error:
        return _error(error)
    images = HeritageImage.objects.filter(pk__in=ids)
    colours = extract_palette([image.file.path for image in images])
    return _json({"palette": colours, "swatches": palette_offer(colours)})


@roles_required(*BOARD_ROLES)
@require_POST
def snippet_create(request):
    data = _body(request)
    workshop = None
    if data.get("workshop") is not None:
        workshop_id = data["workshop"]
        workshop = _workshops_of(request.user).filter(pk=workshop_id).first() if isinstance(workshop_id, int) else None
        if workshop is None:
            return json_error(403, "not_your_workshop", "你不在这个工作坊里。", "not a workshop of yours")
    try:
        snippet = snippets.make_snippet(data, request.user, workshop)
    except BilingualError as error:
        return _error(error)
    except (TypeError, ValueError):
        return json_error(400, "bad_request", "请求的格式不对。", "malformed request")
    return _json({"snippet": board.snippet_row(snippet)}, status=201)


@roles_required(*SHELF_ROLES, *BOARD_ROLES)
def kit_download(request, slug):
    kit = get_object_or_404(BrandKit, slug=slug)
    if not may_download(kit, request.user):
        raise PermissionDenied
    try:
        path = export_kit(kit)
        signals.kit_downloaded.send(BrandKit, kit=kit, user=request.user, revision_id=kit.live_revision_id, path=path)
    except KitConsentError as error:
        # Consent changed under a live kit: take it off the shelf and tell its
        # facilitators (the reason, with the quotes, goes to them only).
        withdraw_lacking([kit])
        return _refuse_download(request, kit, ExportRefused(error.problems))
    except BilingualError as error:
        return _refuse_download(request, kit, error)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/zip")


def _refuse_download(request, kit: BrandKit, error: BilingualError):
    if request.headers.get("accept", "").startswith("application/json"):
        return _error(error, status=409)
    messages.error(request, error.message)
    if board.may_edit(kit, request.user):
        return redirect("stories:board", kit.slug)
    return redirect("stories:shelf")


# Compressed: on 3G each kilobyte is ~6 ms before the first paint. The page holds no secret
# (no form, no token, nothing of the visitor's), so compression leaks nothing (BREACH).
@gzip_page
@cached_for_visitors(on_hit=signals.send_story_opened_from_cache)
def kit_story(request, slug):
    """The public story page the QR code on the jar opens."""
    kit = get_object_or_404(BrandKit, slug=slug)
    if not on_shelf(kit):
        raise Http404
    signals.kit_story_opened.send(BrandKit, kit=kit, source=request.GET.get("src", ""))
    return render(request, "stories/kit_story.html", story_page(kit))

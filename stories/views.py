import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from heritage.consent import Purpose, may
from heritage.errors import error_json, json_error
from heritage.media_gate import permitted_images
from heritage.models import HeritageImage, OralHistoryPage
from heritage.page_cache import cached_for_visitors
from heritage.roles import Role, has_role, roles_required
from media.exceptions import BilingualError

from . import board, signals, snippets
from .access import BOARD_ROLES, SHELF_ROLES, may_download
from .consent import consent_problems, kit_snippets, visible_page_ids
from .exceptions import ExportRefused, KitConsentError
from .exporting import approved_revision, export_kit
from .forms import NewKitForm
from .kit_images import check_kit_photos, offered_images
from .models import BrandKit, StorySnippet, Workshop
from .palette import extract_palette
from .shelf import on_shelf
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
        kit.withdrawn_notice = withdrawn_notice(kit, request.user)
    return render(request, "stories/kit_list.html", {"kits": kits, "form": form})


def _snippet_row(snippet: StorySnippet, votes: dict, problems: set) -> dict:
    return {
        "id": snippet.pk,
        "text": snippet.text,
        "where": f"{snippet.page.title} · {snippet.where}",
        "url": (snippet.page.url or "") + (f"?t={int(snippet.start)}" if snippet.start is not None else ""),
        "narrators": [n.credited_as for n in snippet.narrators.all()],
        # Media fragment: the browser plays just the quoted clip, through the consent-checked view.
        "audio": f"{reverse('heritage:oral_history_audio', args=[snippet.page_id, 'original'])}"
        f"#t={snippet.start:.2f},{snippet.end:.2f}"
        if snippet.recording_id and snippet.start is not None
        else None,
        "start": snippet.start,
        "end": snippet.end,
        "votes": votes.get(snippet.pk, 0),
        "consent_missing": snippet.pk in problems,
    }


def _hidden_row(pk: int) -> dict:
    return {"id": pk, "text": "（无权查看的片段）", "where": "", "url": "", "narrators": [], "votes": 0, "hidden": True}


def board_state(kit: BrandKit, user) -> dict:
    draft = board.draft_of(kit)
    chosen = [link.snippet_id for link in draft.kit_snippets.all()]
    candidates = StorySnippet.objects.filter(pk__in=chosen)
    if kit.workshop_id:
        candidates = candidates | StorySnippet.objects.filter(workshop_id=kit.workshop_id)
    candidates = candidates | StorySnippet.objects.filter(created_by=user)
    candidates = list(candidates.distinct().select_related("page").prefetch_related("narrators"))
    # Only words this person may see; a chosen snippet from a source they may not see
    # keeps its place in the story but shows nothing of it.
    visible = visible_page_ids([s.page_id for s in candidates], user)
    hidden = [s.pk for s in candidates if s.page_id not in visible]
    candidates = [s for s in candidates if s.page_id in visible]
    votes = dict(kit.votes.values_list("snippet").annotate(n=Count("pk")).values_list("snippet", "n"))
    problems = {getattr(p, "snippet_id", None) for p in consent_problems(draft)}
    my_votes = list(kit.votes.filter(voter=user).values_list("snippet_id", flat=True))
    return {
        "kit": {
            "slug": kit.slug,
            "title": kit.title,
            "product_name": kit.product_name,
            **{name: getattr(draft, name) for name in board.TEXT_FIELDS},
            "snippets": chosen,
            "photos": [{"image": link.image_id, "role": link.role} for link in draft.kit_photos.all()],
            "revision": kit.latest_revision_id,
            "live": kit.live,
            "approval_requested": bool(kit.approval_requested_at),
            "withdrawn_reason": withdrawn_notice(kit, user),
        },
        "candidates": [_snippet_row(s, votes, problems) for s in candidates]
        + [
            {"id": pk, "text": "（无权查看的片段）", "where": "", "url": "", "narrators": [], "hidden": True}
            for pk in hidden
        ],
        "my_votes": my_votes,
        "comments": [
            {"author": str(c.author or ""), "text": c.text, "snippet": c.snippet_id, "at": c.created_at.isoformat()}
            for c in kit.comments.select_related("author")
        ],
        # Only photos the image gate allows on a product are offered (their thumbnails
        # are served to workshop members by the same gate).
        "images": [
            {"id": image.pk, "title": image.title, "thumb": image.get_rendition("fill-160x160").url}
            for image in offered_images()
        ],
    }


def withdrawn_notice(kit: BrandKit, user) -> str:
    """Why the kit left the shelf: the full reason names quotes and photos, so only
    facilitators read it; others learn that it happened and that facilitators know."""
    if not kit.withdrawn_reason or (has_role(user, Role.FACILITATOR) and _sources_visible(kit, user)):
        return kit.withdrawn_reason
    return "讲述人的同意有了变化，这个品牌包已下架，协作者已收到通知。"


def _sources_visible(kit: BrandKit, user) -> bool:
    """May ``user`` still see every page the kit quotes and every photo it shows? The
    reason was written at withdrawal time; a later archive withdrawal hides it from
    facilitators too."""
    page_ids = {snippet.page_id for snippet in kit_snippets(kit)}
    image_ids = {link.image_id for link in kit.kit_photos.all()}
    return visible_page_ids(page_ids, user) == page_ids and permitted_images(image_ids, Purpose.VIEW, user) == image_ids


@roles_required(*BOARD_ROLES)
def board_page(request, slug):
    kit = _editable_kit(request, slug)
    return render(
        request,
        "stories/board.html",
        {
            "kit": kit,
            "state": board_state(kit, request.user),
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
    return _json({"state": board_state(kit, request.user)})


@roles_required(*BOARD_ROLES)
@require_POST
def board_comment(request, slug):
    kit = _editable_kit(request, slug)
    data = _body(request)
    try:
        board.comment(kit, request.user, data.get("text", ""), data.get("snippet"))
    except ValidationError as error:
        return _invalid(error)
    return _json({"state": board_state(kit, request.user)})


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
    return _json({"state": board_state(kit, request.user)})


@roles_required(*BOARD_ROLES)
@require_POST
def board_submit(request, slug):
    kit = _editable_kit(request, slug)
    board.request_approval(kit, request.user)
    kit.refresh_from_db()
    return _json({"state": board_state(kit, request.user)})


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
    return _json({"palette": extract_palette([image.file.path for image in images])})


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
    source = data.get("source")
    options = {"quote": data.get("quote", ""), "workshop": workshop}
    try:
        if source == "segments":
            first, last = data.get("first"), data.get("last")
            snippet = snippets.from_segments(data.get("page"), first, last, request.user, **options)
        elif source == "recipe_step":
            snippet = snippets.from_recipe_step(data.get("page"), data.get("position"), request.user, **options)
        elif source == "memory_paragraph":
            snippet = snippets.from_memory_paragraph(data.get("page"), data.get("position"), request.user, **options)
        elif source == "recording":
            recording, start, end = data.get("recording"), data.get("start"), data.get("end")
            snippet = snippets.from_recording_selection(recording, start, end, request.user, **options)
        elif source == "search":
            snippet = snippets.from_search_key(data.get("key", ""), request.user, workshop=workshop)
        else:
            return json_error(400, "unknown_source", "不认识的来源。", "unknown source")
    except BilingualError as error:
        return _error(error)
    except (TypeError, ValueError):
        return json_error(400, "bad_request", "请求的格式不对。", "malformed request")
    return _json({"snippet": _snippet_row(snippet, {}, set())}, status=201)


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


@cached_for_visitors(on_hit=signals.send_story_opened_from_cache)
def kit_story(request, slug):
    """The public story page the QR code on the jar opens."""
    kit = get_object_or_404(BrandKit, slug=slug)
    if not on_shelf(kit):
        raise Http404
    signals.kit_story_opened.send(BrandKit, kit=kit, source=request.GET.get("src", ""))
    revision = approved_revision(kit)
    live = revision.as_object()
    quotes = []
    for link in live.kit_snippets.all():
        snippet = link.snippet
        source = snippet.page.specific
        visible = may(source, Purpose.VIEW, None)
        quotes.append(
            {
                "text": snippet.text,
                "narrators": [n.credited_as for n in snippet.narrators.all()],
                "url": (source.url + (f"?t={int(snippet.start)}" if snippet.start is not None else ""))
                if visible
                else "",
                "listen": isinstance(source, OralHistoryPage),
            }
        )
    return render(request, "stories/kit_story.html", {"kit": live, "quotes": quotes})

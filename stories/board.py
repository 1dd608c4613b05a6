"""The kit board: what it shows (one read model, :func:`board_state`) and its writes (drafts
saved as revisions, never over someone else's save)."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from heritage.consent import Purpose
from heritage.media_gate import permitted_images
from heritage.roles import Role, has_role
from media.timecode import clock

from .consent import consent_problems, kit_snippets, visible_page_ids
from .exceptions import EditConflict
from .kit_images import check_kit_photos, offered_images
from .models import BrandKit, KitComment, KitPhoto, KitSnippet, KitVote, StorySnippet
from .models.kits import PhotoRole
from .palette import palette_offer

TEXT_FIELDS = ("tagline", "short_story", "long_story", "selling_points", "keywords", "palette")


def may_edit(kit: BrandKit, user) -> bool:
    if has_role(user, Role.FACILITATOR):
        return True
    # A kit outside any workshop is the facilitators' alone.
    return has_role(user, Role.PARTICIPANT) and kit.workshop is not None and kit.workshop.is_member(user)


def draft_of(kit: BrandKit) -> BrandKit:
    """The kit as its latest draft holds it (what the board shows)."""
    return kit.get_latest_revision_as_object() if kit.latest_revision_id else kit


@transaction.atomic
def save_draft(kit_id: int, data: dict, user, base_revision_id: int | None) -> BrandKit:
    """Save the board's state as a new revision.

    ``base_revision_id`` is the revision the person's board was loaded from: if anyone
    saved since, nothing is written and :class:`EditConflict` names who did.
    """
    kit = BrandKit.objects.select_for_update().get(pk=kit_id)
    if kit.latest_revision_id and kit.latest_revision_id != base_revision_id:
        other = kit.latest_revision.user
        raise EditConflict(str(other) if other else "别人")
    if kit.locked and kit.locked_by_id != user.pk:
        raise EditConflict(f"{kit.locked_by}（已锁定）")
    draft = draft_of(kit)
    for name in TEXT_FIELDS:
        if name in data:
            if not isinstance(data[name], str | None):
                raise ValidationError(f"{name}: 应为文字 / must be text")
            setattr(draft, name, (data[name] or "").strip())
    if "snippets" in data:
        ids = int_list(data["snippets"], "snippets")
        already = {link.snippet_id for link in draft.kit_snippets.all()}
        new = list(StorySnippet.objects.filter(pk__in=set(ids) - already).values_list("pk", "page_id"))
        # A person adds only words they may see; what the kit already quotes stays.
        allowed = already | {pk for pk, page in new if page in visible_page_ids([p for _pk, p in new], user)}
        draft.kit_snippets = [KitSnippet(snippet_id=i, sort_order=n) for n, i in enumerate(ids) if i in allowed]
    if "photos" in data:
        photos = data["photos"]
        if not isinstance(photos, list) or not all(isinstance(p, dict) for p in photos):
            raise ValidationError("photos: 格式不对 / malformed")
        image_ids = int_list([p.get("image") for p in photos], "photos")
        roles = [p.get("role", PhotoRole.DETAIL) for p in photos]
        if not all(isinstance(role, str) for role in roles) or not set(roles) <= set(PhotoRole.values):
            raise ValidationError("photos: 照片用途不对 / unknown photo role")
        # Only photos the image gate allows on a product join the kit; a refusal says
        # nothing about a photo this person may not see.
        check_kit_photos(image_ids, user, already={link.image_id for link in draft.kit_photos.all()})
        roles = one_main_photo(roles)
        draft.kit_photos = [
            KitPhoto(image_id=i, role=role, sort_order=n)
            for n, (i, role) in enumerate(zip(image_ids, roles, strict=True))
        ]
    draft.full_clean(exclude=["slug", "title", "product_name"])
    if not draft.live:
        # An unpublished kit keeps its working copy in the table too, as Wagtail's editor
        # does; what is not the board's to change comes from the row, not the old revision.
        for name in ("approval_requested_at", "approved_by_id", "withdrawn_reason", "live_revision_id"):
            setattr(draft, name, getattr(kit, name))
        draft.save()
    draft.save_revision(user=user, changed=True)
    return draft


def request_approval(kit: BrandKit, user) -> None:
    BrandKit.objects.filter(pk=kit.pk).update(approval_requested_at=timezone.now())


def int_list(values, name: str) -> list[int]:
    """Ids from a JSON body: a list of whole numbers, or a ValidationError naming the field."""
    if not isinstance(values, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise ValidationError(f"{name}: 应为编号列表 / must be a list of ids")
    return values


def comment(kit: BrandKit, user, text, snippet_id=None) -> KitComment:
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise ValidationError("评论不能是空的。")
    if snippet_id is not None and not StorySnippet.objects.filter(pk=int_list([snippet_id], "snippet")[0]).exists():
        raise ValidationError("没有这个片段。")
    return KitComment.objects.create(kit=kit, author=user, text=text[:1000], snippet_id=snippet_id)


def toggle_vote(kit: BrandKit, user, snippet_id: int) -> bool:
    """Vote for a candidate, or take the vote back; returns whether the vote now stands."""
    vote, created = KitVote.objects.get_or_create(kit=kit, snippet_id=snippet_id, voter=user)
    if not created:
        vote.delete()
    return created


def one_main_photo(roles: list[str]) -> list[str]:
    """A kit has exactly one main photo once it has photos: a second is refused (the board
    asks which to keep before it saves); with none, the first photo is the main one."""
    mains = roles.count(PhotoRole.MAIN)
    if mains > 1:
        raise ValidationError("只能有一张主图：请选定保留哪一张。")
    if roles and not mains:
        return [PhotoRole.MAIN, *roles[1:]]
    return roles


# The read model -------------------------------------------------------------------------


def _same_words(snippet: StorySnippet) -> str:
    """Two snippets quoting the same words of the same source are one quote to the board."""
    words = re.sub(r"\s+", "", snippet.text)
    return f"{snippet.page_id}:{words}"


def snippet_row(snippet: StorySnippet, votes: dict | None = None, problems: set = frozenset()) -> dict:
    """One snippet as the board shows it (in the story, among the candidates, just made)."""
    has_clip = snippet.recording_id and snippet.start is not None
    return {
        "id": snippet.pk,
        "text": snippet.text,
        "where": f"{snippet.page.title} · {snippet.where}",
        "url": (snippet.page.url or "") + (f"?t={snippet.start:.2f}" if snippet.start is not None else ""),
        "page": snippet.page_id,
        "source": snippet.source,
        "same": _same_words(snippet),
        "narrators": [n.credited_as for n in snippet.narrators.all()],
        # Media fragment: the browser fetches just the quoted clip, through the consent-checked view.
        "audio": f"{reverse('heritage:oral_history_audio', args=[snippet.page_id, 'original'])}"
        f"#t={snippet.start:.2f},{snippet.end:.2f}"
        if has_clip
        else None,
        "start": snippet.start,
        "end": snippet.end,
        "length": clock(snippet.end - snippet.start) if has_clip else None,
        "votes": (votes or {}).get(snippet.pk, 0),
        "consent_missing": snippet.pk in problems,
    }


def _hidden_row(pk: int) -> dict:
    return {"id": pk, "text": "（无权查看的片段）", "where": "", "url": "", "narrators": [], "votes": 0, "hidden": True}


def status_of(kit: BrandKit) -> str:
    """The word at the top of the board and in the kit list."""
    if kit.live and kit.latest_revision_id == kit.live_revision_id:
        return "已审核发布"
    asked = kit.approval_requested_at
    if asked and (kit.last_published_at is None or asked > kit.last_published_at):
        return "等待审核"
    return "已发布 · 有未审核的修改" if kit.live else "草稿"


def board_state(kit: BrandKit, user) -> dict:
    """Everything the board's page needs, as JSON: the draft, the snippets this person may
    see (the story's and the candidates, a quote already in the story not repeated), votes,
    comments, the photos that may go into a kit, and the palette on offer."""
    draft = draft_of(kit)
    chosen = [link.snippet_id for link in draft.kit_snippets.all()]
    pool = StorySnippet.objects.filter(pk__in=chosen)
    if kit.workshop_id:
        pool = pool | StorySnippet.objects.filter(workshop_id=kit.workshop_id)
    pool = pool | StorySnippet.objects.filter(created_by=user)
    pool = list(pool.distinct().select_related("page").prefetch_related("narrators"))
    # Only words this person may see; a chosen snippet from a source they may not see
    # keeps its place in the story but shows nothing of it.
    visible = visible_page_ids([s.page_id for s in pool], user)
    hidden = [s.pk for s in pool if s.page_id not in visible]
    pool = [s for s in pool if s.page_id in visible]
    votes = dict(kit.votes.values_list("snippet").annotate(n=Count("pk")).values_list("snippet", "n"))
    problems = {getattr(p, "snippet_id", None) for p in consent_problems(draft)}
    rows = [snippet_row(s, votes, problems) for s in pool]
    in_story = {row["same"] for row in rows if row["id"] in chosen}
    candidates, seen = [], set(in_story)
    for row in sorted(rows, key=lambda r: -r["votes"]):
        if row["id"] not in chosen and row["same"] not in seen:
            seen.add(row["same"])
            candidates.append(row["id"])
    photo_colours = draft.colours
    return {
        "kit": {
            "slug": kit.slug,
            "title": kit.title,
            "product_name": kit.product_name,
            **{name: getattr(draft, name) for name in TEXT_FIELDS},
            "snippets": chosen,
            "photos": [{"image": link.image_id, "role": link.role} for link in draft.kit_photos.all()],
            "revision": kit.latest_revision_id,
            "live": kit.live,
            "approval_requested": bool(kit.approval_requested_at),
            "status": status_of(kit),
            "withdrawn_reason": withdrawn_notice(kit, user),
        },
        "snippets": rows + [_hidden_row(pk) for pk in hidden],
        "candidates": candidates,
        "my_votes": list(kit.votes.filter(voter=user).values_list("snippet_id", flat=True)),
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
        "swatches": palette_offer(photo_colours),
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

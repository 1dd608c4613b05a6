"""The kit board's writes: drafts saved as revisions, never over someone else's save."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from heritage.roles import Role, has_role

from .consent import visible_page_ids
from .exceptions import EditConflict
from .kit_images import check_kit_photos
from .models import BrandKit, KitComment, KitPhoto, KitSnippet, KitVote, StorySnippet
from .models.kits import PhotoRole

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

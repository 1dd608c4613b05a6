"""The kit board's writes: drafts saved as revisions, never over someone else's save."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from heritage.roles import Role, has_role

from .exceptions import EditConflict
from .models import BrandKit, KitComment, KitPhoto, KitSnippet, KitVote, StorySnippet
from .models.kits import PhotoRole

TEXT_FIELDS = ("tagline", "short_story", "long_story", "selling_points", "keywords", "palette")


def may_edit(kit: BrandKit, user) -> bool:
    if has_role(user, Role.FACILITATOR):
        return True
    if not has_role(user, Role.PARTICIPANT):
        return False
    return kit.workshop is None or kit.workshop.is_member(user)


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
            setattr(draft, name, str(data[name] or "").strip())
    if "snippets" in data:
        ids = [int(i) for i in data["snippets"]]
        known = set(StorySnippet.objects.filter(pk__in=ids).values_list("pk", flat=True))
        draft.kit_snippets = [KitSnippet(snippet_id=i, sort_order=n) for n, i in enumerate(ids) if i in known]
    if "photos" in data:
        draft.kit_photos = [
            KitPhoto(image_id=int(p["image"]), role=PhotoRole(p.get("role", PhotoRole.DETAIL)), sort_order=n)
            for n, p in enumerate(data["photos"])
        ]
    draft.full_clean(exclude=["slug", "title", "product_name"])
    if not draft.live:
        draft.save()  # an unpublished kit keeps its working copy in the table too, as Wagtail's editor does
    draft.save_revision(user=user, changed=True)
    return draft


def request_approval(kit: BrandKit, user) -> None:
    BrandKit.objects.filter(pk=kit.pk).update(approval_requested_at=timezone.now())


def comment(kit: BrandKit, user, text: str, snippet_id: int | None = None) -> KitComment:
    text = (text or "").strip()
    if not text:
        raise ValidationError("评论不能是空的。")
    return KitComment.objects.create(kit=kit, author=user, text=text[:1000], snippet_id=snippet_id)


def toggle_vote(kit: BrandKit, user, snippet_id: int) -> bool:
    """Vote for a candidate, or take the vote back; returns whether the vote now stands."""
    vote, created = KitVote.objects.get_or_create(kit=kit, snippet_id=snippet_id, voter=user)
    if not created:
        vote.delete()
    return created

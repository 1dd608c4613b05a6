"""A facilitator approves a kit: which kits wait, and what changed since the approved revision.

The diff compares the latest revision with the live (approved) one, field by field for
the texts and as sets for the quoted snippets and photos. It passes the consent gate: a
snippet whose narrator withdrew archive consent is listed without its words, a photo the
image gate refuses to this facilitator without its title.
"""

import difflib
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from heritage.consent import Audience, Purpose, missing_consent
from heritage.media_gate import permitted_images
from heritage.models import HeritageImage

from .consent import consent_problems, kit_snippets
from .export.content import LABEL_FIELDS
from .models import BrandKit
from .models.kits import PhotoRole

WITHHELD_SNIPPET = "（讲述人已撤回存档同意，不显示引文）"
WITHHELD_PHOTO = "（照片不可查看）"

# The kit's texts in the order the form shows them: (field, label).
TEXT_FIELDS = [
    ("title", "商品"),
    ("product_name", "产品名"),
    ("tagline", "一句话"),
    ("short_story", "短故事"),
    ("long_story", "长故事"),
    ("selling_points", "卖点"),
    ("keywords", "搜索词"),
    ("palette", "品牌色"),
    *[(spec.key, str(spec.label)) for spec in LABEL_FIELDS],
]


def kits_waiting():
    """Kits whose group asked for review and whose latest revision is not the approved one."""
    return (
        BrandKit.objects.filter(approval_requested_at__isnull=False, latest_revision__isnull=False)
        .filter(Q(live=False) | Q(has_unpublished_changes=True))
        .filter(withdrawn_reason="")
        .select_related("workshop")
        .order_by("approval_requested_at")
    )


def kits_withdrawn():
    """Kits taken down because a narrator withdrew consent (stories/withdrawal.py)."""
    return BrandKit.objects.filter(live=False).exclude(withdrawn_reason="").order_by("title")


@dataclass(frozen=True)
class TextChange:
    label: str
    parts: list[tuple[str, str]]  # (op, text): op is "equal", "delete" or "insert"


@dataclass(frozen=True)
class ItemChange:
    change: str  # "added" or "removed" or "role"
    text: str
    detail: str = ""


@dataclass
class KitDiff:
    first_approval: bool
    texts: list[TextChange] = field(default_factory=list)
    snippets: list[ItemChange] = field(default_factory=list)
    photos: list[ItemChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.texts or self.snippets or self.photos)


def text_parts(before: str, after: str) -> list[tuple[str, str]]:
    """A character diff (Chinese has no spaces to split words on)."""
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("equal", before[i1:i2]))
        if op in ("delete", "replace"):
            parts.append(("delete", before[i1:i2]))
        if op in ("insert", "replace"):
            parts.append(("insert", after[j1:j2]))
    return parts


def _snippet_texts(kit_object) -> dict[int, str]:
    snippets = kit_snippets(kit_object)
    narrators = {n.pk for s in snippets for n in s.narrators.all()}
    lacking = {pk for pk, _scope in missing_consent(narrators, Purpose.VIEW, Audience.FACILITATOR)}
    return {s.pk: WITHHELD_SNIPPET if any(n.pk in lacking for n in s.narrators.all()) else s.text for s in snippets}


def kit_diff(kit: BrandKit, user) -> KitDiff:
    """What the latest revision changes against the approved one (everything, on a first approval)."""
    after = kit.latest_revision.as_object()
    before = kit.live_revision.as_object() if kit.live_revision_id else None
    diff = KitDiff(first_approval=before is None)
    for name, label in TEXT_FIELDS:
        old = str(getattr(before, name, "") or "") if before else ""
        new = str(getattr(after, name, "") or "")
        if old != new:
            diff.texts.append(TextChange(label, text_parts(old, new)))
    old_snippets = _snippet_texts(before) if before else {}
    new_snippets = _snippet_texts(after)
    diff.snippets += [ItemChange("removed", text) for pk, text in old_snippets.items() if pk not in new_snippets]
    diff.snippets += [ItemChange("added", text) for pk, text in new_snippets.items() if pk not in old_snippets]
    old_photos = {link.image_id: link.role for link in before.kit_photos.all()} if before else {}
    new_photos = {link.image_id: link.role for link in after.kit_photos.all()}
    ids = set(old_photos) | set(new_photos)
    visible = permitted_images(ids, Purpose.VIEW, user)
    titles = dict(HeritageImage.objects.filter(pk__in=visible).values_list("pk", "title"))
    for pk in sorted(ids):
        title = titles.get(pk, WITHHELD_PHOTO)
        if pk not in new_photos:
            diff.photos.append(ItemChange("removed", title))
        elif pk not in old_photos:
            diff.photos.append(ItemChange("added", title, PhotoRole(new_photos[pk]).label))
        elif old_photos[pk] != new_photos[pk]:
            diff.photos.append(
                ItemChange("role", title, f"{PhotoRole(old_photos[pk]).label} → {PhotoRole(new_photos[pk]).label}")
            )
    return diff


def approve(kit: BrandKit, user):
    """Publish the latest revision: the facilitator's approval. Raises KitConsentError
    (through BrandKit.publish) when a quoted narrator or a photo lacks consent."""
    revision = kit.latest_revision
    revision.publish(user=user)
    BrandKit.objects.filter(pk=kit.pk).update(approval_requested_at=None)
    kit.refresh_from_db()
    return revision


def blocking_problems(kit: BrandKit) -> list:
    return consent_problems(kit.latest_revision.as_object())


def waiting_since(kit: BrandKit) -> str:
    days = (timezone.now() - kit.approval_requested_at).days
    return f"{days} 天前" if days else "今天"

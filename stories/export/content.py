"""What an export is made from: one approved kit revision, flattened to plain data.

The renderers in this package (label PDF, listing copy, images, story texts, credits,
manifest) read only this, never the database, so they are easy to test and a kit
exports the same way from any revision.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path


def human_date(value: date) -> str:
    """A date as people write it in Chinese: 2026年12月2日 (no zero padding)."""
    return f"{value.year}年{value.month}月{value.day}日"


def human_time(iso: str) -> str:
    """An ISO time for people: "2026年6月1日 10:30（UTC+08:00）"; the ISO text stays beside it in files."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    zone = ""
    if moment.utcoffset() is not None:
        minutes = int(moment.utcoffset().total_seconds() // 60)
        zone = f"（UTC{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}）"
    return f"{human_date(moment)} {moment:%H:%M}{zone}"


@dataclass(frozen=True)
class LabelField:
    """A prepackaged-food label item (GB 7718); ``since`` names the standard that asks for it."""

    key: str
    label: str
    english: str
    since: str = "GB 7718-2011"
    mandatory: bool = True


# GB 7718 §4.1, and the items GB 7718-2025 adds from 2027-03-16 (DOMAIN.md, "Food labels").
LABEL_FIELDS: tuple[LabelField, ...] = (
    LabelField("food_name", "食品名称", "Food name"),
    LabelField("ingredients", "配料表", "Ingredients"),
    LabelField("net_content", "净含量和规格", "Net content"),
    LabelField("producer_name", "生产者名称", "Producer"),
    LabelField("producer_address", "生产者地址", "Producer address"),
    LabelField("producer_contact", "联系方式", "Contact"),
    LabelField("production_date", "生产日期", "Production date"),
    LabelField("shelf_life", "保质期", "Shelf life"),
    LabelField("expiry_date", "到期日", "Expiry date", since="GB 7718-2025"),
    LabelField("storage", "贮存条件", "Storage conditions"),
    LabelField("licence_number", "食品生产许可证编号", "Food production licence (SC + 14 digits)"),
    LabelField("standard_code", "产品标准代号", "Product standard code"),
    LabelField("allergens", "致敏物质提示", "Allergens", since="GB 7718-2025"),
)


@dataclass(frozen=True)
class Credit:
    """An elder quoted in the kit, and the recordings the quotes come from."""

    name: str
    village: str
    recordings: tuple[str, ...] = ()  # "title (2026-05-03)"


@dataclass(frozen=True)
class Snippet:
    text: str
    narrator_names: tuple[str, ...]
    source: dict  # StorySnippet.pointer(): {"kind": "segments", "page_title": …, "recording_id": …, "start", "end", …}
    consent: list[dict]  # the consent records relied on, one per narrator
    note: str = ""  # the snippet's role in the story, e.g. "开头"


@dataclass(frozen=True)
class Photo:
    path: Path  # the original image file
    title: str
    focal_box: tuple[int, int, int, int] | None = None  # left, top, right, bottom in pixels
    role: str = "detail"  # "main" photos become main images; every photo becomes a detail image


QR_SOURCE_PREFIX = "qr-r"  # then the approved revision the label was printed from


def qr_source(revision_id: int) -> str:
    """The tag the label's QR adds to the story URL, so a scan can be counted per kit and
    per printed revision (a count only: nothing about the visitor is kept). Short on
    purpose: a longer URL needs a denser QR code, with smaller modules on a 20 mm label."""
    return f"{QR_SOURCE_PREFIX}{revision_id}"


@dataclass(frozen=True)
class KitContent:
    slug: str
    product_name: str  # e.g. 阳朗辣子鸡
    tagline: str
    short_story: str  # ≤ 100 characters
    long_story: str
    selling_points: tuple[str, ...]
    snippets: tuple[Snippet, ...]
    photos: tuple[Photo, ...]
    palette: tuple[str, ...]  # "#RRGGBB", darkest first
    label: dict[str, str]  # LABEL_FIELDS key → text; missing or blank keys are listed, never invented
    story_url: str  # the public story page the QR code opens
    credits: tuple[Credit, ...]
    revision_id: int
    approved_at: str  # ISO 8601
    approved_by: str
    workshop: str = ""
    keywords: tuple[str, ...] = ()  # search words sellers may add to titles
    exported_on: date = field(default_factory=date.today)
    title: str = ""  # the kit's own title, e.g. "阳朗辣子鸡 350 g 罐装": where the pack form is named

    @property
    def qr_url(self) -> str:
        return f"{self.story_url}?src={qr_source(self.revision_id)}"

    def missing_label_fields(self) -> list[LabelField]:
        return [f for f in LABEL_FIELDS if f.mandatory and not (self.label.get(f.key) or "").strip()]

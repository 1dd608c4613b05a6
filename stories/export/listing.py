"""Listing copy per platform: titles and copy fields cut to each platform's rules.

Titles are built from the product name, the sellers' keywords and the tagline, whole
words at a time, and counted the way each platform counts (`rules.TitleRule.units`).
Generated titles carry no absolute term: flagged words are taken out and reported.
"""

import json
import re
from dataclasses import asdict, dataclass, field

from .content import KitContent
from .lint import TermWarning, lint_content, strip_terms
from .rules import FieldRule, Rules, TitleRule, load_rules

# Where a title or a field may be cut: spaces and punctuation, Chinese and Latin.
BREAKS = re.compile(r"[\s，。、；：！？,.;:!?·…—\-/|（）()《》“”\"'「」]+")
SENTENCE_END = "。！？；!?;"


@dataclass
class ListingField:
    label: str
    text: str
    chars: int
    limit: str  # e.g. "4–20", or "未知 / unknown"


@dataclass
class PlatformListing:
    platform: str
    name: str
    title: str
    title_units: int
    title_limit: str
    fields: dict[str, ListingField] = field(default_factory=dict)
    removed_terms: list[str] = field(default_factory=list)  # taken out of the title and short titles
    notes: list[str] = field(default_factory=list)  # what a person should check (zh / en)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"

    def to_text(self) -> str:
        lines = [
            f"{self.name} 上架文案 / listing copy",
            "",
            f"标题 / title（{self.title_units} 单位 / units，限 / limit {self.title_limit}）",
            self.title,
        ]
        for item in self.fields.values():
            lines += ["", f"{item.label}（{item.chars} 字 / chars，限 / limit {item.limit}）", item.text]
        if self.removed_terms:
            lines += ["", "标题中已删除的极限词 / absolute terms removed from titles: " + "、".join(self.removed_terms)]
        if self.notes:
            lines += ["", "请核对 / please check:"] + [f"- {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2B00 <= code <= 0x2BFF
        or code in (0x200D, 0xFE0F, 0x20E3)
    )


def _words(text: str, rule: TitleRule) -> list[str]:
    """`text` as words a title may hold: emoji and disallowed symbols become breaks."""
    cleaned = []
    for ch in text:
        if (not rule.emoji and _is_emoji(ch)) or (
            rule.symbols is not None and not ch.isalnum() and ch not in rule.symbols
        ):
            cleaned.append(" ")
        else:
            cleaned.append(ch)
    return [word for word in BREAKS.split("".join(cleaned)) if word]


def build_title(content: KitContent, rule: TitleRule) -> tuple[str, list[str], list[str]]:
    """(title, removed terms, notes): whole words, never past ``rule.max_units``."""
    removed: list[str] = []

    def clean(text: str) -> list[str]:
        words = []
        for word in _words(text, rule):
            kept, taken = strip_terms(word)
            removed.extend(taken)
            words += kept.split()
        return words

    title = ""

    def add(word: str) -> bool:
        nonlocal title
        if word in title:  # already said (a keyword inside the product name): skip it
            return True
        candidate = f"{title} {word}" if title else word
        if rule.units(candidate) > rule.max_units:
            return False
        title = candidate
        return True

    name = " ".join(clean(content.product_name))
    if rule.units(name) > rule.max_units:  # a product name alone too long: keep whole characters
        while rule.units(name) > rule.max_units:
            name = name[:-1].rstrip()
    add(name)
    for keyword in content.keywords:
        for word in clean(keyword):
            add(word)
    for word in clean(content.tagline):  # the tagline stays contiguous: stop at the first misfit
        if not add(word):
            break
    for point in content.selling_points:  # only to reach a platform's minimum length
        if rule.units(title) >= rule.min_units:
            break
        for word in clean(point):
            add(word)
    notes = []
    if rule.units(title) < rule.min_units:
        notes.append(f"标题少于 {rule.min_units} 单位，请补充关键词 / title shorter than {rule.min_units} units")
    if rule.not_only_ascii and title.isascii():
        notes.append("标题不能只有数字和字母 / the title may not be only digits and Latin letters")
    return title, removed, notes


def fit_chars(text: str, max_chars: int | None) -> str:
    """`text` cut to `max_chars` at a sentence end, else a clause break, else a character."""
    text = " ".join(text.split())
    if max_chars is None or len(text) <= max_chars:
        return text
    head = text[:max_chars]
    for ends in (SENTENCE_END, "，、,："):
        cut = max(head.rfind(ch) for ch in ends)
        if cut >= max_chars // 2:
            return head[: cut + 1]
    return head


def _field_source(key: str, content: KitContent) -> str | None:
    """The copy a field is made from; None for a field this exporter does not fill."""
    points = "；".join(content.selling_points)
    names = "、".join(credit.name for credit in content.credits)
    if key == "description":
        parts = [content.short_story, content.long_story, points and f"{points}。"]
        parts.append(names and f"故事讲述：{names}（{content.credits[0].village}）。")
        return "\n".join(p for p in parts if p)
    if key == "short_title":
        return " ".join([content.product_name, *content.keywords[:1]])
    if key == "recommend_remark":
        return points or content.tagline
    return None


def _field(key: str, rule: FieldRule, content: KitContent, removed: list[str], notes: list[str]):
    source = _field_source(key, content)
    if source is None:
        notes.append(f"{rule.label}：导出未填写，请手动填写 / not filled by the export, fill it in by hand")
        return None
    if key == "short_title":  # a title: no absolute terms, whole words
        source, taken = strip_terms(source)
        removed.extend(taken)
        words, text = source.split(), ""
        for word in words:
            if rule.max_chars is None or len(f"{text} {word}".strip()) <= rule.max_chars:
                text = f"{text} {word}".strip()
        source = text or fit_chars(source, rule.max_chars)
    text = fit_chars(source, rule.max_chars)
    if rule.max_chars is None:
        limit = f"{rule.min_chars}–?" if rule.min_chars else "未知 / unknown"
        notes.append(f"{rule.label}：长度限制未核实 / length limit not verified ({rule.source})")
    else:
        limit = f"{rule.min_chars}–{rule.max_chars}" if rule.min_chars else f"≤ {rule.max_chars}"
    if len(text) < rule.min_chars:
        notes.append(f"{rule.label}少于 {rule.min_chars} 字 / shorter than {rule.min_chars} characters")
    return ListingField(label=rule.label, text=text, chars=len(text), limit=limit)


def build_listings(content: KitContent, rules: Rules | None = None) -> dict[str, PlatformListing]:
    """One `PlatformListing` per verified platform in the rules file."""
    rules = rules or load_rules()
    listings = {}
    for key, platform in rules.platforms.items():
        title, removed, notes = build_title(content, platform.title)
        limit = f"{platform.title.min_units}–{platform.title.max_units}"
        listing = PlatformListing(key, platform.name, title, platform.title.units(title), limit, notes=notes)
        for name, rule in platform.fields.items():
            made = _field(name, rule, content, removed, listing.notes)
            if made:
                listing.fields[name] = made
        listing.removed_terms = list(dict.fromkeys(removed))
        listings[key] = listing
    return listings


def warnings_text(
    content: KitContent, warnings: list[TermWarning], listings: dict[str, PlatformListing], rules: Rules
) -> str:
    """`listing/warnings.txt`: what people must decide on, in Chinese and English."""
    lines = [
        f"{content.product_name} · 文案提示 / copy warnings",
        f"修订 / revision {content.revision_id} · 导出 / exported {content.exported_on.isoformat()}",
        "",
        "以下用语可能属于《广告法》禁止的绝对化用语或疗效宣称。法律列举不穷尽，部分用法可豁免"
        "（如“最佳食用期”、注册商标、可证明且限定时间地点的事实），请由人判断是否保留。",
        "The words below may be absolute terms or health claims the Advertising Law forbids. The law's list "
        "is open-ended and some uses are exempt (consumption tips such as 最佳食用期, registered trademarks, "
        "provable facts limited in time and place): a person decides whether each stays.",
        "",
    ]
    if not warnings:
        lines.append("未发现 / none found")
    for number, warning in enumerate(warnings, 1):
        lines += [
            f"{number}. 【{warning.word}】 字段 / field: {warning.field}",
            f"   上下文 / context: {warning.context}",
            f"   说明 / why: {warning.explanation}",
        ]
        if warning.needs_judgement:
            lines.append(f"   可能豁免，需判断 / possibly exempt, needs judgement: {warning.exemption}")
    lines += ["", "生成的标题已删除这些词 / removed from the generated titles:"]
    removed = [f"- {listing.name}: {'、'.join(listing.removed_terms)}" for listing in listings.values()]
    lines += [line for line, listing in zip(removed, listings.values(), strict=True) if listing.removed_terms] or [
        "- 无 / none"
    ]
    if rules.skipped:
        lines += ["", "未导出的平台（规则未核实）/ platforms not exported (rules not verified):"]
        lines += [f"- {key}: {note}" for key, note in rules.skipped.items()]
    return "\n".join(lines) + "\n"


def listing_files(content: KitContent, rules: Rules | None = None) -> tuple[dict[str, bytes], dict, list]:
    """The `listing/` folder of a kit: (files by path, listings, lint warnings)."""
    rules = rules or load_rules()
    listings = build_listings(content, rules)
    warnings = lint_content(content)
    files = {}
    for key, listing in listings.items():
        files[f"listing/{key}.txt"] = listing.to_text().encode()
        files[f"listing/{key}.json"] = listing.to_json().encode()
    files["listing/warnings.txt"] = warnings_text(content, warnings, listings, rules).encode()
    return files, listings, warnings

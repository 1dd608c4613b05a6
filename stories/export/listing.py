"""Listing copy per platform: titles and copy fields cut to each platform's rules.

Titles are built from the product name, the sellers' keywords and the tagline, whole
words at a time, and counted the way each platform counts (`rules.TitleRule.units`).
Generated titles carry no absolute term: flagged words are taken out and reported.
"""

import json
import re
from dataclasses import asdict, dataclass, field

from .content import KitContent, human_date
from .lint import TermWarning, lint_content, strip_terms
from .rules import FieldRule, Rules, TitleRule, load_rules

# Where a title or a field may be cut: spaces and punctuation, Chinese and Latin.
BREAKS = re.compile(r"[\s，。、；：！？,.;:!?·…—\-/|（）()《》“”\"'「」]+")
SENTENCE_END = "。！？；!?;"


# Copy a seller pastes, one file each: the four fields every platform gets, then the
# platform's own fields from the rules file (short titles, Douyin's recommendation).
COPY_FIELDS = {"title": "标题", "selling_points": "卖点", "description": "商品描述", "video_caption": "短视频文案"}
# Our own limits, not platform rules: a paragraph a phone shows in about four lines at 360 px,
# and a video caption that stays in two lines under a Douyin/Kuaishou video (18–20 汉字 a line).
PARAGRAPH_CHARS = 80
VIDEO_CAPTION_CHARS = 40
PACK_FORMS = re.compile(r"礼盒装|罐装|瓶装|袋装|盒装|桶装|箱装|坛装")
QUANTITY = re.compile(r"(\d+(?:\.\d+)?)\s*(kg|千克|公斤|g|克|ml|毫升|l|升)", re.IGNORECASE)


@dataclass
class ListingField:
    label: str
    text: str
    chars: int
    limit: str  # e.g. "4–20", or "未知 / unknown"
    source: str = ""  # where the limit comes from


@dataclass
class PlatformListing:
    platform: str
    name: str
    title: str
    title_units: int
    title_limit: str
    fields: dict[str, ListingField] = field(default_factory=dict)  # title first, then the copy fields
    removed_terms: list[str] = field(default_factory=list)  # taken out of the title and short titles
    notes: list[str] = field(default_factory=list)  # what a person should check (zh / en)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"


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


def spec_word(content: KitContent) -> str:
    """Net content and pack form as buyers search them: "350 g" and "罐装" give "350g罐装"."""
    match = QUANTITY.search(content.label.get("net_content") or "")
    amount = f"{match.group(1)}{match.group(2).lower()}" if match else ""
    pack = PACK_FORMS.search(" ".join([content.title, content.product_name, content.label.get("food_name") or ""]))
    return amount + (pack.group(0) if pack else "")


MIN_PART_CHARS = 4  # a scrap shorter than a four-character phrase (外婆的) reads as a cut, not a keyword


def novel_parts(word: str, used: list[str]) -> list[str]:
    """What `word` adds to a title holding `used`: nothing if a used word contains it, else
    the word with every used word taken out ("糍粑辣椒当天现舂" after "糍粑辣椒": "当天现舂").
    Scraps left by taking a word out must still read as a phrase; a word untouched stays whole."""
    if any(word in other for other in used):
        return []
    if not any(other in word for other in used):
        return [word]
    for other in used:
        word = word.replace(other, " ")
    return [part for part in word.split() if len(part) >= MIN_PART_CHARS]


def title_candidates(content: KitContent, rule: TitleRule) -> tuple[list[str], list[str]]:
    """(words in the platform's order, absolute terms taken out of them)."""
    removed: list[str] = []

    def clean(*texts: str) -> list[str]:
        words = []
        for text in texts:
            for word in _words(text, rule):
                kept, taken = strip_terms(word)
                removed.extend(taken)
                words += kept.split()
        return words

    name = "".join(clean(content.product_name))
    while name and rule.units(name) > rule.max_units:  # a product name alone too long: whole characters
        name = name[:-1]
    parts = {
        "name": [name] if name else [],
        "spec": clean(spec_word(content)),
        "keywords": clean(*content.keywords),
        "tagline": clean(content.tagline),
        "points": clean(*content.selling_points),
    }
    return [word for part in rule.order for word in parts[part]], removed


def build_title(content: KitContent, rule: TitleRule) -> tuple[str, list[str], list[str]]:
    """(title, removed terms, notes): whole words in the platform's order, each said once,
    and every word that still fits added, so the title uses the room the platform gives."""
    candidates, removed = title_candidates(content, rule)
    words: list[str] = []
    for candidate in candidates:
        for part in novel_parts(candidate, words):
            if rule.units(" ".join([*words, part])) <= rule.max_units:
                words.append(part)
    title = " ".join(words)
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


def _sentences(text: str) -> list[str]:
    return [s for s in re.findall(rf"[^{SENTENCE_END}]+[{SENTENCE_END}]?[”」]?", " ".join(text.split())) if s.strip()]


def story_paragraphs(content: KitContent) -> list[str]:
    """The story as short paragraphs (≤ PARAGRAPH_CHARS, whole sentences), then who told it."""
    paragraphs = []
    for block in [content.short_story, *content.long_story.split("\n")]:
        current = ""
        for sentence in _sentences(block):
            if current and len(current) + len(sentence) > PARAGRAPH_CHARS:
                paragraphs.append(current)
                current = ""
            current += sentence.strip()
        if current:
            paragraphs.append(current)
    return paragraphs


def credit_sentence(content: KitContent) -> str:
    names = "、".join(credit.name for credit in content.credits)
    village = content.credits[0].village if content.credits and content.credits[0].village else ""
    return f"故事讲述：{names}（{village}）。" if names and village else (f"故事讲述：{names}。" if names else "")


def description(content: KitContent, max_chars: int | None) -> str:
    """Paragraphs separated by a blank line (plain-text fields show them as paragraphs); the
    credit always stays, so story paragraphs are left out from the end when room runs short."""
    credit = credit_sentence(content)
    kept: list[str] = []
    for paragraph in story_paragraphs(content):
        text = "\n\n".join([*kept, paragraph, credit] if credit else [*kept, paragraph])
        if max_chars is not None and len(text) > max_chars:
            break
        kept.append(paragraph)
    return "\n\n".join([*kept, credit] if credit else kept)


def video_caption(content: KitContent) -> str:
    """One line under a short video: the tagline, the product, then hashtags while they fit."""
    head = " ".join(part for part in (content.tagline, f"{content.product_name}{spec_word(content)}") if part)
    head, _ = strip_terms(fit_chars(head, VIDEO_CAPTION_CHARS))
    for keyword in content.keywords:
        tag, taken = strip_terms(keyword)
        tag = "".join(tag.split())
        if tag and not taken and len(f"{head} #{tag}") <= VIDEO_CAPTION_CHARS:
            head = f"{head} #{tag}"
    return head


def _limit(min_chars: int, max_chars: int | None) -> str:
    if max_chars is None:
        return f"≥ {min_chars}，上限未核实" if min_chars else "未核实"
    return f"{min_chars}–{max_chars}" if min_chars else f"≤ {max_chars}"


def _platform_field(key: str, rule: FieldRule, content: KitContent, removed: list[str], notes: list[str]):
    """A field the platform's rules name (short title, recommendation, description limits)."""
    if key == "short_title":  # a title: no absolute terms, whole words
        source, taken = strip_terms(" ".join([content.product_name, spec_word(content), *content.keywords[:1]]))
        removed.extend(taken)
        text = ""
        for word in source.split():
            if rule.max_chars is None or len(f"{text} {word}".strip()) <= rule.max_chars:
                text = f"{text} {word}".strip()
    elif key == "recommend_remark":
        text = fit_chars("；".join(content.selling_points) or content.tagline, rule.max_chars)
    elif key == "description":
        text = description(content, rule.max_chars)
    else:
        notes.append(f"{rule.label}：导出未填写，请手动填写 / not filled by the export, fill it in by hand")
        return None
    if rule.max_chars is None:
        notes.append(f"{rule.label}：长度限制未核实 / length limit not verified ({rule.source})")
    if len(text) < rule.min_chars:
        notes.append(f"{rule.label}少于 {rule.min_chars} 字 / shorter than {rule.min_chars} characters")
    return ListingField(rule.label, text, len(text), _limit(rule.min_chars, rule.max_chars), rule.source)


def build_listings(content: KitContent, rules: Rules | None = None) -> dict[str, PlatformListing]:
    """One `PlatformListing` per verified platform in the rules file."""
    rules = rules or load_rules()
    listings = {}
    for key, platform in rules.platforms.items():
        title, removed, notes = build_title(content, platform.title)
        limit = f"{platform.title.min_units}–{platform.title.max_units}"
        listing = PlatformListing(key, platform.name, title, platform.title.units(title), limit, notes=notes)
        unit = "单位" if platform.title.wide_units != platform.title.ascii_units else "字"
        room = f"{limit} {unit}" if platform.title.min_units else f"≤ {platform.title.max_units} {unit}"
        listing.fields["title"] = ListingField("标题", title, listing.title_units, room, platform.title.source)
        points = "\n".join(content.selling_points)
        listing.fields["selling_points"] = ListingField("卖点", points, len(points), "每行一条")
        described = description(content, None)
        listing.fields["description"] = ListingField("商品描述", described, len(described), "未核实")
        caption = video_caption(content)
        listing.fields["video_caption"] = ListingField(
            "短视频文案", caption, len(caption), f"≤ {VIDEO_CAPTION_CHARS} 字", "本项目的建议：视频下两行"
        )
        for name, rule in platform.fields.items():
            made = _platform_field(name, rule, content, removed, listing.notes)
            if made:
                listing.fields[name] = made
        listing.removed_terms = list(dict.fromkeys(removed))
        listings[key] = listing
    return listings


def checklist_text(content: KitContent, listings: dict[str, PlatformListing], notes: list[str]) -> str:
    """`listing/checklist.txt`: each field's length against its limit and what to check before
    listing; the copy files themselves hold only the text a seller pastes."""
    lines = [
        f"{content.product_name} · 上架核对清单 / listing checklist",
        f"修订 / revision {content.revision_id} · 导出 / exported {human_date(content.exported_on)}"
        f"（{content.exported_on.isoformat()}）",
        "",
        "每个文案文件只有可直接粘贴的文字：listing/<平台>/<字段>.txt。",
        "Each copy file holds only the text to paste: listing/<platform>/<field>.txt.",
    ]
    for listing in listings.values():
        lines += ["", f"【{listing.name}】"]
        for key, item in listing.fields.items():
            source = f" · 依据 / source: {item.source}" if item.source else ""
            lines.append(f"- {key}.txt {item.label}：{item.chars}（限 / limit {item.limit}）{source}")
        if listing.removed_terms:
            removed = "、".join(listing.removed_terms)
            lines.append(f"- 标题中已删除的极限词 / absolute terms removed from titles: {removed}")
        lines += [f"- 请核对 / check: {note}" for note in listing.notes]
    if notes:
        lines += ["", "导出提示 / export notes"] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def warnings_text(
    content: KitContent, warnings: list[TermWarning], listings: dict[str, PlatformListing], rules: Rules
) -> str:
    """`listing/warnings.txt`: what people must decide on, in Chinese and English."""
    lines = [
        f"{content.product_name} · 文案提示 / copy warnings",
        f"修订 / revision {content.revision_id} · 导出 / exported {human_date(content.exported_on)}"
        f"（{content.exported_on.isoformat()}）",
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
        for name, item in listing.fields.items():
            files[f"listing/{key}/{name}.txt"] = (item.text + "\n").encode()
        files[f"listing/{key}.json"] = listing.to_json().encode()
    files["listing/warnings.txt"] = warnings_text(content, warnings, listings, rules).encode()
    return files, listings, warnings

"""Absolute terms (极限词) and banned claims in kit copy: found, shown in context, warned.

The law's list is open-ended and SAMR exempts some uses (最佳食用期, registered
trademarks, provable facts), so this lint never rewrites copy a person wrote: it warns
with the word and the text around it, and people decide (`listing/warnings.txt`).
Generated titles are the exception: `strip_terms` takes every flagged word out of them.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .content import LABEL_FIELDS, KitContent

TERMS_PATH = Path(__file__).with_name("absolute_terms.txt")
CONTEXT_CHARS = 12


@dataclass(frozen=True)
class Term:
    word: str
    explanation: str  # Chinese
    english: str


@dataclass(frozen=True)
class TermWarning:
    word: str  # as written in the text
    context: str  # the surrounding characters, the word in 【】
    field: str  # where the text comes from, e.g. "tagline", "label.ingredients"
    explanation: str  # "中文说明 / English explanation"
    position: int = 0  # index of the word in the field's text
    needs_judgement: bool = False  # inside a phrase that is often exempt (最佳食用期, 第一次)
    exemption: str = ""  # that phrase and why


@cache
def load_terms(path: Path = TERMS_PATH) -> tuple[dict[str, Term], dict[str, Term]]:
    """(terms, possibly exempt phrases), keyed by their normalised spelling."""
    sections: dict[str, dict[str, Term]] = {"terms": {}, "possibly exempt": {}}
    current = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections[line.strip("[]")]
            continue
        parts = [part.strip() for part in line.split("|")]
        if current is None or len(parts) != 3 or not all(parts):
            raise ValueError(f"{path.name} line {number}: expected `term | 中文 | English`")
        current[_normalise(parts[0])] = Term(*parts)
    return sections["terms"], sections["possibly exempt"]


def _normalise(text: str) -> str:
    """Full-width forms to ASCII and case folded, one character for one (positions hold)."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch).casefold()
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    # Longest first, so 最佳 wins over 最 and 史上最低价 over 最低.
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    lead = "…" if start > CONTEXT_CHARS else ""
    tail = "…" if end + CONTEXT_CHARS < len(text) else ""
    flat = f"{lead}{before}【{text[start:end]}】{after}{tail}"
    return " ".join(flat.split())


def find_absolute_terms(text: str, field: str = "") -> list[TermWarning]:
    """Every flagged term in `text`, with its context; phrases often exempt are marked."""
    terms, exempt = load_terms()
    normal = _normalise(text)
    exempt_spans = [(m.start(), m.end(), exempt[m.group()]) for m in _pattern(tuple(exempt)).finditer(normal)]
    warnings = []
    for match in _pattern(tuple(terms)).finditer(normal):
        term = terms[match.group()]
        inside = next((e for s, end, e in exempt_spans if s <= match.start() and match.end() <= end), None)
        warnings.append(
            TermWarning(
                word=text[match.start() : match.end()],
                context=_context(text, match.start(), match.end()),
                field=field,
                explanation=f"{term.explanation} / {term.english}",
                position=match.start(),
                needs_judgement=inside is not None,
                exemption=f"{inside.word}：{inside.explanation} / {inside.english}" if inside else "",
            )
        )
    return warnings


def strip_terms(text: str) -> tuple[str, list[str]]:
    """`text` without any flagged word (for generated titles), and the words taken out."""
    found = find_absolute_terms(text)
    if not found:
        return text, []
    kept, cursor = [], 0
    for warning in found:
        kept.append(text[cursor : warning.position])
        cursor = warning.position + len(warning.word)
    kept.append(text[cursor:])
    return " ".join("".join(kept).split()), [w.word for w in found]


def content_texts(content: KitContent) -> list[tuple[str, str]]:
    """(field, text) for every piece of copy a kit puts on products and listings."""
    texts = [
        ("product_name", content.product_name),
        ("tagline", content.tagline),
        ("short_story", content.short_story),
        ("long_story", content.long_story),
    ]
    texts += [(f"selling_points[{i}]", text) for i, text in enumerate(content.selling_points, 1)]
    texts += [(f"keywords[{i}]", text) for i, text in enumerate(content.keywords, 1)]
    texts += [(f"snippets[{i}]", snippet.text) for i, snippet in enumerate(content.snippets, 1)]
    texts += [(f"label.{f.key}", content.label.get(f.key, "")) for f in LABEL_FIELDS]
    return [(name, text) for name, text in texts if text]


def lint_content(content: KitContent) -> list[TermWarning]:
    """Warnings over all of a kit's copy, in the order the fields are listed."""
    return [w for name, text in content_texts(content) for w in find_absolute_terms(text, name)]

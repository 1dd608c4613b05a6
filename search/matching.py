"""Where in a text the query really is: character spans, for highlighting and for honesty.

The index matches more loosely than a reader does: a segment carries its recording's
title, pinyin runs across punctuation. Here each term is looked for in the text itself,
the way search.text reads it (Traditional folded into Simplified, pinyin syllables,
initials), and the spans point into the text as written, so ``lazi`` marks 辣子.
"""

import re
from functools import lru_cache

from .text import ParsedQuery, Term, _pinyin, marked, normalise

Span = tuple[int, int]
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """``text`` normalised character by character, so positions stay those of ``text``."""
    whole = normalise(text)
    if len(whole) == len(text):
        return whole
    return "".join(c if len(c) == 1 else o.lower() for o, c in ((o, normalise(o)) for o in text))


@lru_cache(maxsize=4096)
def _syllables(text: str) -> tuple[tuple[int, str], ...]:
    """(position, toneless pinyin) of every CJK character of ``text``, read run by run as indexed."""
    folded = _folded(text)
    found = []
    for run in CJK_RUN.finditer(folded):
        found.extend(zip(range(run.start(), run.end()), _pinyin(run.group()), strict=False))
    return tuple(found)


def _literal(folded: str, needle: str) -> list[Span]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), folded)] if needle else []


def _sequence(text: str, wanted: list[str], prefix_last: bool, initials: bool) -> list[Span]:
    """Runs of consecutive characters whose pinyin (or its first letter) spells ``wanted``."""
    readings = _syllables(text)
    spans = []
    for i in range(len(readings) - len(wanted) + 1):
        window = readings[i : i + len(wanted)]
        # Consecutive in the text too: a syllable per character, no gap between them.
        if window[-1][0] - window[0][0] != len(wanted) - 1:
            continue
        ok = True
        for n, ((_, reading), syllable) in enumerate(zip(window, wanted, strict=True)):
            if initials:
                ok = reading[:1] == syllable
            elif prefix_last and n == len(wanted) - 1:
                ok = reading.startswith(syllable)
            else:
                ok = reading == syllable
            if not ok:
                break
        if ok:
            spans.append((window[0][0], window[-1][0] + 1))
    return spans


def term_spans(text: str, term: Term) -> list[Span]:
    """Where ``term`` occurs in ``text``: characters, words, pinyin or initials."""
    folded = _folded(text)
    if term.is_cjk:
        return _literal(folded, term.text.replace(" ", ""))
    if term.phrase:
        parts = [term_spans(text, Term(word, pinyin=None)) for word in term.words]
        return [span for part in parts for span in part] if all(parts) else []
    spans = [span for word in term.words for span in _literal(folded, word)]
    if term.pinyin:
        syllables, prefix = term.pinyin
        spans += _sequence(text, syllables, prefix, initials=False)
    elif term.text.isascii() and term.text.isalpha() and 2 <= len(term.text) <= 6:
        spans += _sequence(text, list(term.text), False, initials=True)  # lzj → 辣子鸡
    return spans


def spans(text: str, parsed: ParsedQuery) -> list[list[Span]]:
    """One list of spans per term of the query."""
    return [term_spans(text or "", term) for term in parsed.terms]


def contains(text: str, parsed: ParsedQuery) -> bool:
    """Whether every term of the query is really in ``text`` (the index's AND, read strictly)."""
    return bool(parsed.terms) and all(spans(text, parsed))


def contains_phrase(text: str, query: str) -> bool:
    """Whether the query as typed (folded, without spaces) stands in ``text`` in one piece."""
    needle = "".join(normalise(query).split())
    return bool(needle) and needle in "".join(_folded(text or "").split())


def highlight(text: str, parsed: ParsedQuery, width: int = 0) -> str:
    """``text`` HTML-escaped with each match in <mark>; cut to ``width`` characters around
    the first match when ``width`` is given."""
    text = text or ""
    found = sorted({span for term in spans(text, parsed) for span in term})
    begin, end = 0, len(text)
    if width and len(text) > width:
        first = found[0][0] if found else 0
        begin = max(0, min(first - width // 3, len(text) - width))
        end = begin + width
    return marked(text, found, begin, end)

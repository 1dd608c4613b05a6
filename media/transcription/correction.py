"""Spell glossary terms the archive's way where Whisper heard the right sounds.

Whisper writes many proper nouns with homophones: 息烽县 as 西风县, 石臼 as 石旧,
立碑村 as 李碑村 (DOMAIN.md). Where a stretch of the output reads exactly like a
glossary term in pinyin (tones ignored, every reading of a polyphonic character
allowed), the term's characters replace it. Only Chinese terms of three or more
characters take part: two-syllable homophones are too often real words (西风, the
west wind, reads exactly like 息烽); those terms still guide Whisper through the prompt.

A term already written right is protected before any replacement: otherwise a shorter
term that reads like part of it (腊子机 in 阳朗辣子鸡) would rewrite the right spelling.
"""

from collections.abc import Iterable
from functools import cache

from pypinyin import Style, lazy_pinyin, pinyin

MIN_LENGTH = 3


@cache
def readings(character: str) -> frozenset[str]:
    return frozenset(pinyin(character, style=Style.NORMAL, heteronym=True)[0])


@cache
def term_reading(term: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(term, style=Style.NORMAL))


def is_hanzi(character: str) -> bool:
    return "\u4e00" <= character <= "\u9fff"


def sounds_as(window: str, term: str) -> bool:
    """Can ``window`` (as long as ``term``), all Han characters, be read exactly as ``term`` (tones aside)?"""
    return all(is_hanzi(c) and sound in readings(c) for c, sound in zip(window, term_reading(term), strict=True))


def _occurrences(text: str, term: str) -> list[int]:
    """Where ``term`` starts in ``text``, overlapping occurrences included."""
    found, start = [], text.find(term)
    while start >= 0:
        found.append(start)
        start = text.find(term, start + 1)
    return found


def apply_glossary(text: str, terms: Iterable[str]) -> str:
    """``text`` with homophones of ``terms`` written as the terms (longest terms first)."""
    usable = sorted(
        {t for t in terms if len(t) >= MIN_LENGTH and all(is_hanzi(c) for c in t)}, key=lambda t: (-len(t), t)
    )
    if not usable:
        return text
    chars = list(text)
    taken = [False] * len(chars)
    for term in usable:
        for start in _occurrences(text, term):
            taken[start : start + len(term)] = [True] * len(term)
    for term in usable:
        size = len(term)
        for start in range(len(chars) - size + 1):
            window = chars[start : start + size]
            if any(taken[start : start + size]):
                continue
            if sounds_as(window, term):
                chars[start : start + size] = list(term)
                taken[start : start + size] = [True] * size
    return "".join(chars)

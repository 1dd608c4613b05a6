"""Text clean-up for machine transcripts: Simplified characters, no broken bytes, no stock phrases."""

import re
import unicodedata
from functools import cache
from pathlib import Path

REPLACEMENT = "\ufffd"
HALLUCINATIONS_FILE = Path(__file__).with_name("hallucinations.txt")
# Whisper's language codes whose text is Chinese (Mandarin, Cantonese).
CHINESE = {"zh", "yue"}
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_NUMERALS = "〇一二三四五六七八九"
_NUMBER = re.compile(r"\d+")
_PERCENT = re.compile(r"(\d+)\s*[%％]")
# Whisper, trained mostly on Traditional text, writes 著 for the particle 着 (睡著, 看著), which
# OpenCC leaves alone since 著 is also a Simplified character. Simplified keeps 著 (zhù) only in
# these words; every other 著 is the particle.
_ZHU_WORDS = (
    "著名", "著作", "著称", "著述", "著者", "著录", "著书", "著有", "显著", "卓著", "昭著",
    "土著", "名著", "编著", "原著", "巨著", "论著", "专著", "合著", "遗著", "译著", "撰著",
)  # fmt: skip
_KEEP = "\ue000"


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str, language: str) -> str:
    """Whisper base often answers Mandarin in Traditional characters; other languages stay as they are."""
    if language not in CHINESE:
        return text
    text = _t2s().convert(text)
    if "著" not in text:
        return text
    for word in _ZHU_WORDS:
        text = text.replace(word, word.replace("著", _KEEP))
    return text.replace("著", "着").replace(_KEEP, "著")


def compact(text: str) -> str:
    """Text without spaces or punctuation, casefolded: for comparing phrases and scoring."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text)).casefold()


@cache
def hallucinated_phrases() -> tuple[str, ...]:
    lines = HALLUCINATIONS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(compact(to_simplified(line, "zh")) for line in lines if line.strip() and not line.startswith("#"))


def hallucination_share(text: str) -> float:
    """How much of ``text`` (0 to 1) is a known stock phrase; a segment that is mostly one is dropped."""
    flat = compact(to_simplified(text, "zh"))
    if not flat:
        return 0.0
    return max((len(phrase) / len(flat) for phrase in hallucinated_phrases() if phrase in flat), default=0.0)


_REPEATS = re.compile(r"(.{1,4}?)\1{3,}")


def collapse_repeats(text: str) -> tuple[str, bool]:
    """Cut a unit said four or more times in a row (证证证证…) down to one: Whisper's loop, not speech."""
    collapsed = _REPEATS.sub(r"\1", text)
    return collapsed, collapsed != text


_HALF_TO_FULL = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_HALF_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s*([,?!:;])\s*|([,?!:;])(?=[{_CJK}])")


def tidy_punctuation(text: str, language: str) -> str:
    """Chinese punctuation in Chinese text (Whisper mixes in ASCII commas), ending with a full stop."""
    if language not in CHINESE:
        return text
    text = _HALF_BETWEEN_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)], text).strip()
    return re.sub(r"[，、：；]$", "。", text)


def drop_broken_characters(text: str) -> str:
    """Remove U+FFFD left where a character's bytes were split and could not be re-joined."""
    return text.replace(REPLACEMENT, "")


def _spoken_number(match: re.Match) -> str:
    """How a number is said: years digit by digit (1978年 一九七八), counts in full (72 七十二)."""
    digits = match.group()
    after = match.string[match.end() : match.end() + 1]
    if len(digits) > 4 or digits.startswith("0") or (len(digits) == 4 and after == "年"):
        return "".join(_NUMERALS[int(d)] for d in digits)
    value, spoken = int(digits), ""
    for unit, name in ((1000, "千"), (100, "百"), (10, "十")):
        count, value = divmod(value, unit)
        if count:
            spoken += ("" if unit == 10 and not spoken and count == 1 else _NUMERALS[count]) + name
        elif spoken and value:
            spoken += "" if spoken.endswith("零") else "零"
    return (spoken + (_NUMERALS[value] if value else "")) or "〇"


def normalise_for_scoring(text: str) -> str:
    """Simplified characters, numbers as they are spoken (80% 百分之八十), no punctuation or spaces."""
    text = _PERCENT.sub(lambda match: "百分之" + match.group(1), to_simplified(text, "zh"))
    return compact(_NUMBER.sub(_spoken_number, text))


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance over characters, divided by the reference length."""
    ref, hyp = normalise_for_scoring(reference), normalise_for_scoring(hypothesis)
    if not ref:
        return float(bool(hyp))
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i]
        for j, h in enumerate(hyp, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / len(ref)

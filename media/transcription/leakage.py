"""Text the glossary prompt put into a transcript that nobody said: found, re-heard, removed.

Whisper copies its prompt out when the audio gives it too little to go on: names from the
glossary appended to a short clip (``…在依照。李桂芬、王秀英。``), the lead sentence over
silence (SERVING-AND-ARCHIVING.md §5; faster-whisper #1356, PR #1331). A withdrawn
narrator's name written into someone else's story is the worst error this archive can make.

So every stretch of machine text that holds a glossary term or a phrase of the prompt is
checked against the engine's own signals: the probability of the words that spell it,
whether they fall inside speech (Silero VAD), the segment's no-speech probability and
compression ratio, how many characters per second it claims, and whether it reads like
the prompt's list (``李桂芬、王秀英``). A stretch that fails any check is decoded again
over its own time span without the prompt, and where the two decodes differ on the term
the plain decode wins: the term goes when the plain decode heard nothing there, stays when
the plain decode heard the same sounds (the prompt only spelt them), gives way to the plain
words when those were heard clearly, and ``[听不清]`` marks what neither decode can vouch for.
Text outside the terms is never touched, so no real speech is dropped here.
"""

import difflib
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from pypinyin import Style, lazy_pinyin

from . import engines, text
from .engines import RawSegment, Word

INAUDIBLE = "[听不清]"
SAMPLE_RATE = 16_000
# A term the model spells with a word below this probability is not heard but guessed.
LOW_WORD_PROBABILITY = 0.5
# Whisper's own no_speech_threshold is 0.6; a prompt term needs a stricter bar.
HIGH_NO_SPEECH = 0.4
# Whisper's compression_ratio_threshold: above it, the text repeats itself.
HIGH_COMPRESSION = 2.4
# Mandarin is read at 4–6 characters a second; twice that is not speech the model heard.
MAX_CHARACTERS_PER_SECOND = 10.0
# How far outside Silero's speech (already padded) a word may sit and still count as heard.
SPEECH_MARGIN = 0.2
# A plain re-decode below this probability is no more trustworthy than the prompted one.
UNSURE_PROBABILITY = 0.3
_CLAUSES = re.compile(r"[，。、；：,.;:!?！？\s]+")


@dataclass
class Rehearing:
    """One segment decoded again without the prompt, for the report of what the guard changed."""

    start: float
    end: float
    prompted: str
    kept: str
    reasons: tuple[str, ...]


def prompt_phrases(terms: Iterable[str], prompt: str) -> list[str]:
    """The glossary terms and the clauses of the prompt: what the model may copy out of it."""
    phrases = {term.strip() for term in terms if len(term.strip()) >= 2}
    phrases.update(clause for clause in _CLAUSES.split(prompt) if len(clause) >= 4)
    return sorted(phrases, key=lambda p: (-len(p), p))


def speech_regions(audio: np.ndarray) -> list[tuple[float, float]]:
    """Silero's speech stretches in seconds, with the same parameters the decoder uses."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    stamps = get_speech_timestamps(audio, VadOptions(**engines.VAD_PARAMETERS))
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def _characters(segment: RawSegment) -> list[Word]:
    """The segment as one timed, scored entry per Simplified character."""
    if segment.words:
        return [Word(w.start, w.end, c, w.probability) for w in segment.words for c in text.to_simplified(w.text, "zh")]
    probability = math.exp(min(0.0, segment.avg_logprob))
    return [Word(segment.start, segment.end, c, probability) for c in text.to_simplified(segment.text, "zh")]


def _spans(chars: Sequence[Word], phrases: Sequence[str]) -> list[tuple[int, int]]:
    """Character ranges of every phrase occurrence, overlapping ones merged."""
    flat = "".join(c.text for c in chars)
    found = sorted((m.start(), m.start() + len(p)) for p in phrases for m in re.finditer(re.escape(p), flat))
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _in_speech(word: Word, speech: Sequence[tuple[float, float]]) -> bool:
    middle = (word.start + word.end) / 2
    return any(start - SPEECH_MARGIN <= middle <= end + SPEECH_MARGIN for start, end in speech)


def doubts(
    segment: RawSegment, chars: Sequence[Word], spans: Sequence[tuple[int, int]], speech: Sequence[tuple[float, float]]
) -> tuple[str, ...]:
    """Why the prompt terms in ``segment`` may not have been said (empty: they were heard)."""
    reasons = []
    if segment.no_speech_prob > HIGH_NO_SPEECH:
        reasons.append("no_speech")
    if segment.compression_ratio > HIGH_COMPRESSION:
        reasons.append("compression")
    seconds = max(segment.end - segment.start, 0.01)
    if len(text.compact("".join(c.text for c in chars))) / seconds > MAX_CHARACTERS_PER_SECOND:
        reasons.append("too_fast")
    flat = "".join(c.text for c in chars)
    for start, end in spans:
        words = chars[start:end]
        if min(w.probability for w in words) < LOW_WORD_PROBABILITY:
            reasons.append("low_probability")
        if not all(_in_speech(w, speech) for w in words):
            reasons.append("outside_speech")
        if any(w.end - w.start <= 0.0 for w in words):
            reasons.append("no_duration")
        # The prompt lists its terms with 、: two terms side by side are the list read back.
        if any(other != (start, end) and flat[end : other[0]] in ("、", "") for other in spans if other[0] >= end):
            reasons.append("prompt_list")
    return tuple(dict.fromkeys(reasons))


def sounds_alike(term: str, heard: str) -> bool:
    """Whether ``heard`` is the term's sounds in other characters (养老 for 阳朗, 石旧 for 石臼).

    Then the prompt only chose the spelling of what was said, which is the glossary's job:
    the term stays. At least half the syllables must match in full or in their initial.
    """
    a, b = lazy_pinyin(text.compact(term), style=Style.NORMAL), lazy_pinyin(text.compact(heard), style=Style.NORMAL)
    if not a or len(a) != len(b):
        return False
    return sum(x == y or x[0] == y[0] for x, y in zip(a, b, strict=True)) * 2 >= len(a)


def reconcile(prompted: Sequence[Word], spans: Sequence[tuple[int, int]], plain: Sequence[Word]) -> list[Word]:
    """The prompted characters, with the plain decode's in place of each doubtful term.

    Only differences that touch a term are taken from the plain decode; everywhere else
    the prompted decode stands, so the guard removes the prompt's words and nothing else.
    """
    doubtful = [False] * len(prompted)
    for start, end in spans:
        doubtful[start:end] = [True] * (end - start)
    matcher = difflib.SequenceMatcher(None, [c.text for c in prompted], [c.text for c in plain], autojunk=False)
    kept: list[Word] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or not any(doubtful[i1:i2]):
            kept.extend(prompted[i1:i2])
            continue
        heard = list(plain[j1:j2])
        if not text.compact("".join(c.text for c in heard)):
            # Nothing there without the prompt: the term was the prompt's, not the speaker's.
            # Its punctuation (the 、 of the prompt's list) goes with it.
            kept.extend(
                c for c, d in zip(prompted[i1:i2], doubtful[i1:i2], strict=True) if not d and text.compact(c.text)
            )
        elif sounds_alike("".join(c.text for c in prompted[i1:i2]), "".join(c.text for c in heard)):
            kept.extend(prompted[i1:i2])
        elif min(c.probability for c in heard) >= UNSURE_PROBABILITY:
            kept.extend(heard)
        else:
            # Two decodes that disagree, the plain one unsure too: a gap, not a guess.
            kept.append(Word(prompted[i1].start, prompted[i2 - 1].end, INAUDIBLE, 0.0))
    return kept


def _rebuilt(segment: RawSegment, chars: list[Word]) -> RawSegment:
    return RawSegment(
        chars[0].start if chars else segment.start,
        chars[-1].end if chars else segment.end,
        "".join(c.text for c in chars),
        [],
        segment.avg_logprob,
        segment.no_speech_prob,
        chars,
        segment.compression_ratio,
    )


def guarded(
    raw: Iterable[RawSegment],
    phrases: Sequence[str],
    speech: Sequence[tuple[float, float]],
    rehear: Callable[[float, float], list[RawSegment]],
    report: list[Rehearing],
) -> Iterator[RawSegment]:
    """``raw`` with every doubtful prompt term re-heard by ``rehear(start, end)`` (no prompt)."""
    for segment in raw:
        chars = _characters(segment)
        spans = _spans(chars, phrases)
        reasons = doubts(segment, chars, spans, speech) if spans else ()
        if not reasons:
            yield segment
            continue
        plain = [c for again in rehear(segment.start, segment.end) for c in _characters(again)]
        kept = reconcile(chars, spans, plain)
        report.append(
            Rehearing(
                segment.start,
                segment.end,
                "".join(c.text for c in chars),
                "".join(c.text for c in kept),
                reasons,
            )
        )
        if kept:
            yield _rebuilt(segment, kept)

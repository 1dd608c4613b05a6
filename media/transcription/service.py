"""Transcribe audio and turn engine output into clean, Simplified, timestamped segments."""

import math
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings

from ..decoding import DERIVATIVE_RATE, load_pcm
from . import text
from .correction import apply_glossary
from .engines import Engine, RawSegment, Word, get_engine
from .leakage import INAUDIBLE, Rehearing, guarded, prompt_phrases, speech_regions
from .prompt import build_prompt, terms_heard

# Segments below this average log-probability, or likely silence, go to a person first.
LOW_LOGPROB = -1.0
HIGH_NO_SPEECH = 0.5
# Whisper's own rule for "this window is silence" (no_speech_threshold, logprob_threshold),
# applied per sentence: text the model is unsure of over likely silence is invented.
SILENCE_NO_SPEECH = 0.6
# A segment that is mostly a stock phrase is the model talking to itself.
HALLUCINATION_SHARE = 0.5
# Where a sentence ends, so a long machine segment becomes sentences a reader can click.
SENTENCE_END = re.compile(r"[。！？!?；;…]$|(?<=[A-Za-z])\.$")
CLAUSE_END = re.compile(r"[，,、：:]$")
PAUSE_SECONDS = 0.5
LONG_SENTENCE_SECONDS = 8.0
# A word below this probability is marked as unsure inside its sentence (the editor shows it).
UNSURE_WORD = 0.5
# A suspicious segment is re-heard with this much audio either side, so its first and last
# words are not cut.
REHEAR_PAD_SECONDS = 0.2


@dataclass
class Segment:
    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    low_confidence: bool = False
    # (word as written, the engine's probability for it), in order; empty where the engine gave no word timings.
    words: list[tuple[str, float]] = field(default_factory=list)
    # (start, end) in seconds of each of ``words``, for the editor's word marks (word_marks.py).
    word_times: list[tuple[float, float]] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        return round(min(1.0, math.exp(self.avg_logprob)), 3)

    @property
    def unsure_words(self) -> list[str]:
        """The words the model was unsure of, for marking inside the sentence."""
        return [word for word, probability in self.words if probability < UNSURE_WORD]


@dataclass
class Transcription:
    text: str
    language: str
    engine: str
    model: str
    audio_seconds: float
    load_seconds: float
    elapsed_seconds: float
    segments: list[Segment] = field(default_factory=list)
    # Segments decoded again without the glossary prompt, and what was kept (leakage.py).
    reheard: list[Rehearing] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["segments"] = [
            {
                "start": round(s.start, 2),
                "end": round(s.end, 2),
                "text": s.text,
                "confidence": s.confidence,
                "words": [{"text": w, "probability": round(p, 3)} for w, p in s.words],
            }
            for s in self.segments
        ]
        for key in ("audio_seconds", "load_seconds", "elapsed_seconds"):
            data[key] = round(data[key], 3)
        return data


def _joined(engine: Engine, raw: Iterator[RawSegment]) -> Iterator[RawSegment]:
    """Re-join segments whose boundary split a character's bytes (they end in U+FFFD).

    The joined text is decoded again from both segments' tokens, so the character
    is whole; its word timings are dropped, as they were cut in the same place.
    """
    pending: RawSegment | None = None
    for segment in raw:
        if pending is not None:
            tokens = pending.tokens + segment.tokens
            segment = RawSegment(
                pending.start,
                segment.end,
                engine.decode(tokens) if tokens else pending.text + segment.text,
                tokens,
                min(pending.avg_logprob, segment.avg_logprob),
                max(pending.no_speech_prob, segment.no_speech_prob),
            )
            pending = None
        if segment.text.rstrip().endswith(text.REPLACEMENT):
            pending = segment
            continue
        yield segment
    if pending is not None:
        yield pending


def _sentences(segment: RawSegment) -> Iterator[tuple[float, float, str, float, list[Word]]]:
    """(start, end, text, avg log-probability, words) of each sentence in ``segment``, by word timings.

    A sentence ends at closing punctuation, at a pause for breath, or at a comma
    once it has run long: Whisper's punctuation of speech is unreliable.
    """
    if not segment.words:
        yield segment.start, segment.end, segment.text, segment.avg_logprob, []
        return
    words: list[Word] = []
    for word, following in zip(segment.words, [*segment.words[1:], None], strict=True):
        words.append(word)
        mark = word.text.strip()
        if (
            following is None
            or SENTENCE_END.search(mark)
            or following.start - word.end >= PAUSE_SECONDS
            or (CLAUSE_END.search(mark) and word.end - words[0].start >= LONG_SENTENCE_SECONDS)
        ):
            logprob = sum(math.log(max(w.probability, 1e-6)) for w in words) / len(words)
            yield words[0].start, words[-1].end, "".join(w.text for w in words), logprob, words
            words = []


def _scored_words(timed: list[Word], written: str, language: str) -> list[tuple[str, Word]]:
    """Each word as written in the final text, with the engine's word (probability and times).

    Clean-up can change the text: glossary spelling and punctuation keep its length, so
    the words are cut from the written text by their lengths, spaces between them (a pause
    Whisper wrote as a space) skipped; where the length changed (a loop collapsed) the words
    are left out and the sentence keeps only its own confidence.
    """
    parts = ["".join(text.to_simplified(w.text, language).split()) for w in timed]
    letters = [at for at, character in enumerate(written) if not character.isspace()]
    if not timed or sum(len(p) for p in parts) != len(letters):
        return []
    scored, at = [], 0
    for part, word in zip(parts, timed, strict=True):
        if part:
            scored.append((written[letters[at] : letters[at + len(part) - 1] + 1], word))
        at += len(part)
    return scored


def clean_segments(
    engine: Engine, raw: Iterable[RawSegment], language: str, terms: Iterable[str] = ()
) -> Iterator[Segment]:
    terms = list(terms) if language in text.CHINESE else []
    for segment in _joined(engine, iter(raw)):
        for start, end, sentence, logprob, timed in _sentences(segment):
            if segment.no_speech_prob > SILENCE_NO_SPEECH and logprob < LOW_LOGPROB:
                continue
            words = text.to_simplified(text.drop_broken_characters(sentence), language).strip()
            words = text.tidy_punctuation(apply_glossary(words, terms), language)
            words, looped = text.collapse_repeats(words)
            share = text.hallucination_share(words)
            if (
                len(text.compact(words)) < 1
                or share >= HALLUCINATION_SHARE
                or (looped and len(text.compact(words)) < 2)
            ):
                continue
            scored = _scored_words(timed, words, language)
            yield Segment(
                start=round(start, 2),
                end=round(max(end, start), 2),
                text=words,
                avg_logprob=logprob,
                no_speech_prob=segment.no_speech_prob,
                low_confidence=(
                    logprob < LOW_LOGPROB
                    or segment.no_speech_prob > HIGH_NO_SPEECH
                    or share > 0
                    or looped
                    or INAUDIBLE in words
                ),
                words=[(written, word.probability) for written, word in scored],
                word_times=[(round(word.start, 2), round(word.end, 2)) for _, word in scored],
            )


def _likelihood(segments: list[RawSegment]) -> float:
    """Average log-probability per token over ``segments`` (Whisper's own avg_logprob, pooled)."""
    sizes = [max(len(s.tokens), len(s.words), 1) for s in segments]
    return sum(s.avg_logprob * n for s, n in zip(segments, sizes, strict=True)) / max(sum(sizes), 1)


def _within(segment: RawSegment, start: float, end: float) -> list[RawSegment]:
    """The words of ``segment`` between ``start`` and ``end`` (padded), as one segment."""
    if not segment.words:
        return [segment]
    words = [w for w in segment.words if w.end > start - REHEAR_PAD_SECONDS and w.start < end + REHEAR_PAD_SECONDS]
    text_ = "".join(w.text for w in words)
    return [RawSegment(start, end, text_, [], segment.avg_logprob, segment.no_speech_prob, words)]


def _prompted_where_heard(
    engine: Engine,
    audio,
    language: str,
    plain: Iterable[RawSegment],
    terms: list[str],
    reheard: list[Rehearing],
) -> Iterator[RawSegment]:
    """``plain`` with each segment that sounds like glossary terms decoded again with a prompt of those terms.

    The prompted decode replaces the plain one only where the model finds it likelier, and
    after the leakage guard has checked every term it wrote against the plain decode.
    """
    seconds = len(audio) / DERIVATIVE_RATE
    speech: list[tuple[float, float]] | None = None
    for segment in plain:
        said = text.to_simplified(segment.text, language)
        heard = terms_heard(said, terms)
        if not heard or all(term in said for term in heard):
            yield segment
            continue
        if speech is None:
            speech = speech_regions(audio)
        prompt = build_prompt(heard, engine.count_tokens)
        span = (max(0.0, segment.start - REHEAR_PAD_SECONDS), min(seconds, segment.end + REHEAR_PAD_SECONDS))
        prompted = list(engine.transcribe(audio, language, prompt, span=span)[1])
        if not prompted or _likelihood(prompted) < _likelihood([segment]):
            yield segment
            continue
        # The plain decode of this very stretch is what the guard compares the prompted terms with.
        yield from guarded(
            prompted,
            prompt_phrases(heard, prompt),
            speech,
            lambda start, end, plain=segment: _within(plain, start, end),
            reheard,
        )


def transcribe(
    source: Path,
    engine: str | None = None,
    model: str | None = None,
    language: str = "zh",
    terms: Iterable[str] = (),
    on_progress: Callable[[float], None] | None = None,
) -> Transcription:
    """Transcribe the audio file ``source``; ``language`` is a Whisper code or ``auto``.

    The whole recording is decoded without any prompt; ``terms`` (the glossary) then act
    through the spelling rules, and, with ``TRANSCRIPTION_GLOSSARY_PROMPT``, also as a prompt
    where their sounds were heard (``_prompted_where_heard``).
    """
    engine_name = engine or settings.TRANSCRIPTION_ENGINE
    loaded = get_engine(engine_name, model)
    audio = load_pcm(Path(source))
    seconds = len(audio) / DERIVATIVE_RATE
    terms = list(terms)
    started = time.perf_counter()

    def heard(share: float) -> None:
        if on_progress:
            on_progress(min(99.0, 100.0 * share))

    detected, raw = loaded.transcribe(audio, None if language == "auto" else language, None, on_heard=heard)
    reheard: list[Rehearing] = []
    if terms and detected in text.CHINESE and settings.TRANSCRIPTION_GLOSSARY_PROMPT and loaded.rehears_stretches:
        raw = _prompted_where_heard(loaded, audio, detected, raw, terms, reheard)
    segments = list(clean_segments(loaded, raw, detected, terms))
    elapsed = time.perf_counter() - started
    joiner = "" if detected in text.CHINESE else " "
    return Transcription(
        text=joiner.join(s.text for s in segments),
        language=detected,
        engine=engine_name,
        model=model or "base",
        audio_seconds=seconds,
        load_seconds=loaded.load_seconds,
        elapsed_seconds=elapsed,
        segments=segments,
        reheard=reheard,
    )

"""Two Whisper engines behind one interface: faster-whisper (CTranslate2, int8) and openai-whisper (PyTorch).

Both are set up the same way for elders' recordings: beam search, no conditioning on
previous text (it feeds repetition loops on long audio, and it is what would carry the
glossary prompt past the first window), the glossary as ``initial_prompt`` only and only
when one stretch (``span``) is decoded again where its terms were heard (service.py), Chinese
unless asked to detect, and word timestamps, so that a long stretch the model returns as
one segment can be cut into sentences that each start at the right second, and so that
each word carries the probability the leakage guard reads. faster-whisper also runs Silero
voice activity detection, so long pauses never reach the decoder.

Never ``hotwords``, ``prefix``, ``carry_initial_prompt`` or a batched ``initial_prompt``:
each repeats the prompt in every window, and over silence the model copies it out
(SERVING-AND-ARCHIVING.md §5; faster-whisper #1356, #853). ``span`` decodes one stretch
again (``clip_timestamps``), which is how a suspicious segment is re-heard without the prompt.
"""

import ctypes
import functools
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from . import parts
from .weights import resolve

SAMPLE_RATE = 16_000
# glibc's mallopt() parameters (malloc.h): the most malloc arenas, the size from which a buffer
# is mapped on its own (and given back whole when freed).
M_ARENA_MAX = -8
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 4 * 1024 * 1024

# Decoding settings, chosen on the development set with bench/asr_sweep.py (its table is in the note).
BEAM_SIZE = 5
PATIENCE = 1.0
TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# Elders pause for breath and thought; only longer silences are cut out. Silero's threshold is
# lowered from 0.5 to 0.35 so that quiet syllables stay in: 11.3 % CER on the dev clips and
# 11.5 % on them joined, against 11.9 % and 12.3 % at 0.5 (raw baseline 12.1 % and 11.9 %;
# 0.4 scored 10.9 % and 12.9 %: the long path swings with where the cuts fall).
VAD_PARAMETERS = {"min_silence_duration_ms": 1000, "speech_pad_ms": 300, "threshold": 0.35}
# faster-whisper's batched pipeline (several 30 s chunks per forward pass) is faster on long
# recordings but packs stretches of speech into chunks with their pauses cut out and has no
# temperature fallback: on the dev clips joined (2.5 min) it scored 15.2 % CER against 12.9 %
# window by window and 12.1 % for the raw baseline (bench/asr_sweep.py --long, 2026-12-02;
# 15 s chunks 20.7 %, one stretch per chunk 13.4 %). So every recording is decoded window by
# window; the pipeline stays a setting the sweep can measure again ("batched from 60 s").
BATCHED_FROM_SECONDS = math.inf
BATCH_SIZE = 8
# The longest stretch of speech the batched pipeline decodes as one chunk (Whisper's window is 30 s).
BATCH_CHUNK_SECONDS = 30
# Whether the batched pipeline packs several stretches of speech, their pauses cut out, into one
# chunk (its own way), or decodes each stretch Silero finds as a chunk of its own.
BATCH_PACKS_STRETCHES = True
# Off: conditioning feeds repetition loops on long audio and would carry a prompt past its window.
CONDITION_ON_PREVIOUS_TEXT = False
# Without timestamp tokens a window is decoded as one piece (fewer tokens to decode). Off: on 5
# dev clips Whisper then wrote words after the speech ended ("作词编曲"); 15.9 % CER against
# 11.3 % (bench/asr_sweep.py "without timestamp tokens", 2026-12-06).
WITHOUT_TIMESTAMPS = False
# One decoder per core, one thread each: a recording long enough for two parts (parts.py) is cut
# in pauses and its parts heard side by side; a shorter one is heard by one decoder on one core.
# On the dev clips joined: RTF 0.051 against 0.095 for the raw baseline and 0.082 for one decoder
# with both cores on the whole recording. Two threads per decoder would give a short recording
# both cores (0.138 against 0.170), but two parts side by side then share two cores among four
# threads (0.056 long). bench/asr_sweep.py --repeat 3, 2026-12-06.
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
DECODERS = CORES
THREADS_PER_DECODER = 1


@dataclass
class Word:
    start: float
    end: float
    text: str
    probability: float


@dataclass
class RawSegment:
    start: float
    end: float
    text: str
    tokens: list[int] = field(default_factory=list)
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    words: list[Word] = field(default_factory=list)
    compression_ratio: float = 0.0


class Engine:
    name = ""
    # Whether a stretch can be decoded again on its own at a bearable cost (the glossary's
    # second hearing). openai-whisper re-reads its 30 s window with every temperature on each
    # stretch and ran for many minutes over a recording with long pauses.
    rehears_stretches = True

    def __init__(self, model_path: Path):
        self.model_path = model_path
        started = time.perf_counter()
        self._load()
        self.load_seconds = time.perf_counter() - started

    def _load(self) -> None:
        raise NotImplementedError

    def transcribe(
        self,
        audio: np.ndarray,
        language: str | None,
        prompt: str | None,
        span: tuple[float, float] | None = None,
        on_heard: Callable[[float], None] | None = None,
    ) -> tuple[str, Iterator[RawSegment]]:
        """(language, segments in order); ``span`` (start, end seconds) decodes only that stretch.

        ``on_heard`` is called, in the thread that reads the segments, with the share of the
        recording heard so far (the progress a job shows).
        """
        raise NotImplementedError

    def decode(self, tokens: list[int]) -> str:
        raise NotImplementedError

    def count_tokens(self, text: str) -> int:
        raise NotImplementedError


class FasterWhisperEngine(Engine):
    name = "faster-whisper"

    def _load(self):
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        _bound_malloc(DECODERS)
        self.model = WhisperModel(
            str(self.model_path),
            device="cpu",
            compute_type="int8",
            cpu_threads=THREADS_PER_DECODER,
            num_workers=DECODERS,
        )
        self.tokenizer = Tokenizer(self.model.hf_tokenizer, multilingual=True, task="transcribe", language="zh")
        self._preparing = threading.Lock()

    def transcribe(self, audio, language, prompt, span=None, on_heard=None):
        options = {
            "language": language,
            "beam_size": BEAM_SIZE,
            "patience": PATIENCE,
            "temperature": list(TEMPERATURES),
            "condition_on_previous_text": CONDITION_ON_PREVIOUS_TEXT,
            "word_timestamps": True,
            "without_timestamps": WITHOUT_TIMESTAMPS,
        }
        if span is not None:
            # VAD is ignored when clip_timestamps is given: the span is what is decoded.
            segments, info = self.model.transcribe(audio, clip_timestamps=list(span), initial_prompt=prompt, **options)
        elif len(audio) >= BATCHED_FROM_SECONDS * SAMPLE_RATE:
            # The batched pipeline would repeat a prompt in every chunk: whole recordings are
            # decoded without one; the glossary acts per stretch afterwards (service.py).
            segments, info = self._batched().transcribe(
                audio,
                clip_timestamps=None if BATCH_PACKS_STRETCHES else self._stretches(audio),
                vad_filter=True,
                vad_parameters=dict(VAD_PARAMETERS),
                batch_size=BATCH_SIZE,
                chunk_length=BATCH_CHUNK_SECONDS,
                **options,
            )
        else:
            cuts = self._cuts(audio) if prompt is None else []
            if cuts:
                # Every part must be heard in the same language: it is found once, from the
                # first part's speech (Whisper listens to its first 30 s).
                language = language or self.model.detect_language(audio[: cuts[0]], vad_filter=True)[0]
                decode_part = functools.partial(self._decode, **{**options, "language": language})
                return language, parts.side_by_side(decode_part, audio, cuts, on_heard, DECODERS)
            segments, info = self.model.transcribe(
                audio, initial_prompt=prompt, vad_filter=True, vad_parameters=VAD_PARAMETERS, **options
            )
        return info.language, _heard(self._raw(segments), len(audio), on_heard)

    def _decode(self, audio, **options) -> Iterator[RawSegment]:
        # transcribe() runs Silero and the features at once, then decodes lazily: one part at a
        # time prepares, so that Silero's working memory (about 250 MB per 5 minutes of audio)
        # is not needed twice at once. Decoding, the long part, is side by side.
        with self._preparing:
            segments, _ = self.model.transcribe(audio, vad_filter=True, vad_parameters=VAD_PARAMETERS, **options)
        return self._raw(segments)

    @staticmethod
    def _raw(segments) -> Iterator[RawSegment]:
        return (
            RawSegment(
                s.start,
                s.end,
                s.text,
                list(s.tokens),
                s.avg_logprob,
                s.no_speech_prob,
                [Word(w.start, w.end, w.word, w.probability) for w in s.words or []],
                s.compression_ratio,
            )
            for s in segments
        )

    @staticmethod
    def _cuts(audio) -> list[int]:
        """Where a recording long enough for two parts is cut (parts.py); ``[]``: heard whole."""
        if len(audio) < 2 * parts.MIN_PART_SECONDS * SAMPLE_RATE:
            return []
        wanted = parts.part_count(len(audio), DECODERS)
        return parts.cut_points(audio, wanted, FasterWhisperEngine._speech(audio)) if wanted > 1 else []

    @staticmethod
    def _speech(audio) -> list[dict]:
        """Silero's stretches of speech (samples, unpadded), split at pauses of ``parts.CUT_PAUSE_MS``.

        Heard a part's length at a time, so that finding the cuts costs no more memory than
        preparing a part; a stretch that runs over from one block into the next is one stretch.
        """
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        threshold = VAD_PARAMETERS["threshold"]
        options = VadOptions(threshold=threshold, min_silence_duration_ms=parts.CUT_PAUSE_MS, speech_pad_ms=0)
        block = int(parts.MAX_PART_SECONDS * SAMPLE_RATE)
        stretches: list[dict] = []
        for at in range(0, len(audio), block):
            for found in get_speech_timestamps(audio[at : at + block], options):
                start, end = found["start"] + at, found["end"] + at
                if stretches and start - stretches[-1]["end"] < parts.CUT_PAUSE_MS * SAMPLE_RATE // 1000:
                    stretches[-1]["end"] = end
                else:
                    stretches.append({"start": start, "end": end})
        return stretches

    @staticmethod
    def _stretches(audio) -> list[dict]:
        """Silero's stretches of speech (seconds), none longer than a batched chunk."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        options = VadOptions(**{**VAD_PARAMETERS, "max_speech_duration_s": BATCH_CHUNK_SECONDS})
        stamps = get_speech_timestamps(audio, options)
        return [{"start": s["start"] / SAMPLE_RATE, "end": s["end"] / SAMPLE_RATE} for s in stamps]

    def _batched(self):
        from faster_whisper import BatchedInferencePipeline

        if not hasattr(self, "_pipeline"):
            self._pipeline = BatchedInferencePipeline(self.model)
        return self._pipeline

    def decode(self, tokens):
        return self.tokenizer.decode([t for t in tokens if t < self.tokenizer.eot])

    def count_tokens(self, text):
        return len(self.tokenizer.encode(text))


class OpenAIWhisperEngine(Engine):
    name = "openai-whisper"
    rehears_stretches = False

    def _load(self):
        import torch
        import whisper
        from whisper.tokenizer import get_tokenizer

        torch.set_num_threads(os.cpu_count() or 1)
        self.model = whisper.load_model(str(self.model_path), device="cpu")
        self.tokenizer = get_tokenizer(multilingual=True, language="zh", task="transcribe")

    def transcribe(self, audio, language, prompt, span=None, on_heard=None):
        result = self.model.transcribe(
            audio,
            language=language,
            beam_size=BEAM_SIZE,
            best_of=BEAM_SIZE,
            patience=PATIENCE,
            temperature=TEMPERATURES,
            initial_prompt=prompt,
            condition_on_previous_text=CONDITION_ON_PREVIOUS_TEXT,
            clip_timestamps=list(span) if span is not None else "0",
            fp16=False,
            verbose=None,
            word_timestamps=True,
        )
        raw = (
            RawSegment(
                s["start"],
                s["end"],
                s["text"],
                list(s["tokens"]),
                s["avg_logprob"],
                s["no_speech_prob"],
                [Word(w["start"], w["end"], w["word"], w["probability"]) for w in s.get("words", [])],
                s["compression_ratio"],
            )
            for s in result["segments"]
        )
        return result["language"], _heard(raw, len(audio), on_heard)

    def decode(self, tokens):
        return self.tokenizer.decode([t for t in tokens if t < self.tokenizer.eot])

    def count_tokens(self, text):
        return len(self.tokenizer.encode(text))


ENGINE_CLASSES = {cls.name: cls for cls in (FasterWhisperEngine, OpenAIWhisperEngine)}


@cache
def _load(name: str, path: Path) -> Engine:
    return ENGINE_CLASSES[name](path)


def get_engine(name: str, model: str | None = None) -> Engine:
    """A loaded engine, kept for the life of the process (the worker loads each model once)."""
    return _load(name, resolve(name, model))


def _bound_malloc(arenas: int) -> None:
    """Keep glibc from holding on to what decoding threads free (where it can be told: glibc).

    Each decoding thread would keep a malloc arena of its own, holding what one part freed for
    a part that thread never gets (10 minutes, two decoders: 1,197 MB at the peak, 955 MB with
    two arenas), and glibc raises its mmap threshold after every large free, so the next large
    buffers come from arenas it does not give back (30 minutes in 5-minute parts: 1,263 MB;
    about 1,000 MB at a fixed 4 MB, at the same speed; 1 MB cost a quarter more time).
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    if hasattr(libc, "mallopt"):
        libc.mallopt(M_ARENA_MAX, arenas)
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def _heard(segments: Iterator[RawSegment], samples: int, on_heard) -> Iterator[RawSegment]:
    """``segments``, telling ``on_heard`` how far into the recording each one ends."""
    for segment in segments:
        if on_heard and samples:
            on_heard(min(1.0, segment.end * SAMPLE_RATE / samples))
        yield segment


@cache
def plain_model():
    """faster-whisper's base model as anyone would load it: int8, one decoder with every core."""
    from faster_whisper import WhisperModel

    return WhisperModel(str(resolve("faster-whisper", None)), device="cpu", compute_type="int8", cpu_threads=CORES)


def raw_baseline(audio: np.ndarray) -> str:
    """What faster-whisper alone hears: beam 5, no VAD, no prompt, none of the archive's text
    rules but Simplified characters. Every accuracy and speed figure is read against it
    (bench/, tests); it has a model of its own, loaded plainly, so that it owes nothing to
    how the archive runs its decoders."""
    from .text import to_simplified

    segments, _ = plain_model().transcribe(audio, language="zh", beam_size=5)
    return to_simplified("".join(s.text for s in segments), "zh")

"""Two Whisper engines behind one interface: faster-whisper (CTranslate2, int8) and openai-whisper (PyTorch).

Both are set up the same way for elders' recordings: beam search 5, no conditioning
on previous text (it feeds repetition loops on long audio), the glossary prompt
repeated in every 30-second window, Chinese unless asked to detect, and word
timestamps, so that a long stretch the model returns as one segment can be cut
into sentences that each start at the right second. faster-whisper
also runs Silero voice activity detection, so long pauses never reach the decoder.
"""

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from .weights import resolve

BEAM_SIZE = 5
# Elders pause for breath and thought; only longer silences are cut out.
VAD_PARAMETERS = {"min_silence_duration_ms": 1000, "speech_pad_ms": 300}


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


class Engine:
    name = ""

    def __init__(self, model_path: Path):
        self.model_path = model_path
        started = time.perf_counter()
        self._load()
        self.load_seconds = time.perf_counter() - started

    def _load(self) -> None:
        raise NotImplementedError

    def transcribe(
        self, audio: np.ndarray, language: str | None, prompt: str | None
    ) -> tuple[str, Iterator[RawSegment]]:
        """(language, segments as they are decoded)."""
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

        self.model = WhisperModel(
            str(self.model_path), device="cpu", compute_type="int8", cpu_threads=os.cpu_count() or 1
        )
        self.tokenizer = Tokenizer(self.model.hf_tokenizer, multilingual=True, task="transcribe", language="zh")

    def transcribe(self, audio, language, prompt):
        segments, info = self.model.transcribe(
            audio,
            language=language,
            beam_size=BEAM_SIZE,
            vad_filter=True,
            vad_parameters=VAD_PARAMETERS,
            condition_on_previous_text=False,
            hotwords=prompt,
            word_timestamps=True,
        )
        raw = (
            RawSegment(
                s.start,
                s.end,
                s.text,
                list(s.tokens),
                s.avg_logprob,
                s.no_speech_prob,
                [Word(w.start, w.end, w.word, w.probability) for w in s.words or []],
            )
            for s in segments
        )
        return info.language, raw

    def decode(self, tokens):
        return self.tokenizer.decode([t for t in tokens if t < self.tokenizer.eot])

    def count_tokens(self, text):
        return len(self.tokenizer.encode(text))


class OpenAIWhisperEngine(Engine):
    name = "openai-whisper"

    def _load(self):
        import torch
        import whisper
        from whisper.tokenizer import get_tokenizer

        torch.set_num_threads(os.cpu_count() or 1)
        self.model = whisper.load_model(str(self.model_path), device="cpu")
        self.tokenizer = get_tokenizer(multilingual=True, language="zh", task="transcribe")

    def transcribe(self, audio, language, prompt):
        result = self.model.transcribe(
            audio,
            language=language,
            beam_size=BEAM_SIZE,
            best_of=BEAM_SIZE,
            initial_prompt=prompt,
            carry_initial_prompt=bool(prompt),
            condition_on_previous_text=False,
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
            )
            for s in result["segments"]
        )
        return result["language"], raw

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

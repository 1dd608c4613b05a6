"""Transcripts never say what nobody said: the glossary leaks nothing, on real voices or on no voice.

Real speech: the development set in ``shared/asr-dev`` (FLEURS, Conneau et al. 2022, Google,
CC BY 4.0; Mandarin validation clips, see its README), whose topics have nothing to do with
Libei, so any glossary term in its transcripts was invented. The model is loaded once per
session (engines are cached per process).
"""

import csv

import numpy as np
import pytest
from django.conf import settings

from media.decoding import load_pcm
from media.transcription.engines import RawSegment, Word, get_engine
from media.transcription.leakage import INAUDIBLE, doubts, prompt_phrases, reconcile
from media.transcription.prompt import build_prompt
from media.transcription.service import transcribe
from media.transcription.text import compact

from ..audio import float_wav
from .conftest import demo_clip

pytestmark = pytest.mark.usefixtures("whisper_models")

ASR_DEV = settings.BASE_DIR.parent / "shared" / "asr-dev"
RATE = 16_000


def dev_clips() -> list[dict]:
    # shared/ lies beside every checkout and CI's clone; elsewhere the cases are skipped
    # (an empty parameter set) rather than the whole suite failing to collect.
    if not (ASR_DEV / "refs.tsv").is_file():
        return []
    with (ASR_DEV / "refs.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(params=[False, True], ids=["spelling", "prompted"])
def glossary_prompt(request, settings):
    """Each case twice: the glossary as spelling rules only (the default), and also as a prompt
    where its sounds were heard (TRANSCRIPTION_GLOSSARY_PROMPT), which the leakage guard watches."""
    settings.TRANSCRIPTION_GLOSSARY_PROMPT = request.param
    return request.param


@pytest.fixture(scope="session")
def phrases(demo_terms):
    return prompt_phrases(demo_terms, build_prompt(demo_terms, get_engine("faster-whisper").count_tokens))


def invented(output: str, reference: str, phrases: list[str]) -> list[str]:
    said, written = compact(reference), compact(output)
    return [p for p in phrases if compact(p) in written and compact(p) not in said]


def no_voice(kind: str) -> np.ndarray:
    """Four seconds of what an elder's phone records between words."""
    rng = np.random.default_rng(7)
    t = np.arange(4 * RATE) / RATE
    if kind == "silence":
        return np.zeros_like(t)
    if kind == "noise":
        return 0.05 * rng.standard_normal(t.size)
    if kind == "music":
        # A tune of plucked tones: 262, 330, 392, 523 Hz, half a second each, decaying.
        notes = np.repeat([262, 330, 392, 523, 392, 330, 262, 330], RATE // 2)
        return 0.3 * np.sin(2 * np.pi * notes * t) * np.exp(-3 * (t % 0.5))
    # A cough: two short bursts of shaped noise in quiet room tone.
    room = 0.003 * rng.standard_normal(t.size)
    for start in (1.0, 1.45):
        n = int(0.25 * RATE)
        burst = rng.standard_normal(n) * np.exp(-np.linspace(0, 6, n)) * 0.6
        room[int(start * RATE) : int(start * RATE) + n] += np.convolve(burst, np.ones(8) / 8, mode="same")
    return room


@pytest.mark.parametrize("clip", dev_clips(), ids=lambda c: c["id"])
def test_real_speech_gets_no_glossary_term_it_does_not_contain(clip, demo_terms, phrases, glossary_prompt):
    result = transcribe(ASR_DEV / f"{clip['id']}.flac", engine="faster-whisper", terms=demo_terms)
    assert invented(result.text, clip["text"], phrases) == [], (result.text, result.reheard)
    assert compact(result.text), "real speech must not vanish"


@pytest.mark.parametrize("kind", ["silence", "noise", "music", "cough"])
def test_no_voice_gives_no_text(kind, demo_terms, phrases, glossary_prompt, tmp_path):
    audio = float_wav(tmp_path / f"{kind}.wav", no_voice(kind))
    result = transcribe(audio, engine="faster-whisper", terms=demo_terms)
    assert invented(result.text, "", phrases) == [], result.text
    assert compact(result.text.replace(INAUDIBLE, "")) == "", (result.text, result.reheard)


def test_the_tail_after_the_last_word_stays_empty(demo_terms, phrases, glossary_prompt, tmp_path):
    path, sentences = demo_clip("li-guifen-married-into-libei")
    samples = load_pcm(path)
    tail = samples[int((sentences[-1]["end"] + 0.05) * RATE) :]
    room = 0.003 * np.random.default_rng(3).standard_normal(3 * RATE)
    audio = float_wav(tmp_path / "tail.wav", np.concatenate([tail, room]))
    result = transcribe(audio, engine="faster-whisper", terms=demo_terms)
    assert invented(result.text, "", phrases) == [] and compact(result.text) == "", result.text


# The guard's decisions on the engine's own numbers, without decoding: each rule can fail alone.


def words(text: str, start: float = 0.0, step: float = 0.2, probability: float = 0.9) -> list[Word]:
    return [Word(start + n * step, start + (n + 1) * step, c, probability) for n, c in enumerate(text)]


def segment(chars: list[Word], no_speech: float = 0.05, compression: float = 1.2) -> RawSegment:
    return RawSegment(
        chars[0].start, chars[-1].end, "".join(w.text for w in chars), [], -0.2, no_speech, chars, compression
    )


def test_names_read_back_from_the_prompt_are_removed_and_the_speech_kept():
    prompted = words("意味着在依照。") + words("李桂芬、王秀英。", start=1.4, probability=0.6)
    spans = [(7, 10), (11, 14)]
    plain = words("意味着在依照。")
    assert doubts(segment(prompted), prompted, spans, [(0.0, 1.5)]) == ("outside_speech", "prompt_list")
    assert "".join(w.text for w in reconcile(prompted, spans, plain)) == "意味着在依照。"


def test_a_term_the_plain_decode_hears_otherwise_takes_the_plain_words():
    prompted = words("我叫李桂芬。")
    plain = words("我叫小明。")
    assert "".join(w.text for w in reconcile(prompted, [(2, 5)], plain)) == "我叫小明。"


def test_a_term_the_plain_decode_hears_as_the_same_sounds_keeps_the_glossary_spelling():
    prompted = words("做阳朗辣子鸡，放进石臼里。")
    plain = words("做养老辣子鸡，放进石旧里。")
    assert "".join(w.text for w in reconcile(prompted, [(1, 6), (9, 11)], plain)) == "做阳朗辣子鸡，放进石臼里。"


def test_a_term_neither_decode_is_sure_of_becomes_a_gap():
    prompted = words("住在立碑村。")
    plain = words("住在") + words("大海", start=0.4, probability=0.1) + words("村。", start=0.8)
    assert "".join(w.text for w in reconcile(prompted, [(2, 5)], plain)) == f"住在{INAUDIBLE}村。"


def test_a_term_heard_clearly_inside_speech_is_not_doubted():
    chars = words("我叫王秀英，住在息烽县立碑村。")
    assert doubts(segment(chars), chars, [(2, 5), (8, 14)], [(0.0, 3.0)]) == ()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"no_speech": 0.7}, "no_speech"),
        ({"compression": 3.0}, "compression"),
    ],
)
def test_each_engine_signal_alone_raises_a_doubt(change, reason):
    chars = words("我叫王秀英。")
    assert reason in doubts(segment(chars, **change), chars, [(2, 5)], [(0.0, 3.0)])


def test_low_probability_implausible_speed_and_silence_each_raise_a_doubt():
    unsure = words("我叫") + words("王秀英", start=0.4, probability=0.2)
    assert doubts(segment(unsure), unsure, [(2, 5)], [(0.0, 3.0)]) == ("low_probability",)
    rushed = words("我叫王秀英我叫王秀英我叫王秀英", step=0.02)
    assert "too_fast" in doubts(segment(rushed), rushed, [(2, 5)], [(0.0, 3.0)])
    late = words("我叫王秀英", start=5.0)
    assert doubts(segment(late), late, [(2, 5)], [(0.0, 3.0)]) == ("outside_speech",)

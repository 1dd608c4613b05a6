"""A long recording (≥ 60 s of real speech) is heard no worse than the raw baseline, each part at its own time.

Real speech: the first clips of the development set in ``shared/asr-dev`` (FLEURS, Conneau et
al. 2022, Google, CC BY 4.0; see its README) joined with a second of room tone between them,
about 75 s in all: a long recording as the issue counts them (≥ 60 s), which the engine cuts
in a pause and hears with two decoders side by side (parts.py).
"""

import csv
import threading

import numpy as np
import pytest
from django.conf import settings

from media.decoding import load_pcm
from media.transcription import engines, parts
from media.transcription.correction import is_hanzi
from media.transcription.engines import raw_baseline
from media.transcription.service import transcribe
from media.transcription.text import character_error_rate

from ..audio import float_wav

pytestmark = pytest.mark.usefixtures("whisper_models")

ASR_DEV = settings.BASE_DIR.parent / "shared" / "asr-dev"
RATE = 16_000
CLIPS = 7
# What the sentences of one clip may reach into its neighbours (word timings, VAD padding).
EDGE_SECONDS = 0.6


def hanzi(text: str) -> int:
    return sum(map(is_hanzi, text))


@pytest.fixture(scope="module")
def joined(tmp_path_factory):
    """(path, [(start, end, reference) per clip]) of the first clips one after another."""
    if not (ASR_DEV / "refs.tsv").is_file():
        pytest.skip("shared/asr-dev is not beside this checkout")
    with (ASR_DEV / "refs.tsv").open(encoding="utf-8") as handle:
        clips = list(csv.DictReader(handle, delimiter="\t"))[:CLIPS]
    room = 0.003 * np.random.default_rng(5).standard_normal(RATE)
    pieces, spans, at = [], [], 0.0
    for clip in clips:
        samples = load_pcm(ASR_DEV / f"{clip['id']}.flac")
        spans.append((at, at + len(samples) / RATE, clip["text"]))
        pieces += [samples, room]
        at += (len(samples) + len(room)) / RATE
    return float_wav(tmp_path_factory.mktemp("long") / "joined.wav", np.concatenate(pieces)), spans


@pytest.fixture(scope="module")
def raw_error(joined):
    """The raw baseline's CER, decoded here: int8 decoding differs from one CPU to another (16.6 %
    on one machine, 18.0 % on another), so a figure written down would not hold."""
    path, spans = joined
    return character_error_rate("".join(text for *_, text in spans), raw_baseline(load_pcm(path)))


def test_a_long_recording_is_heard_no_worse_than_the_raw_baseline_and_every_clip_at_its_own_time(joined, raw_error):
    path, spans = joined
    assert spans[-1][1] >= 60
    # Two decoders on this machine or not, the recording is one the engine would cut.
    samples = load_pcm(path)
    cuts = parts.cut_points(samples, 2, engines.FasterWhisperEngine._speech(samples))
    between_clips = zip(spans, spans[1:], strict=False)
    assert len(cuts) == 1 and any(end < cuts[0] / RATE < start for (_, end, _), (start, _, _) in between_clips)
    progress = []
    result = transcribe(
        path, engine="faster-whisper", on_progress=lambda p: progress.append((p, threading.current_thread()))
    )
    reference = "".join(text for *_, text in spans)
    assert character_error_rate(reference, result.text) <= raw_error, result.text
    # Progress counts both parts and is told where a job writes it: in the caller's thread.
    shares = [p for p, _ in progress]
    assert len(shares) >= 5 and shares == sorted(shares) and shares[-1] >= 90
    assert {thread for _, thread in progress} == {threading.current_thread()}
    for start, end, text in spans:
        inside = "".join(
            s.text for s in result.segments if s.start >= start - EDGE_SECONDS and s.end <= end + EDGE_SECONDS
        )
        # Most of each clip's Chinese characters are written inside its own time (some references
        # also spell a place in Latin letters, which the model writes in characters only).
        assert hanzi(inside) >= 0.75 * hanzi(text), (start, end, text, inside)


def test_a_long_recording_in_an_unnamed_language_is_heard_in_one_language(joined, raw_error):
    """``--language auto``: the language is found once, for every part."""
    path, spans = joined
    result = transcribe(path, engine="faster-whisper", language="auto")
    assert result.language == "zh"
    assert character_error_rate("".join(text for *_, text in spans), result.text) <= raw_error, result.text


def test_the_pauses_for_the_cuts_are_heard_a_block_at_a_time_without_a_seam(joined, monkeypatch):
    """Silero hears the recording a part's length at a time (its memory grows with what it hears
    at once); a stretch of speech running over a block's end is still one stretch."""
    path, _ = joined
    samples = load_pcm(path)
    whole = engines.FasterWhisperEngine._speech(samples)
    monkeypatch.setattr(parts, "MAX_PART_SECONDS", 7.0)
    blocks = engines.FasterWhisperEngine._speech(samples)
    seams = range(7 * RATE, len(samples), 7 * RATE)
    across = [s for s in whole if any(s["start"] < seam < s["end"] for seam in seams)]
    assert across, "some stretch of speech runs over a block's end"
    assert not any(s["end"] in seams or s["start"] in seams for s in blocks)
    spoken = sum(s["end"] - s["start"] for s in whole)
    # Silero starts each block afresh: with a seam every 7 s (every 180 s in use) it hears a
    # little more speech at the seams, nothing less.
    assert spoken <= sum(s["end"] - s["start"] for s in blocks) < 1.05 * spoken
    pauses = [b["start"] - a["end"] for a, b in zip(blocks, blocks[1:], strict=False)]
    assert min(pauses) >= parts.CUT_PAUSE_MS * RATE // 1000

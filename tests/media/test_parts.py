"""Where a long recording is cut for decoders side by side, and how their segments come back together.

The decoders themselves are the real Whisper in ``test_long_recordings.py``; here ``decode``
is a plain function, so that order, clocks, errors and stopping can be forced exactly.
"""

import math
import threading
import time

import numpy as np
import pytest

from media.transcription.engines import RawSegment, Word
from media.transcription.parts import (
    MAX_PART_SECONDS,
    MIN_PART_SECONDS,
    SAMPLE_RATE,
    cut_points,
    part_count,
    side_by_side,
)

S = SAMPLE_RATE


def stretches(*seconds: tuple[float, float]) -> list[dict]:
    return [{"start": round(a * S), "end": round(b * S)} for a, b in seconds]


def audio(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * S), dtype=np.float32)


def test_a_recording_too_short_for_two_parts_is_not_cut():
    speech = stretches((0, 20), (21, 40), (41, 59))
    assert cut_points(audio(2 * MIN_PART_SECONDS - 1), 2, speech) == []
    assert cut_points(audio(120), 1, speech) == []


def test_a_recording_without_a_pause_is_not_cut():
    assert cut_points(audio(120), 2, stretches((0, 120))) == []
    assert cut_points(audio(120), 2, []) == []


def test_the_cut_falls_in_the_middle_of_a_pause_and_shares_the_speech_evenly():
    # Speech 0–30 and 32–62 (30 s each) and a long silence to the end: the audio's middle (60 s)
    # is in speech, the speech's middle is the pause at 30–32.
    cuts = cut_points(audio(100), 2, stretches((0, 30), (32, 62)))
    assert cuts == [31 * S] and all(type(cut) is int for cut in cuts)  # a sample's index


def test_a_part_may_be_exactly_one_window_long():
    assert cut_points(audio(60), 2, stretches((0, 29.5), (30.5, 60))) == [30 * S]
    assert cut_points(audio(60), 2, stretches((0, 29.5), (30.6, 60))) == []
    assert cut_points(audio(60), 2, stretches((0, 29.4), (30.5, 60))) == []


def test_where_no_pause_is_near_an_even_share_the_nearest_is_taken():
    # The speech's middle is at 59.5 s; the pauses are 20 s and 25 s of speech away from it.
    speech = stretches((0, 34), (35, 80), (81, 121))
    assert cut_points(audio(122), 2, speech) == [round(80.5 * S)]


def test_a_longer_pause_near_the_middle_is_preferred_to_a_breath_at_it():
    # A breath (0.3 s) at the middle of the speech, a 2 s pause 3 s of speech later.
    speech = stretches((0, 60), (60.3, 63.3), (65.3, 122))
    assert cut_points(audio(123), 2, speech) == [int(64.3 * S)]
    # The same, the longer pause before the breath.
    speech = stretches((0, 57), (59, 60), (60.3, 120.3))
    assert cut_points(audio(121), 2, speech) == [58 * S]
    # More than BALANCE_SLACK_SECONDS of speech from the middle, the longer pause does not count.
    speech = stretches((0, 60), (60.3, 68.3), (70.3, 125))
    assert cut_points(audio(126), 2, speech) == [round(60.15 * S)]
    # Exactly BALANCE_SLACK_SECONDS away, it does: the middle is at 59.7 s of speech.
    speech = stretches((0, 60), (60.3, 65), (67, 121.7))
    assert cut_points(audio(123), 2, speech) == [66 * S]


def test_of_pauses_alike_near_the_middle_the_nearest_is_taken():
    # A 1 s pause every 4 s: three of them are within BALANCE_SLACK_SECONDS of the speech's middle.
    speech = stretches(*[(k * 4, k * 4 + 3) for k in range(30)])
    assert cut_points(audio(120), 2, speech) == [round(59.5 * S)]


def test_no_part_is_shorter_than_a_window():
    # Every pause is too near an end for a part of MIN_PART_SECONDS.
    speech = stretches((0, 10), (11, 55), (56, 65))
    assert cut_points(audio(66), 2, speech) == []
    # Nor between two cuts: the second third's only pause is 15 s after the first cut.
    speech = stretches((0, 39.5), (40.5, 54.5), (55.5, 120))
    assert cut_points(audio(120), 3, speech) == [40 * S]


def test_three_decoders_cut_three_parts_in_order():
    speech = stretches(*[(k * 10, k * 10 + 9) for k in range(12)])
    cuts = cut_points(audio(120), 3, speech)
    # Pauses alike: the nearest to each third of the speech (36 s and 72 s of it).
    assert cuts == [round(39.5 * S), round(79.5 * S)]
    assert all(b - a >= MIN_PART_SECONDS * S for a, b in zip([0, *cuts], [*cuts, 120 * S], strict=True))
    # Each cut is in a pause: no stretch of speech holds it.
    assert not any(s["start"] <= c < s["end"] for c in cuts for s in speech)


def within(work, seconds: float = 10.0):
    """``work()``, run in a thread of its own and failed if it has not returned within ``seconds``:
    a reader that waits for a part that will never come must fail the test, not hang it."""
    out: dict = {}

    def run():
        try:
            out["value"] = work()
        except BaseException as error:  # noqa: BLE001 - raised again below, in the test's thread
            out["error"] = error

    thread = threading.Thread(target=run, name="reader", daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the reader never finished"
    if "error" in out:
        raise out["error"]
    return out["value"]


def read(reader) -> list:
    return within(lambda: list(reader))


def segment(start: float, end: float, text: str) -> RawSegment:
    return RawSegment(start, end, text, words=[Word(start, end, text, 0.9)])


def test_segments_come_back_in_order_on_the_whole_recordings_clock():
    def decode(part):
        seconds = len(part) / S
        if seconds > 45:  # the first part is slower than the second
            time.sleep(0.05)
        yield segment(1, 2, f"a{seconds:.0f}")
        yield segment(seconds - 2, seconds - 1, f"b{seconds:.0f}")

    out = read(side_by_side(decode, audio(110), [50 * S], None, 2))
    assert [s.text for s in out] == ["a50", "b50", "a60", "b60"]
    assert [(s.start, s.end) for s in out] == [(1, 2), (48, 49), (51, 52), (108, 109)]
    assert [(w.start, w.end) for s in out for w in s.words] == [(s.start, s.end) for s in out]


def test_progress_counts_every_part_and_is_told_in_the_readers_thread():
    told = []

    def decode(part):
        if len(part) == 40 * S:
            time.sleep(0.3)  # the second part is heard after the first
            yield segment(0, 10, "a")
            yield segment(10, 20, "b")  # then 20 s of silence
        else:
            for k in range(5):
                yield segment(k * 10, k * 10 + 10, str(k))
            yield segment(50, 61, "past the end")  # Whisper's last timestamp may pass the part's end

    def on_heard(share):
        told.append((share, threading.current_thread()))

    read(side_by_side(decode, audio(100), [60 * S], on_heard, 2))
    shares = [share for share, _ in told]
    # Six segments of the first part, its end, two of the second, its end: a finished part is
    # heard to its end, silence after its last words too, and never more than all of it.
    assert shares == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.6, 0.7, 0.8, 1.0])
    assert {thread.name for _, thread in told} == {"reader"}


def test_a_part_that_fails_fails_the_whole():
    def decode(part):
        if len(part) > 55 * S:
            raise RuntimeError("the second part broke")
        yield segment(1, 2, "a")

    with pytest.raises(RuntimeError, match="second part"):
        read(side_by_side(decode, audio(110), [50 * S], None, 2))


def test_closing_the_reader_stops_every_part_at_once():
    made = {}

    def decode(part):
        index = len(part) // S
        made[index] = 0
        for k in range(10_000):
            made[index] += 1
            time.sleep(0.001 if index == 40 else 0.5)
            yield segment(k, k + 1, "x")

    # Four parts, two decoders: the first (40 s) yields quickly, the second slowly.
    cuts = [40 * S, 81 * S, 122 * S]
    reader = side_by_side(decode, audio(164), cuts, None, 2)
    within(lambda: next(reader))
    started = time.perf_counter()
    reader.close()
    # Closing does not wait for the slow part's next segment ...
    assert time.perf_counter() - started < 0.3
    time.sleep(0.7)
    seen = dict(made)
    time.sleep(0.6)
    # ... which is its last; the parts not begun never begin.
    assert made == seen and set(made) == {40, 41} and max(seen.values()) < 10_000


def test_a_long_recording_is_cut_into_more_parts_than_decoders_none_longer_than_needed():
    assert part_count(60 * S, 2) == 2 and part_count(60 * S, 4) == 4
    assert part_count(60 * 60 * S, 2) == math.ceil(60 * 60 / MAX_PART_SECONDS) > 2
    # A pause every 10 s for an hour: the cuts give parts of about MAX_PART_SECONDS.
    speech = stretches(*[(k * 10, k * 10 + 9) for k in range(360)])
    cuts = cut_points(audio(3600), part_count(3600 * S, 2), speech)
    sizes = [(b - a) / S for a, b in zip([0, *cuts], [*cuts, 3600 * S], strict=True)]
    assert len(sizes) == 3600 // MAX_PART_SECONDS and max(sizes) <= MAX_PART_SECONDS + 10


def test_more_parts_than_decoders_are_taken_in_order_as_decoders_come_free():
    running, most = [0], [0]
    lock = threading.Lock()

    def decode(part):
        # Named, so that a stack dump of the worker says what its threads are.
        assert threading.current_thread().name.startswith("whisper-part")
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        yield segment(1, 2, f"{len(part) // S}")
        with lock:
            running[0] -= 1

    cuts = [k * 40 * S for k in range(1, 6)]
    out = read(side_by_side(decode, audio(6 * 40 + 1), cuts, None, 2))
    assert [s.text for s in out] == ["40"] * 5 + ["41"]
    assert [s.start for s in out] == [1 + 40 * k for k in range(6)]
    assert most[0] == 2

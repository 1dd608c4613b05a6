"""A long recording cut at pauses into parts that are decoded side by side, one per core.

Whisper's beam search is a long chain of small steps that two threads barely share: one
decoder per core, each on its own part, hears a long recording in about half the time
that one decoder takes with every core (bench/asr_sweep.py --long). Each part is decoded
exactly as a recording of its own would be (its own windows, timestamps and fallbacks);
nothing is conditioned on previous text anyway (engines.py), so a cut in a pause changes
no word the model can hear. A recording longer than ``MAX_PART_SECONDS`` per decoder is cut
into more parts, taken in order as decoders come free, because what faster-whisper prepares
for a part at once (Silero, the spectrogram) grows with the part.
"""

import math
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from itertools import accumulate, pairwise

import numpy as np

SAMPLE_RATE = 16_000
# No part shorter than one Whisper window: a part costs a whole 30 s encoder pass however short.
MIN_PART_SECONDS = 30.0
# No part longer than this where it can be helped: Silero and the spectrogram of a part are
# held at once while it is prepared (about 250 MB for 5 minutes of audio). A 30-minute
# recording cut in two peaked at 1.4 GB; in 3-minute parts, about 1 GB (bench/asr_long.py).
MAX_PART_SECONDS = 180.0
# A cut falls in a pause at least this long, so no syllable is split between two parts.
CUT_PAUSE_MS = 300
# How far (seconds of speech) a cut may move from an even share to fall in a longer pause: a
# part that much longer keeps its decoder that much longer.
BALANCE_SLACK_SECONDS = 5.0


def cut_points(audio: np.ndarray, parts: int, speech: list[dict]) -> list[int]:
    """Sample offsets that cut ``audio`` into at most ``parts`` parts, each in a pause of ``speech``.

    ``speech`` holds Silero's stretches (``start``/``end`` in samples, pauses of at least
    ``CUT_PAUSE_MS`` between them). The cuts share the speech, not the audio, out evenly, so a
    part that is mostly silence does not leave one decoder idle. No part is shorter than
    ``MIN_PART_SECONDS``, so a recording shorter than two of them, or without pauses, is not cut.
    """
    pairs = list(pairwise(speech))
    if parts < 2 or not pairs:
        return []
    pauses = [(a["end"] + b["start"]) // 2 for a, b in pairs]
    lengths = [b["start"] - a["end"] for a, b in pairs]
    # Speech heard before each pause, so that a cut can aim at a share of the speech.
    heard_before = list(accumulate(s["end"] - s["start"] for s in speech))
    total = heard_before.pop()
    edge = MIN_PART_SECONDS * SAMPLE_RATE
    cuts: list[int] = []
    for k in range(1, parts):
        aim = total * k / parts
        start = (cuts[-1] if cuts else 0) + edge
        fits = [i for i in range(len(pauses)) if start <= pauses[i] <= len(audio) - edge]
        if not fits:
            break
        # The longest pause near the aim (a breath between sentences rather than one inside a
        # sentence); the nearest of equally long ones, and the nearest of all where none is near.
        distance = {i: abs(heard_before[i] - aim) for i in fits}
        near = [i for i in fits if distance[i] <= BALANCE_SLACK_SECONDS * SAMPLE_RATE]
        best = max(near, key=lambda i: (lengths[i], -distance[i])) if near else min(fits, key=distance.get)
        cuts.append(pauses[best])
    return cuts


def part_count(samples: int, decoders: int) -> int:
    """How many parts a recording of ``samples`` is cut into for ``decoders`` (cut_points may make fewer)."""
    return max(decoders, math.ceil(samples / SAMPLE_RATE / MAX_PART_SECONDS))


def side_by_side(
    decode: Callable[[np.ndarray], Iterator],
    audio: np.ndarray,
    cuts: list[int],
    on_heard: Callable[[float], None] | None,
    decoders: int,
) -> Iterator:
    """The segments of every part, in order, their times moved to the whole recording's clock.

    ``decode(part)`` yields a part's segments (``start``, ``end``, ``words``) as its decoder
    hears them. ``decoders`` parts are decoded at once, the next part starting where one
    finishes. The caller's thread receives every segment, yields them in order (the first
    part's as they come) and alone calls ``on_heard`` with the share of the recording heard
    so far, so no callback (a database write) runs on a decoding thread. A part's error is
    raised here; closing the generator stops every part at its next segment.
    """
    bounds = [0, *cuts, len(audio)]
    offsets = [bounds[i] / SAMPLE_RATE for i in range(len(bounds) - 1)]
    lengths = [(bounds[i + 1] - bounds[i]) / SAMPLE_RATE for i in range(len(bounds) - 1)]
    arrived: queue.Queue = queue.Queue()
    stop = threading.Event()
    finished = object()

    def run(index: int) -> None:
        try:
            for segment in decode(audio[bounds[index] : bounds[index + 1]]):
                if stop.is_set():
                    return  # nobody reads any more
                arrived.put((index, _moved(segment, offsets[index])))
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            arrived.put((index, error))
            return
        arrived.put((index, finished))

    parts = len(bounds) - 1
    held: list[list] = [[] for _ in range(parts)]
    heard = [0.0] * parts
    done = [False] * parts
    seconds = len(audio) / SAMPLE_RATE
    next_part = 0
    pool = ThreadPoolExecutor(max_workers=min(decoders, parts), thread_name_prefix="whisper-part")
    try:
        for index in range(parts):
            pool.submit(run, index)
        while next_part < parts:
            index, item = arrived.get()
            if isinstance(item, BaseException):
                raise item
            if item is finished:
                # All of a finished part is heard, the silence after its last words too.
                done[index] = True
                heard[index] = lengths[index]
            else:
                held[index].append(item)
                # Whisper's last timestamp may pass the end of the part.
                heard[index] = min(item.end - offsets[index], lengths[index])
            if on_heard and seconds:
                on_heard(sum(heard) / seconds)
            while next_part < parts and (held[next_part] or done[next_part]):
                yield from held[next_part]
                held[next_part] = []
                if not done[next_part]:
                    break
                next_part += 1
    finally:
        # Parts not begun never begin; a part mid-window stops at its next segment, unwaited for.
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)


def _moved(segment, offset: float):
    """``segment`` (and its words) on a clock that starts ``offset`` seconds earlier."""
    words = [replace(w, start=w.start + offset, end=w.end + offset) for w in segment.words]
    return replace(segment, start=segment.start + offset, end=segment.end + offset, words=words)

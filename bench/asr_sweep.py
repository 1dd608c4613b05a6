"""Decoding settings swept on the development set: CER and RTF, one setting changed at a time.

    nice -n 5 .venv/bin/python bench/asr_sweep.py                       # every setting, all 15 clips
    nice -n 5 .venv/bin/python bench/asr_sweep.py "beam 1" "patience 2"  # named settings only
    nice -n 5 .venv/bin/python bench/asr_sweep.py --long                 # the dev clips joined (long path)
    .venv/bin/python bench/asr_sweep.py --long --repeat 5                # raw and kept in turn: median RTFs

``transcribe`` with the demo glossary (what every job uses) on ``shared/asr-dev`` (FLEURS
Mandarin validation, Conneau et al. 2022, Google, CC BY 4.0; see its README), scored like
``bench/asr_real.py`` (corpus-level CER after its text rules). The first row is the raw
faster-whisper baseline (beam 5, no VAD, no glossary) on the same model instance, in the
same run; the second is what ``media/transcription/engines.py`` uses now; the others change
one setting each. The machine is shared: compare rows of one run, and prefer a setting only
where its CER is lower by more than one clip's noise (a few characters in ~480).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from asr_real import ASR_DEV, RATE, dev_clips, long_file, scorer, setup_django  # noqa: E402

from media.transcription.engines import CORES  # noqa: E402 (reads no setting on import)

# Settings read when the model is loaded: a row that changes them loads it again (not timed).
LOAD_SETTINGS = {"DECODERS", "THREADS_PER_DECODER"}
RAW = "raw faster-whisper (beam 5, no VAD, no glossary)"
KEPT = "kept (engines.py)"
# Each setting: {module attribute: value}, on media.transcription.engines unless prefixed "service.".
SWEEP = {
    "beam 1": {"BEAM_SIZE": 1},
    "beam 3": {"BEAM_SIZE": 3},
    "beam 4": {"BEAM_SIZE": 4},
    "beam 8, patience 1.5": {"BEAM_SIZE": 8, "PATIENCE": 1.5},
    "patience 2": {"PATIENCE": 2.0},
    "no temperature fallback": {"TEMPERATURES": (0.0,)},
    "condition on previous text": {"CONDITION_ON_PREVIOUS_TEXT": True},
    "without timestamp tokens": {"WITHOUT_TIMESTAMPS": True},
    "VAD silence 500 ms, pad 200 ms": {
        "VAD_PARAMETERS": {"min_silence_duration_ms": 500, "speech_pad_ms": 200, "threshold": 0.35}
    },
    "VAD silence 2000 ms, pad 400 ms": {
        "VAD_PARAMETERS": {"min_silence_duration_ms": 2000, "speech_pad_ms": 400, "threshold": 0.35}
    },
    "VAD threshold 0.5 (Silero's default)": {
        "VAD_PARAMETERS": {"min_silence_duration_ms": 1000, "speech_pad_ms": 300, "threshold": 0.5}
    },
    "VAD threshold 0.4": {"VAD_PARAMETERS": {"min_silence_duration_ms": 1000, "speech_pad_ms": 300, "threshold": 0.4}},
    "VAD threshold 0.25": {
        "VAD_PARAMETERS": {"min_silence_duration_ms": 1000, "speech_pad_ms": 300, "threshold": 0.25}
    },
    "sentences cut at 0.3 s pauses": {"service.PAUSE_SECONDS": 0.3},
    "sentences cut at 1.0 s pauses": {"service.PAUSE_SECONDS": 1.0},
    "one decoder with every core": {"DECODERS": 1, "THREADS_PER_DECODER": CORES},
    "two threads per decoder": {"THREADS_PER_DECODER": 2},
    "batched from 60 s": {"BATCHED_FROM_SECONDS": 60.0},
    "batched from 60 s, 15 s chunks": {"BATCHED_FROM_SECONDS": 60.0, "BATCH_CHUNK_SECONDS": 15},
    "batched from 60 s, one stretch per chunk": {"BATCHED_FROM_SECONDS": 60.0, "BATCH_PACKS_STRETCHES": False},
}


def sweep(names: list[str], clips: int, long: bool, baseline: bool = True, repeat: int = 1) -> None:
    setup_django()
    from heritage.demo.content import GLOSSARY
    from media.decoding import load_pcm
    from media.transcription import engines, service
    from media.transcription.service import transcribe

    modules = {"": engines, "service.": service}

    def target(name: str):
        prefix, _, attribute = name.rpartition(".")
        return modules[prefix + "." if prefix else ""], attribute

    terms = [term for term, *_ in sorted(GLOSSARY, key=lambda g: -g[2])]
    errors = scorer()
    chosen = dev_clips()[:clips]
    folder = tempfile.TemporaryDirectory()
    if long:
        cases = [(long_file(Path(folder.name)), "".join(c["text"] for c in chosen))]
    else:
        cases = [(ASR_DEV / f"{c['id']}.flac", c["text"]) for c in chosen]
    touched = {name for label in names for name in SWEEP.get(label, {})}
    kept = {name: getattr(*target(name)) for name in touched}
    engines.get_engine("faster-whisper")  # loaded before any clip is timed
    engines.plain_model()
    loaded_with = {name: getattr(engines, name) for name in LOAD_SETTINGS}
    seconds_of_speech = sum(len(load_pcm(path)) / RATE for path, _ in cases)
    print(f"{len(cases)} {'file' if long else 'dev clips'}, {seconds_of_speech:.0f} s of audio")
    labels = [RAW, KEPT, *names] if baseline else names
    cer, times = {}, {label: [] for label in labels}
    if repeat == 1:
        print("| setting | CER dev | RTF |\n|---|---|---|", flush=True)
    # Rows take turns, round after round, so a slow minute of a shared machine falls on every
    # row alike; with --repeat the RTF is each row's median and its ratio to the raw median.
    for round_ in range(repeat):
        for label in labels:
            for name, value in {**kept, **SWEEP.get(label, {})}.items():
                setattr(*target(name), value)
            if {name: getattr(engines, name) for name in LOAD_SETTINGS} != loaded_with:
                engines._load.cache_clear()
                engines.get_engine("faster-whisper")
                loaded_with = {name: getattr(engines, name) for name in LOAD_SETTINGS}
            wrong = size = elapsed = 0.0
            for path, reference in cases:
                if label == RAW:
                    audio = load_pcm(path)
                    started = time.perf_counter()
                    said = engines.raw_baseline(audio)
                    elapsed += time.perf_counter() - started
                else:
                    result = transcribe(path, engine="faster-whisper", terms=terms)
                    said, elapsed = result.text, elapsed + result.elapsed_seconds
                w, s = errors(reference, said)
                wrong, size = wrong + w, size + s
            cer[label] = wrong / size * 100
            times[label].append(elapsed / seconds_of_speech)
            if repeat == 1:
                print(f"| {label} | {cer[label]:.1f} % | {times[label][0]:.3f} |", flush=True)
        if repeat > 1:
            print(f"round {round_ + 1}: " + ", ".join(f"{times[label][-1]:.3f}" for label in labels), flush=True)
    if repeat > 1:
        print(f"\n| setting | CER | RTF (median of {repeat}) | runs | RTF / raw |\n|---|---|---|---|---|")
        raw = statistics.median(times[RAW]) if RAW in times else None
        for label in labels:
            median = statistics.median(times[label])
            ratio = f"{median / raw:.2f}" if raw else "–"
            runs = " ".join(f"{t:.3f}" for t in times[label])
            print(f"| {label} | {cer[label]:.1f} % | {median:.3f} | {runs} | {ratio} |")
    else:
        print()
    folder.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("settings", nargs="*", help=f"settings to compare (default: all): {', '.join(SWEEP)}")
    parser.add_argument("--clips", type=int, default=15, help="use only the first N dev clips (bounded runs)")
    parser.add_argument("--long", action="store_true", help="the dev clips joined into one long file")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the raw and kept rows (CER is deterministic; RTF is not)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="run the rows N times in turn; RTF as medians")
    args = parser.parse_args()
    names = args.settings or list(SWEEP)
    unknown = [name for name in names if name not in SWEEP]
    if unknown:
        parser.error(f"unknown settings: {unknown}")
    sweep(names, args.clips, args.long, baseline=not args.no_baseline, repeat=max(1, args.repeat))


if __name__ == "__main__":
    main()

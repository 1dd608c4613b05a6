"""Decoding settings swept on the development set: CER and RTF, one setting changed at a time.

    nice -n 10 .venv/bin/python bench/asr_sweep.py                      # every setting, all 15 clips
    nice -n 10 .venv/bin/python bench/asr_sweep.py --clips 5 "beam 1"   # bounded: fewer clips, named settings

``transcribe`` with the demo glossary (what every job uses) on ``shared/asr-dev`` (FLEURS
Mandarin validation, Conneau et al. 2022, Google, CC BY 4.0; see its README), scored like
``bench/asr_real.py`` (corpus-level CER after its text rules). The first row is what
``media/transcription/engines.py`` uses now; the others change one setting each. The
machine is shared: compare rows of one run, and prefer a setting only where its CER is
lower by more than one clip's noise (a few characters in ~1,000).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from asr_real import ASR_DEV, dev_clips, scorer, setup_django  # noqa: E402

SWEEP = {
    "kept (engines.py)": {},
    "beam 1": {"BEAM_SIZE": 1},
    "beam 8, patience 1.5": {"BEAM_SIZE": 8, "PATIENCE": 1.5},
    "patience 2": {"PATIENCE": 2.0},
    "no temperature fallback": {"TEMPERATURES": (0.0,)},
    "VAD silence 500 ms, pad 200 ms": {"VAD_PARAMETERS": {"min_silence_duration_ms": 500, "speech_pad_ms": 200}},
    "VAD silence 2000 ms, pad 400 ms": {"VAD_PARAMETERS": {"min_silence_duration_ms": 2000, "speech_pad_ms": 400}},
    "VAD threshold 0.35": {
        "VAD_PARAMETERS": {"min_silence_duration_ms": 1000, "speech_pad_ms": 300, "threshold": 0.35}
    },
}


def sweep(names: list[str], clips: int) -> None:
    setup_django()
    from heritage.demo.content import GLOSSARY
    from media.transcription import engines
    from media.transcription.service import transcribe

    terms = [term for term, *_ in sorted(GLOSSARY, key=lambda g: -g[2])]
    errors = scorer()
    chosen = dev_clips()[:clips]
    kept = {name: getattr(engines, name) for name in ("BEAM_SIZE", "PATIENCE", "TEMPERATURES", "VAD_PARAMETERS")}
    print(f"{len(chosen)} dev clips, {sum(float(c['seconds']) for c in chosen):.0f} s of speech")
    print("| setting | CER dev | RTF short |\n|---|---|---|", flush=True)
    for label in names:
        for name, value in {**kept, **SWEEP[label]}.items():
            setattr(engines, name, value)
        wrong = size = elapsed = seconds = 0.0
        for clip in chosen:
            result = transcribe(ASR_DEV / f"{clip['id']}.flac", engine="faster-whisper", terms=terms)
            w, s = errors(clip["text"], result.text)
            wrong, size = wrong + w, size + s
            elapsed, seconds = elapsed + result.elapsed_seconds, seconds + result.audio_seconds
        print(f"| {label} | {wrong / size * 100:.1f} % | {elapsed / seconds:.3f} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("settings", nargs="*", help=f"settings to compare (default: all): {', '.join(SWEEP)}")
    parser.add_argument("--clips", type=int, default=15, help="use only the first N dev clips (bounded runs)")
    args = parser.parse_args()
    names = args.settings or list(SWEEP)
    unknown = [name for name in names if name not in SWEEP]
    if unknown:
        parser.error(f"unknown settings: {unknown}")
    if "kept (engines.py)" not in names:
        names = ["kept (engines.py)", *names]
    sweep(names, args.clips)


if __name__ == "__main__":
    main()

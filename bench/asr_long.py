"""Long recordings: speed and peak memory by length, against the raw faster-whisper baseline.

    .venv/bin/python bench/asr_long.py                 # 2.5, 10 and 30 minutes
    .venv/bin/python bench/asr_long.py --copies 1 4    # 2.5 and 10 minutes only

The recording is the real read clips of ``shared/asr-dev`` (FLEURS Mandarin validation,
Conneau et al. 2022, Google, CC BY 4.0) joined a second apart (2.5 minutes), repeated
``copies`` times. Each figure comes from a process of its own, so its peak memory (the most
resident memory seen, sampled every 0.1 s) is its own:
``transcribe`` (no glossary; the archive's decoders side by side) and the raw baseline (beam
5, no VAD, faster-whisper loaded plainly with every core). RTF = transcription seconds /
audio seconds, model loading apart. The machine is shared: compare within one run.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from asr_real import dev_clips, long_file, scorer, setup_django, write_wav  # noqa: E402

RATE = 16_000


def resident_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))


def measure(kind: str, path: Path, copies: int) -> dict:
    """In its own process: one transcription of ``path``, timed, with its peak memory."""
    setup_django()
    from media.decoding import load_pcm
    from media.transcription import engines
    from media.transcription.service import transcribe

    engines.plain_model() if kind == "raw" else engines.get_engine("faster-whisper")
    peak, done = [resident_mb()], threading.Event()

    def watch():
        while not done.wait(0.1):
            peak.append(resident_mb())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    audio = load_pcm(path)
    started = time.perf_counter()
    if kind == "raw":
        said = engines.raw_baseline(audio)
    else:
        said = transcribe(path, engine="faster-whisper").text
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    wrong, size = scorer()("".join(c["text"] for c in dev_clips()) * copies, said)
    return {
        "rtf": elapsed / (len(audio) / RATE),
        "cer": wrong / size,
        "peak_mb": max(peak),
        "minutes": len(audio) / RATE / 60,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 4, 12])
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, path, copies = args.measure
        print(json.dumps(measure(kind, Path(path), int(copies))))
        return
    setup_django()
    import numpy as np

    from media.decoding import load_pcm

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    columns = ["length", "raw RTF", "transcribe RTF", "RTF / raw", "CER raw", "CER transcribe"]
    columns += ["peak MB raw", "peak MB transcribe"]
    print("\n| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        one = load_pcm(long_file(Path(folder)))
        for copies in args.copies:
            path = write_wav(Path(folder) / f"joined-{copies}.wav", np.concatenate([one] * copies))
            row = {}
            for kind in ("raw", "transcribe"):
                command = [sys.executable, __file__, "--measure", kind, str(path), str(copies)]
                output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
                row[kind] = json.loads(output.strip().splitlines()[-1])
            raw, ours = row["raw"], row["transcribe"]
            print(
                f"| {ours['minutes']:.1f} min | {raw['rtf']:.3f} | {ours['rtf']:.3f} | {ours['rtf'] / raw['rtf']:.2f} "
                f"| {raw['cer']:.1%} | {ours['cer']:.1%} | {raw['peak_mb']} | {ours['peak_mb']} |",
                flush=True,
            )
    print(f"\nload average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

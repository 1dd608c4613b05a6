"""Whisper on this archive's Mandarin: speed, memory and character error rate, both engines.

    .venv/bin/python bench/transcription.py

Each engine runs in a fresh process (so peak memory is its own) on the same base
weights: a long-form file (the three demo recordings joined, about 110 s) for the
real-time factor, and the 20 demo sentences for the character error rate, with and
without the demo glossary. Prints a table; not a test.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AUDIO = ROOT / "heritage" / "demo" / "audio"
SLUGS = ["wang-xiuying-spicy-chicken", "zhang-deming-oil-mill", "li-guifen-married-into-libei"]
ENGINES = ["faster-whisper", "openai-whisper"]


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def join_recordings(target: Path) -> Path:
    """The demo recordings one after another, as one long 16 kHz WAV."""
    import av
    import numpy as np

    from media.decoding import load_pcm

    samples = np.concatenate([load_pcm(AUDIO / f"{slug}.ogg") for slug in SLUGS])
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    with av.open(str(target), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=16000, layout="mono")
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return target


def worker(engine: str, long_file: Path) -> dict:
    """Runs in its own process: everything measured for one engine."""
    setup_django()
    from heritage.demo.content import GLOSSARY
    from media.transcription.service import transcribe
    from media.transcription.text import character_error_rate

    terms = [term for term, *_ in sorted(GLOSSARY, key=lambda g: -g[2])]
    long_run = transcribe(long_file, engine=engine, terms=terms)
    report = {
        "engine": engine,
        "load_seconds": long_run.load_seconds,
        "audio_seconds": long_run.audio_seconds,
        "elapsed_seconds": long_run.elapsed_seconds,
    }
    for label, glossary in (("with", terms), ("without", [])):
        references, hypotheses = [], []
        for slug in SLUGS:
            script = json.loads((AUDIO / f"{slug}.json").read_text(encoding="utf-8"))
            references.append("".join(s["text"] for s in script["sentences"]))
            hypotheses.append(transcribe(AUDIO / f"{slug}.ogg", engine=engine, terms=glossary).text)
        report[f"cer_{label}"] = character_error_rate("".join(references), "".join(hypotheses))
        report[f"text_{label}"] = hypotheses
    report["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--long-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--show-text", action="store_true", help="print what each engine heard")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=ENGINES)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.long_file), ensure_ascii=False))
        return

    setup_django()
    from media.transcription import weights

    weights.assemble_base()
    weights.ensure_openai_checkpoint()
    with tempfile.TemporaryDirectory() as folder:
        long_file = join_recordings(Path(folder) / "long.wav")
        reports = []
        for engine in args.engines:
            output = subprocess.run(
                [sys.executable, __file__, "--worker", engine, "--long-file", str(long_file)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            reports.append(json.loads(output.strip().splitlines()[-1]))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"long-form audio: {reports[0]['audio_seconds']:.1f} s; CER over 20 sentences (t2s, no punctuation)")
    header = f"{'engine':<16}{'load s':>8}{'transcribe s':>14}{'RTF':>8}{'peak MB':>9}{'CER gloss':>11}{'CER none':>10}"
    print(header)
    for r in reports:
        rtf = r["elapsed_seconds"] / r["audio_seconds"]
        print(
            f"{r['engine']:<16}{r['load_seconds']:>8.2f}{r['elapsed_seconds']:>14.2f}{rtf:>8.3f}"
            f"{r['peak_rss_mb']:>9.0f}{r['cer_with'] * 100:>10.1f}%{r['cer_without'] * 100:>9.1f}%"
        )
    if len(reports) == 2:
        fast, slow = reports
        ratio = slow["elapsed_seconds"] / fast["elapsed_seconds"]
        print(f"openai-whisper / faster-whisper transcription time: {ratio:.1f}×")
    print("targets: faster-whisper RTF ≤ 0.12, peak ≤ 1024 MB, CER with glossary ≤ 5 %")
    if args.show_text:
        for r in reports:
            for label in ("with", "without"):
                print(f"\n{r['engine']} {label} glossary:")
                print("\n".join(r[f"text_{label}"]))


if __name__ == "__main__":
    main()

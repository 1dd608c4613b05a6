"""Transcription on real voices: CER, speed and memory against the raw faster-whisper baseline, one run.

    .venv/bin/python bench/asr_real.py [--parallel]   # the table (all five rows)
    .venv/bin/python bench/asr_sweep.py   # decoding settings on the development set

Rows: raw faster-whisper (beam 5, no VAD, no glossary: the baseline), ``transcribe`` without
the glossary, ``transcribe`` with the demo glossary (spelling rules, the default), the same with
the glossary also as a prompt where its sounds were heard (``TRANSCRIPTION_GLOSSARY_PROMPT``),
and openai-whisper through the same ``transcribe`` (same text rules, same glossary). Each row
runs in its own process, so its peak memory is its own. Columns:

- CER dev: the 15 real read clips of ``shared/asr-dev`` (FLEURS Mandarin validation,
  Conneau et al. 2022, Google, CC BY 4.0; see its README), corpus-level: edit distance
  over all reference characters, after t2s, punctuation and space removal, lower case and
  numbers written as spoken, on both sides (``text.normalise_for_scoring``); an inaudible
  marker counts as the words it stands for (a deletion).
- CER demo: the demo's own synthesised clips (in the glossary's domain).
- CER dev long: the dev clips joined into one file (2.5 min with the pauses): the long path.
- RTF short: transcription seconds / audio seconds over the dev clips (5–12 s each);
  RTF long: the joined file; model loading apart.
- lost: characters of the no-glossary output that the glossary output drops (on dev).

The machine is shared, so timings are noisy: compare rows of one run, as ratios.

The decoding settings themselves are chosen with ``bench/asr_sweep.py``.
"""

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ASR_DEV = ROOT.parent / "shared" / "asr-dev"
AUDIO = ROOT / "heritage" / "demo" / "audio"
SLUGS = ["wang-xiuying-spicy-chicken", "zhang-deming-oil-mill", "li-guifen-married-into-libei"]
ROWS = {
    "raw": "raw faster-whisper (beam 5, no VAD, no glossary)",
    "plain": "transcribe, no glossary",
    "glossary": "transcribe, demo glossary (spelling rules: the default)",
    "prompted": "transcribe, demo glossary, also as a prompt (TRANSCRIPTION_GLOSSARY_PROMPT)",
    "openai": "openai-whisper transcribe, demo glossary",
}
RATE = 16_000


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def dev_clips() -> list[dict]:
    with (ASR_DEV / "refs.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def demo_clips() -> list[tuple[Path, str]]:
    clips = []
    for slug in SLUGS:
        script = json.loads((AUDIO / f"{slug}.json").read_text(encoding="utf-8"))
        clips.append((AUDIO / f"{slug}.ogg", "".join(s["text"] for s in script["sentences"])))
    return clips


def write_wav(path: Path, samples) -> Path:
    import av
    import numpy as np

    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=RATE, layout="mono")
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = RATE
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def long_file(folder: Path) -> Path:
    """The dev clips one after another with a second of silence between: about 2 minutes of real speech."""
    import numpy as np

    from media.decoding import load_pcm

    pieces = []
    for clip in dev_clips():
        pieces += [load_pcm(ASR_DEV / f"{clip['id']}.flac"), np.zeros(RATE, dtype=np.float32)]
    return write_wav(folder / "asr-dev-joined.wav", np.concatenate(pieces))


def scorer():
    from media.transcription.leakage import INAUDIBLE
    from media.transcription.text import character_error_rate, normalise_for_scoring

    def errors(reference: str, hypothesis: str) -> tuple[float, int]:
        ref = normalise_for_scoring(reference)
        return character_error_rate(reference, hypothesis.replace(INAUDIBLE, "")) * len(ref), len(ref)

    return errors


def run_row(row: str, long_path: Path) -> dict:
    """Runs in its own process: every figure of one row."""
    if row == "prompted":
        os.environ["TRANSCRIPTION_GLOSSARY_PROMPT"] = "1"
    setup_django()
    from heritage.demo.content import GLOSSARY
    from media.transcription.engines import get_engine, plain_model, raw_baseline
    from media.transcription.service import transcribe

    glossary_rows = ("glossary", "prompted", "openai")
    terms = [term for term, *_ in sorted(GLOSSARY, key=lambda g: -g[2])] if row in glossary_rows else []
    engine = "openai-whisper" if row == "openai" else "faster-whisper"
    # Loaded before any clip is timed; the raw row loads faster-whisper its plain way only.
    plain_model() if row == "raw" else get_engine(engine)

    def hear(path: Path) -> tuple[str, float, int]:
        """(text, transcription seconds, segments re-heard without the prompt)."""
        if row == "raw":
            from media.decoding import load_pcm

            audio = load_pcm(path)
            started = time.perf_counter()
            text = raw_baseline(audio)
            return text, time.perf_counter() - started, 0
        result = transcribe(path, engine=engine, terms=terms)
        return result.text, result.elapsed_seconds, len(result.reheard)

    errors = scorer()
    report: dict = {"row": row, "dev_text": {}, "reheard": 0}
    totals = {"dev": [0.0, 0], "demo": [0.0, 0]}
    short_elapsed = short_audio = 0.0
    for clip in dev_clips():
        text, elapsed, reheard = hear(ASR_DEV / f"{clip['id']}.flac")
        report["dev_text"][clip["id"]] = text
        report["reheard"] += reheard
        wrong, size = errors(clip["text"], text)
        totals["dev"][0] += wrong
        totals["dev"][1] += size
        short_elapsed += elapsed
        short_audio += float(clip["seconds"])
    for path, reference in demo_clips():
        text, _, reheard = hear(path)
        report["reheard"] += reheard
        wrong, size = errors(reference, text)
        totals["demo"][0] += wrong
        totals["demo"][1] += size
    long_text, long_elapsed, _ = hear(long_path)
    long_wrong, long_size = errors("".join(c["text"] for c in dev_clips()), long_text)
    from media.decoding import load_pcm

    report.update(
        cer_dev=totals["dev"][0] / totals["dev"][1],
        cer_demo=totals["demo"][0] / totals["demo"][1],
        cer_long=long_wrong / long_size,
        rtf_short=short_elapsed / short_audio,
        rtf_long=long_elapsed / (len(load_pcm(long_path)) / RATE),
        peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    return report


def lost_characters(plain: dict, glossary: dict) -> int:
    """Characters the no-glossary decode wrote that the glossary decode drops (never replaced)."""
    from media.transcription.text import normalise_for_scoring

    lost = 0
    for clip, text in plain.items():
        a, b = normalise_for_scoring(text), normalise_for_scoring(glossary.get(clip, ""))
        lost += sum(
            i2 - i1 for op, i1, i2, _, _ in SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op == "delete"
        )
    return lost


def rows_in_processes(rows: list[str], long_path: Path, parallel: bool) -> list[dict]:
    """Each row in its own process; ``parallel`` starts them together (same load on each, less wall time)."""
    command = [sys.executable, __file__, "--long-file", str(long_path), "--row"]
    if parallel:
        running = [subprocess.Popen([*command, row], stdout=subprocess.PIPE, text=True) for row in rows]
        outputs = [process.communicate()[0] for process in running]
    else:
        outputs = [
            subprocess.run([*command, row], check=True, stdout=subprocess.PIPE, text=True).stdout for row in rows
        ]
    return [json.loads(output.strip().splitlines()[-1]) for output in outputs]


def _load() -> str:
    return ", ".join(f"{n:.1f}" for n in os.getloadavg())


def table(reports: list[dict], started_load: str) -> None:
    base = next((r for r in reports if r["row"] == "raw"), reports[0])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}")
    print("dev = shared/asr-dev, 15 real read clips, 2.1 min (FLEURS cmn_hans_cn validation, CC BY 4.0);")
    print("demo = the 3 synthesised demo recordings (1.8 min); long = the dev clips joined, 1 s apart (2.5 min)")
    print(f"load average (1, 5, 15 min) at start {started_load}, at end {_load()}")
    print()
    print(
        "| | CER dev short | CER dev long | CER demo | CER dev / raw | CER long / raw | RTF short | RTF long "
        "| RTF short / raw | RTF long / raw | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in reports:
        print(
            f"| {ROWS[r['row']]} | {r['cer_dev'] * 100:.1f} % | {r['cer_long'] * 100:.1f} % "
            f"| {r['cer_demo'] * 100:.1f} % | {r['cer_dev'] / base['cer_dev']:.2f} "
            f"| {r['cer_long'] / base['cer_long']:.2f} | {r['rtf_short']:.3f} | {r['rtf_long']:.3f} "
            f"| {r['rtf_short'] / base['rtf_short']:.2f} | {r['rtf_long'] / base['rtf_long']:.2f} "
            f"| {r['peak_mb']:.0f} |"
        )
    by_row = {r["row"]: r for r in reports}
    for row in ("glossary", "prompted"):
        if "plain" in by_row and row in by_row:
            lost = lost_characters(by_row["plain"]["dev_text"], by_row[row]["dev_text"])
            print(
                f"\n{row} row: {by_row[row]['reheard']} segments re-heard without the prompt; "
                f"{lost} characters of the no-glossary dev output missing from its output"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--row", choices=ROWS, help=argparse.SUPPRESS)
    parser.add_argument("--long-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rows", nargs="+", choices=ROWS, default=list(ROWS))
    parser.add_argument("--parallel", action="store_true", help="run the rows at the same time")
    args = parser.parse_args()
    if args.row:
        report = run_row(args.row, args.long_file)
        print(json.dumps(report, ensure_ascii=False), flush=True)
        # Also on stderr, so a row that finishes is on record even if another never does.
        sys.stderr.write(json.dumps(report, ensure_ascii=False) + "\n")
        return
    setup_django()
    from media.transcription import weights

    weights.assemble_base()
    if "openai" in args.rows:
        weights.ensure_openai_checkpoint()
    started_load = _load()
    with tempfile.TemporaryDirectory() as folder:
        path = long_file(Path(folder))
        reports = rows_in_processes(args.rows, path, args.parallel)
    table(reports, started_load)


if __name__ == "__main__":
    main()

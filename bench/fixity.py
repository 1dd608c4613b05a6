"""How fast the fixity audit re-hashes the archive on this machine.

    .venv/bin/python bench/fixity.py [--megabytes 256] [--files 8]

Writes random files into a throw-away data folder (SQLite, DEBUG off) and prints a table:
streaming sha256 / sha1 / sha512 alone (media.fixity.hash_file, 1 MiB chunks), then the
whole audit (``run_audit``: every recording's original and derivative, the audit rows)
over ``--files`` recordings of ``--megabytes`` in all. The files were just written, so
they are read from the page cache: the figures are the CPU's hashing rate, an upper
bound for a disk-bound archive. Not a test.
"""

import argparse
import hashlib
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATA_DIR": tempfile.mkdtemp(prefix="libei-fixity-bench-"),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only",
        "LOG_LEVEL": "WARNING",
    }
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from media.fixity import hash_file, run_audit  # noqa: E402
from media.models import AudioRecording  # noqa: E402


def write_recordings(total_mb: int, files: int) -> int:
    """``files`` recordings (original + a derivative a quarter its size) of ``total_mb`` in all."""
    root = Path(settings.MEDIA_ROOT)
    written = 0
    per_file = total_mb * 1024**2 // files
    for n in range(files):
        original = os.urandom(per_file * 4 // 5)
        derivative = os.urandom(per_file // 5)
        folder = root / "recordings" / f"{n:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "original.ogg").write_bytes(original)
        (folder / "derivative.flac").write_bytes(derivative)
        written += len(original) + len(derivative)
        AudioRecording.objects.create(
            title=f"录音 {n}",
            original=f"recordings/{n:02d}/original.ogg",
            original_filename="original.ogg",
            sha256=hashlib.sha256(original).hexdigest(),
            size_bytes=len(original),
            container="ogg",
            codec="opus",
            channels=1,
            sample_rate=48_000,
            duration=60.0,
            peak_dbfs=-3.0,
            derivative=f"recordings/{n:02d}/derivative.flac",
            derivative_sha256=hashlib.sha256(derivative).hexdigest(),
        )
    return written


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=256)
    parser.add_argument("--files", type=int, default=8)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    size = write_recordings(args.megabytes, args.files)
    sample = next(Path(settings.MEDIA_ROOT).rglob("original.ogg"))
    sample_mb = sample.stat().st_size / 1024**2
    rows = []
    for algorithm in ("sha256", "sha1", "sha512"):
        hash_file(sample, algorithm)  # warm the page cache
        seconds = min(timed(lambda a=algorithm: hash_file(sample, a)) for _ in range(3))
        rows.append((f"hash_file {algorithm}, one file", sample_mb, seconds))
    audit_seconds = []
    for _ in range(3):
        audit_seconds.append(timed(lambda: run_audit()))
    rows.append((f"run_audit, {args.files} originals + {args.files} derivatives", size / 1024**2, min(audit_seconds)))

    print(f"fixity hashing on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(f"| {'measure':<44} | {'MB':>7} | {'seconds':>8} | {'MB/s':>7} |")
    print(f"|{'-' * 46}|{'-' * 9}|{'-' * 10}|{'-' * 9}|")
    for name, megabytes, seconds in rows:
        print(f"| {name:<44} | {megabytes:7.1f} | {seconds:8.3f} | {megabytes / seconds:7.1f} |")


if __name__ == "__main__":
    main()

"""The demo's impact report (report.pdf + report.csv): how long a facilitator waits for it.

    .venv/bin/python bench/impact_report.py [--runs 5] [--data-dir DIR]

Without --data-dir it builds the demo (archive, kit, ledger season) in a temporary data
folder first (a few minutes). Each run times the queries, the figures and the two files
apart, as wall-clock and as this process's CPU time: on a shared machine the CPU time is
what the report costs, the wall time what this machine gave it. The first run also pays
for importing WeasyPrint and is shown apart. Target: under 3 s. Not a test.
"""

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SECONDS = 3.0


def _clock():
    return time.perf_counter(), time.process_time()


def _since(start):
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, help="a data folder that already holds the demo")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="libei-report-bench-"))
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from ledger.metrics import build_report
    from ledger.queries import report_facts
    from ledger.report.files import write_csv, write_pdf

    if not args.data_dir:
        models = ROOT / "var" / "models"
        if models.exists():
            (data_dir / "models").symlink_to(models)
        print(f"building the demo in {data_dir} …", file=sys.stderr)
        call_command("migrate", verbosity=0)
        for command in ("load_demo", "load_demo_kit", "load_demo_ledger"):
            call_command(command, stdout=io.StringIO())

    until = timezone.localdate()
    since = until.replace(year=until.year - 1)
    out = Path(tempfile.mkdtemp(prefix="libei-report-"))
    rows = []
    for run in range(args.runs + 1):
        start = _clock()
        facts = report_facts(since, until)
        queries = _since(start)
        report = build_report(facts)
        figures = _since(start)
        write_pdf(report, out / "report.pdf")
        pdf = _since(start)
        write_csv(report, out / "report.csv")
        total = _since(start)
        rows.append((run, queries, figures, pdf, total))

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\nImpact report of the demo · {machine}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (wall times stretch with it; CPU times do not)\n")
    print(f"{'run':>5} | {'queries':>13} | {'+ figures':>13} | {'+ PDF':>13} | {'total (+CSV)':>13}")
    print(f"{'':>5} | {'wall / cpu s':>13} | {'wall / cpu s':>13} | {'wall / cpu s':>13} | {'wall / cpu s':>13}")
    for run, *steps in rows:
        label = "cold" if run == 0 else str(run)
        print(f"{label:>5} | " + " | ".join(f"{w:6.2f}/{c:6.2f}" for w, c in steps))
    warm = rows[1:]
    wall = statistics.median(r[4][0] for r in warm)
    cpu = statistics.median(r[4][1] for r in warm)
    print(f"\nmedian of {len(warm)} warm runs: {wall:.2f} s wall, {cpu:.2f} s CPU; target {TARGET_SECONDS:.0f} s")


if __name__ == "__main__":
    main()

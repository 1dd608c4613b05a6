"""Kit export at workshop scale: 12 photos (3000 × 2000 JPEG) and 20 quotes, one zip.

    .venv/bin/python bench/kit_export.py [--runs 5] [--photos 12] [--snippets 20]

Makes the photos once (seeded), then times `write_bundle` several times and prints each
step's time per run, with the median and the spread; the first run also pays for
importing WeasyPrint and is shown apart. Target: ≤ 5 s on a 2-core machine. Not a test.
"""

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stories.export.content import Photo  # noqa: E402
from tests.stories.export.kit import make_kit, make_photo  # noqa: E402

TARGET_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--snippets", type=int, default=20)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="libei-kit-bench-"))
    started = time.perf_counter()
    photos = tuple(
        Photo(
            make_photo(folder / f"photo{i:02d}.jpg", (3000, 2000), seed=i),
            f"照片 {i + 1}",
            focal_box=(1200, 600, 2000, 1400) if i % 3 == 0 else None,
            role="main" if i < 4 else "detail",
        )
        for i in range(args.photos)
    )
    kit = make_kit(photos, snippets=args.snippets)
    print(f"{args.photos} photos 3000×2000 made in {time.perf_counter() - started:.1f} s (not timed below)")

    from stories.export.bundle import write_bundle

    reports = [write_bundle(kit, folder / "kit.zip") for _ in range(args.runs)]
    steps = list(reports[0].timings)
    print(f"\nwrite_bundle, {args.runs} runs on {platform.machine()} ({platform.python_version()}), seconds")
    header = f"{'step':<18}" + "".join(f"{'run ' + str(i + 1):>8}" for i in range(args.runs))
    warm = reports[1:] or reports
    print(header + f"{'median':>9}{'min':>7}{'max':>7}  (median/min/max over warm runs 2–{args.runs})")
    for step in steps:
        values = [r.timings[step] for r in reports]
        warm_values = [r.timings[step] for r in warm]
        print(
            f"{step:<18}"
            + "".join(f"{v:8.2f}" for v in values)
            + f"{statistics.median(warm_values):9.2f}{min(warm_values):7.2f}{max(warm_values):7.2f}"
        )
    report = reports[-1]
    print(
        f"\n{len(report.files)} files, {len(report.images)} platform images, zip {report.bytes / 1e6:.1f} MB; "
        f"label {report.label.pages} pages; target ≤ {TARGET_SECONDS:.0f} s: "
        + ("met" if statistics.median(r.timings["total"] for r in warm) <= TARGET_SECONDS else "NOT met")
    )


if __name__ == "__main__":
    main()

"""Kit export through the archive, as `export_kit` and the download button run it.

    .venv/bin/python bench/kit_export_archive.py [--runs 3]

Builds a fresh archive in a temporary DATA_DIR (migrate, the demo, its kit), grows the
demo kit to 12 photos (3000 × 2000 JPEG) and 20 snippets, publishes it, then times
`export_kit(kit, rebuild=True)`: reading the approved revision, consent, credits and
pointers from the database, then writing the zip. Target: ≤ 5 s on 2 cores. Not a test.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATA_DIR": tempfile.mkdtemp(prefix="libei-kit-bench-"),
        "LOG_LEVEL": "WARNING",
        "TRANSCRIBE_ON_UPLOAD": "0",
        "TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
)

import django  # noqa: E402

django.setup()

from django.core.files.images import ImageFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

from heritage.models import HeritageImage, OralHistoryPage, User  # noqa: E402
from stories import snippets  # noqa: E402
from stories.exporting import export_kit, kit_content  # noqa: E402
from stories.models import KitPhoto, KitSnippet  # noqa: E402
from tests.stories.export.kit import make_photo  # noqa: E402

TARGET_SECONDS = 5.0


def grow_demo_kit(photos: int, quotes: int):
    from stories.demo import KIT_SLUG
    from stories.models import BrandKit

    kit = BrandKit.objects.get(slug=KIT_SLUG)
    admin = User.objects.get(username="admin")
    oral = OralHistoryPage.objects.get(slug="wang-xiuying-spicy-chicken")
    segments = list(oral.segments)
    folder = Path(tempfile.mkdtemp(prefix="libei-kit-photos-"))
    links = []
    for n in range(quotes):
        segment = segments[n % len(segments)]
        links.append(KitSnippet(snippet=snippets.from_segments(oral.pk, segment.pk, segment.pk, admin), sort_order=n))
    images = []
    for n in range(photos):
        path = make_photo(folder / f"photo{n:02d}.jpg", (3000, 2000), seed=n)
        image = HeritageImage(title=f"照片 {n + 1}")
        with path.open("rb") as stream:
            image.file = ImageFile(stream, name=path.name)
            image.save()
        images.append(KitPhoto(image=image, role="main" if n < 4 else "detail", sort_order=n))
    kit.kit_snippets = links
    kit.kit_photos = images
    kit.save_revision(user=admin).publish(user=admin)
    kit.refresh_from_db()
    return kit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--snippets", type=int, default=20)
    args = parser.parse_args()

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    call_command("load_demo_kit", stdout=open(os.devnull, "w"))
    kit = grow_demo_kit(args.photos, args.snippets)
    built = time.perf_counter() - started
    print(f"archive with a {args.photos}-photo, {args.snippets}-snippet kit built in {built:.0f} s")

    content_times, export_times = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        kit_content(kit)
        content_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        export_kit(kit, rebuild=True)
        export_times.append(time.perf_counter() - t0)
    machine = f"{platform.machine()} ({os.cpu_count()} cores, Python {platform.python_version()})"
    print(f"\nexport_kit, {args.runs} runs on {machine}")
    print(f"{'step':<34}" + "".join(f"{'run ' + str(i + 1):>8}" for i in range(args.runs)) + f"{'median':>9}")
    for label, values in (
        ("revision → content (database)", content_times),
        ("export_kit total (content + zip)", export_times),
    ):
        print(f"{label:<34}" + "".join(f"{v:8.2f}" for v in values) + f"{statistics.median(values):9.2f}")
    warm = export_times[1:] or export_times
    verdict = "met" if statistics.median(warm) <= TARGET_SECONDS else "NOT met"
    print(f"\ntarget ≤ {TARGET_SECONDS:.0f} s (median of warm runs {statistics.median(warm):.2f} s): {verdict}")


if __name__ == "__main__":
    main()

"""Server time and weight of a public oral-history page with a 200-segment transcript.

    .venv/bin/python bench/oral_history_page.py [--requests 300]

Builds a throw-away archive in a temporary data folder (SQLite, DEBUG off), then
requests the page as an anonymous visitor through Django's full stack (middleware,
routing, consent check, templates) and prints a table. Not a test.
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
        "DATA_DIR": tempfile.mkdtemp(prefix="libei-bench-"),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "testserver,localhost",
        "LOG_LEVEL": "WARNING",
    }
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

SEGMENT_TEXT = "外婆说，辣子鸡好不好吃，全看糍粑辣椒，干辣椒先用温水泡软，再和生姜、大蒜一起舂。"


def build_page(segments: int):
    from heritage.demo.loader import AUDIO_DIR
    from media.ingest import ingest
    from tests import factories as f

    _, index = f.site_tree()
    with (AUDIO_DIR / "wang-xiuying-spicy-chicken.ogg").open("rb") as stream:
        recording = ingest(stream, "wang.ogg", "外婆教我做阳朗辣子鸡")
    f.transcript(recording, [f"{n + 1}. {SEGMENT_TEXT}" for n in range(segments)], seconds=4.0)
    return f.item(index, narrators=[f.full_consent("王秀英")], recording=recording, title="外婆教我做阳朗辣子鸡")


def page_weight(html: bytes) -> dict[str, int]:
    import re

    from django.contrib.staticfiles import finders

    weights = {"html": len(html)}
    for url in re.findall(rb'(?:href|src)="/static/([^"]+)"', html):
        weights[url.decode()] = Path(finders.find(url.decode())).stat().st_size
    return weights


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--segments", type=int, default=200)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    page = build_page(args.segments)
    client = Client()
    first = client.get(page.url)
    assert first.status_code == 200 and first.content.count(b"data-start=") == args.segments
    for _ in range(20):
        client.get(page.url)
    times = []
    for _ in range(args.requests):
        start = time.perf_counter()
        response = client.get(page.url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    weights = page_weight(first.content)
    p95 = times[int(len(times) * 0.95) - 1]

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"oral-history page, {args.segments} transcript segments, anonymous visitor, {args.requests} requests")
    print(f"{'measure':<34}{'value':>12}{'target':>12}")
    print(f"{'server time p50 (ms)':<34}{statistics.median(times):>12.1f}")
    print(f"{'server time p95 (ms)':<34}{p95:>12.1f}{'< 50':>12}")
    print(f"{'server time max (ms)':<34}{times[-1]:>12.1f}")
    for name, size in weights.items():
        print(f"{'weight: ' + name:<34}{size / 1024:>12.1f}")
    print(f"{'page weight before audio (KB)':<34}{sum(weights.values()) / 1024:>12.1f}{'< 300':>12}")


if __name__ == "__main__":
    main()

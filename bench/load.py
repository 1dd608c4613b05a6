"""Load on the served stack (issue 12): many visitors at once, loopback only, bounded.

    .venv/bin/python bench/load.py grow [--oral-histories 200]      (in the server's environment)
    .venv/bin/python bench/load.py run --base http://127.0.0.1:PORT [--seconds 60] [--concurrency 50]

``grow`` (Django set up from the environment: DATA_DIR, DATABASE_URL) copies the demo's
oral histories until the archive holds 200, queues one transcription job for the worker,
and writes the addresses to visit to ``$DATA_DIR/bench-urls.json``. ``run`` sends a mix
(mostly the kit story page, then home, archive index with filters, oral-history pages,
search and audio Range requests) with ``--concurrency`` clients for ``--seconds``, and
prints requests/s, p50/p95/p99 and errors per page. ``tools/bench_stack.sh`` starts the
stack (gunicorn + SQLite, or nginx + gunicorn + PostgreSQL), grows it and runs this.

The client is the standard library's asyncio (one connection per request, as phones
scanning a QR code open one): no package to install, and it refuses any address that is
not loopback. Not a test; the numbers depend on what else the machine is doing.
"""

import argparse
import asyncio
import ipaddress
import json
import os
import random
import socket
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
URLS_FILE = "bench-urls.json"

# What a crowd opens: mostly the QR page on the jar (issue 12), the rest of the site around it.
MIX = [("kit", 50), ("home", 15), ("oral_history", 12), ("index", 8), ("search", 8), ("audio", 7)]


def grow(oral_histories: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction

    from heritage.consent import Purpose, permitted
    from heritage.models import HeritageIndexPage, OralHistoryPage, Theme
    from media.tasks import start_transcription
    from stories.models import BrandKit

    originals = list(OralHistoryPage.objects.live().order_by("pk"))
    if not originals:
        raise SystemExit("先运行 load_demo（no demo archive: run manage.py load_demo first）")
    serial = 0
    while OralHistoryPage.objects.count() < oral_histories:
        source = originals[serial % len(originals)]
        serial += 1
        with transaction.atomic():
            source.copy(
                update_attrs={"slug": f"{source.slug}-bench-{serial}", "title": f"{source.title}（{serial}）"},
                keep_live=True,
                log_action=None,
            )
    start_transcription(originals[0].recording)
    index = HeritageIndexPage.objects.live().first()
    # Only what a visitor may open: copies of a withdrawn narrator's story answer 404 (the gate),
    # which the report would count as errors.
    pages = list(permitted(OralHistoryPage.objects.live(), Purpose.VIEW, None))
    urls = {
        "kit": [f"/kits/{kit.slug}/" for kit in BrandKit.objects.filter(live=True)],
        "home": ["/"],
        "index": [index.url]
        + [f"{index.url}?theme={theme.slug}" for theme in Theme.objects.all()]
        + [f"{index.url}?kind=oral_history&decade=1970"],
        "oral_history": [page.url for page in pages],
        "search": [f"/search/?q={quote(q)}" for q in ("辣子鸡", "糍粑辣椒", "赶场", "外婆", "lazi ji")],
        "audio": [f"/archive-audio/{page.pk}/derivative/" for page in pages if page.recording_id],
    }
    path = Path(settings.DATA_DIR) / URLS_FILE
    path.write_text(json.dumps(urls, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{OralHistoryPage.objects.count()} oral histories; addresses in {path}")


def loopback_only(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    host = parts.hostname or ""
    address = socket.gethostbyname(host)
    if not ipaddress.ip_address(address).is_loopback:
        raise SystemExit(f"只对本机测压（loopback only）: {host} is {address}")
    return address, parts.port or 80


async def fetch(address: str, port: int, path: str, ranged: bool) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection(address, port)
    try:
        extra = "Range: bytes=0-65535\r\n" if ranged else ""
        writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}\r\n".encode())
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, len(data)


async def visitor(address, port, urls, deadline, results, rng, only=None):
    kinds = [kind for kind, _ in MIX if urls.get(kind) and (only is None or kind in only)]
    weights = [weight for kind, weight in MIX if kind in kinds]
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        path = rng.choice(urls[kind])
        started = time.perf_counter()
        try:
            status, _size = await asyncio.wait_for(fetch(address, port, path, kind == "audio"), timeout=30)
        except (TimeoutError, OSError, ValueError, IndexError):
            status = 0
        results[kind].append((time.perf_counter() - started, status))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(results: dict, seconds: float) -> None:
    print(f"{'page':<14}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    total = 0
    for kind, _weight in MIX:
        rows = results.get(kind, [])
        if not rows:
            continue
        times = [t * 1000 for t, _ in rows]
        # 206 for audio Range requests; a 404 counts as an error too (the mix only asks for what is public).
        errors = sum(1 for _, status in rows if status not in (200, 206))
        total += len(rows)
        p50, p95, p99 = (percentile(times, s) for s in (0.5, 0.95, 0.99))
        print(f"{kind:<14}{len(rows):>10}{len(rows) / seconds:>9.1f}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}{errors:>8}")
    print(f"{'all':<14}{total:>10}{total / seconds:>9.1f}")
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


async def run(base: str, seconds: float, concurrency: int, urls_file: Path, seed: int, only=None) -> None:
    address, port = loopback_only(base)
    urls = json.loads(urls_file.read_text(encoding="utf-8"))
    results: dict[str, list] = defaultdict(list)
    deadline = time.monotonic() + seconds
    rngs = [random.Random(seed + n) for n in range(concurrency)]
    started = time.monotonic()
    await asyncio.gather(*(visitor(address, port, urls, deadline, results, rng, only) for rng in rngs))
    report(results, time.monotonic() - started)
    median = statistics.median([t for rows in results.values() for t, _ in rows] or [0]) * 1000
    print(f"{concurrency} concurrent visitors for {seconds:.0f} s against {base}; median of all {median:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    grow_parser = commands.add_parser("grow")
    grow_parser.add_argument("--oral-histories", type=int, default=200)
    run_parser = commands.add_parser("run")
    run_parser.add_argument("--base", required=True)
    run_parser.add_argument("--seconds", type=float, default=60)
    run_parser.add_argument("--concurrency", type=int, default=50)
    run_parser.add_argument("--urls", type=Path, default=None)
    run_parser.add_argument("--seed", type=int, default=1)
    run_parser.add_argument(
        "--only", default=None, help="comma-separated kinds of page to ask for (e.g. kit,home); default the whole mix"
    )
    options = parser.parse_args()
    if options.command == "grow":
        grow(options.oral_histories)
        return
    # Bounded: at most 10 minutes and 200 visitors, whatever is asked.
    seconds, concurrency = min(options.seconds, 600), min(options.concurrency, 200)
    urls_file = options.urls or Path(os.environ.get("DATA_DIR", ROOT / "var")) / URLS_FILE
    only = set(options.only.split(",")) if options.only else None
    asyncio.run(run(options.base, seconds, concurrency, urls_file, options.seed, only))


if __name__ == "__main__":
    main()

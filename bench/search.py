"""Embedded search at archive scale: 100,000 transcript segments (and their stories) on this machine.

    .venv/bin/python bench/search.py [--segments 100000] [--database-url postgres://…]

Generates segments from the demo sentences and a vocabulary of village words (seeded,
so every run indexes the same text), rebuilds the index in a throw-away SQLite
database (or in the PostgreSQL database named, which should be a throw-away one too:
`tools/postgres_for_tests.sh start DIR` prints one), then times one- and two-word
queries as the search page runs them: ranked, with highlighted excerpts, total and
facet counts, and title suggestions as they are typed (characters and pinyin). Prints a
table; not a test.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--segments", type=int, default=100_000)
parser.add_argument("--repeat", type=int, default=30)
parser.add_argument("--database-url", default="", help="PostgreSQL to measure instead of SQLite")
parser.add_argument(
    "--excluded",
    type=int,
    default=2,
    help="narrators lacking consent at query time (of 8 with stories, plus 20 without): 0 measures no exclusion",
)
ARGS = parser.parse_args()
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATA_DIR": tempfile.mkdtemp(prefix="libei-search-bench-"),
        "LOG_LEVEL": "WARNING",
    }
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from search.backends.embedded import EmbeddedBackend  # noqa: E402
from search.documents import Query, SearchDocument  # noqa: E402

WORDS = (
    "外婆 奶奶 婆婆 妈妈 辣椒 糍粑辣椒 辣子鸡 土鸡 菜籽油 石臼 生姜 大蒜 花椒 赶场 油坊 过年 腊月 网店 快递 "
    "玻璃瓶 顾客 好评 阳朗 息烽 立碑村 山路 柴火 铁锅 小火 慢慢地炒 一大锅 亲戚 朋友 孙子 手艺 味道 记得 那时候 "
    "我们 村里 每年 秋天 冬天 年轻人 老人 淘宝 直播 包装 标签 故事"
).split()
NARRATORS = ["王秀英", "张德明", "李桂芬", "陈光荣", "刘玉兰", "杨德芳", "周永福", "吴春梅"]
THEMES = ["辣子鸡工艺", "节庆", "家族", "村史", "电商"]
AUDIENCES = [["public", "community", "facilitator"], ["community", "facilitator"], ["facilitator"]]
# A Chinese "word" (词) is usually two characters; single characters and pinyin are
# measured apart: they match far more of this dense synthetic text than words do.
QUERIES = {
    "one word": ["辣椒", "外婆", "赶场", "网店", "油坊", "石臼"],
    "two words": ["外婆 辣椒", "阳朗 辣子鸡", "过年 一大锅", "菜籽油 油坊", "taobao 网店", "石臼 生姜"],
    "one character": ["鸡", "油", "村"],
    "pinyin": ["lazi ji", "waipo", "ganchang"],
}


def sentences() -> list[str]:
    found = []
    for path in sorted((ROOT / "heritage" / "demo" / "audio").glob("*.json")):
        found += [s["text"] for s in json.loads(path.read_text(encoding="utf-8"))["sentences"]]
    return found


# Suggestions complete item titles as they are typed: characters, and pinyin whole or in syllables.
PREFIXES = ["外", "外婆", "李桂", "辣子鸡", "l", "li", "ligui", "li gui fen", "lazi"]


def generate(count: int):
    rng = random.Random(20261129)
    base = sentences()
    for n in range(count):
        story = n // 200
        if n % 200 == 0:  # the story itself: an item with a title suggestions complete
            yield SearchDocument(
                key=f"page:{story}/",
                kind="oral_history",
                title=f"{NARRATORS[story % len(NARRATORS)]}讲{rng.choice(WORDS)}",
                body="，".join(rng.sample(WORDS, 8)) + "。",
                url=f"/archive/story-{story}/",
                audiences=AUDIENCES[story % 3],
                narrators=[NARRATORS[story % len(NARRATORS)]],
                subjects=[str(story % len(NARRATORS))],
            )
        text = rng.choice(base) if rng.random() < 0.3 else "，".join(rng.sample(WORDS, 5)) + "。"
        yield SearchDocument(
            key=f"page:{story}/seg:{n}",
            kind="segment",
            title=f"口述历史第{story}号",
            body=text,
            url=f"/archive/story-{story}/?t={n % 200 * 4}",
            audiences=AUDIENCES[story % 3],
            narrators=[NARRATORS[story % len(NARRATORS)]],
            subjects=[str(story % len(NARRATORS))],
            villages=["立碑村" if story % 4 else "阳朗"],
            themes=[THEMES[story % len(THEMES)]],
            tags=[rng.choice(WORDS)],
            decade=1950 + 10 * (story % 7),
            start=float(n % 200 * 4),
            end=float(n % 200 * 4 + 3.5),
        )


def main():
    args = ARGS
    call_command("migrate", verbosity=0)
    backend = EmbeddedBackend()

    started = time.perf_counter()
    written = backend.rebuild(generate(args.segments))
    indexing = time.perf_counter() - started

    # What heritage.consent.excluded_search_subjects answers: a few narrators with stories
    # who withdrew, and narrators without any (never asked, or archive only) beside them.
    without_stories = [str(100 + n) for n in range(20)] if args.excluded else []
    excluded = frozenset([str(n) for n in range(args.excluded)] + without_stories)
    rows = []
    for label, queries in QUERIES.items():
        for audience in ("public", "facilitator"):
            times, totals = [], []
            for _ in range(args.repeat):
                for text in queries:
                    begin = time.perf_counter()
                    results = backend.search(Query(text, audience, excluded_subjects=excluded))
                    times.append((time.perf_counter() - begin) * 1000)
                    totals.append(results.total)
                    assert results.hits and all(h.excerpt for h in results.hits)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            rows.append((f"{label}, {audience}", statistics.median(times), p95, statistics.mean(totals)))

    suggestion_rows = []
    for audience in ("public", "facilitator"):
        times, found = [], []
        for _ in range(args.repeat):
            for prefix in PREFIXES:
                begin = time.perf_counter()
                suggestions = backend.suggest(prefix, audience, excluded=excluded)
                times.append((time.perf_counter() - begin) * 1000)
                found.append(len(suggestions))
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        suggestion_rows.append((f"suggestions, {audience}", statistics.median(times), p95, statistics.mean(found)))

    database = connection.vendor
    if database == "postgresql":
        database += f" {connection.cursor().connection.info.server_version // 10000}"
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {database}")
    print(f"indexed {written} segments in {indexing:.1f} s: {written / indexing:,.0f} segments/s (target ≥ 2,000)")
    print(f"{'queries (ranked, highlighted, faceted)':<40}{'p50 ms':>9}{'p95 ms':>9}{'mean hits':>11}")
    for label, p50, p95, hits in rows:
        print(f"{label:<40}{p50:>9.1f}{p95:>9.1f}{hits:>11,.0f}")
    print("target: p95 ≤ 30 ms for one- and two-word queries")
    heading = f"suggestions ({len(PREFIXES)} prefixes, 8 at most)"
    print(f"{heading:<40}{'p50 ms':>9}{'p95 ms':>9}{'mean found':>11}")
    for label, p50, p95, found in suggestion_rows:
        print(f"{label:<40}{p50:>9.1f}{p95:>9.1f}{found:>11,.1f}")
    print(f"public: a visitor (a third of the stories); facilitator: all {written:,} segments")
    print(f"excluded at query time: {len(excluded)} subjects ({args.excluded} of the {len(NARRATORS)} narrators)")


if __name__ == "__main__":
    main()

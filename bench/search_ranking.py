"""Search ranking on the demo archive: precision@3 over tests/search/ranking_queries.toml.

    .venv/bin/python bench/search_ranking.py [--ranking items|documents] [--verbose]

Builds the demo archive (`load_demo`) in a throw-away SQLite database, then runs every
query as the search page does for the user named in the file. ``documents`` is the
ranking main had before issue 13 (one card per matching sentence or page, bm25 order);
``items`` is one card per item (search/grouping.py, search/ranking.py). Prints a table;
not a test (tests/search/test_ranking.py holds the floor).
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--ranking", choices=["items", "documents"], default="items")
parser.add_argument("--verbose", action="store_true", help="print the first three cards of every query")
ARGS = parser.parse_args()
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATA_DIR": tempfile.mkdtemp(prefix="libei-ranking-bench-"),
        "LOG_LEVEL": "WARNING",
    }
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from heritage.models import User  # noqa: E402
from search import service  # noqa: E402
from tests.search.ranking_queries import load, precision_at_3  # noqa: E402


def cards(text: str, user) -> list[str]:
    if ARGS.ranking == "documents":
        return [hit.title for hit in service.search(text, user, limit=20).hits]
    return [item.title for item in service.search_items(text, user).items]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    service.rebuild()
    username, queries = load()
    user = User.objects.get(username=username)
    scores = []
    for query in queries:
        shown = cards(query.text, user)
        scores.append(precision_at_3(shown, query.expect))
        if ARGS.verbose:
            print(f"{scores[-1]:.2f}  {query.text:<8} {' | '.join(shown[:3])}")
    print(f"ranking={ARGS.ranking} queries={len(queries)} user={username}")
    print(f"precision@3 mean={sum(scores) / len(scores):.3f} perfect={sum(s == 1 for s in scores)}/{len(scores)}")


if __name__ == "__main__":
    main()

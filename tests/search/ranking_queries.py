"""The fixed ranking queries (ranking_queries.toml) and how a ranking is scored against them."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

PATH = Path(__file__).with_name("ranking_queries.toml")


@dataclass(frozen=True)
class RankingQuery:
    text: str
    expect: tuple[str, ...]


def load() -> tuple[str, list[RankingQuery]]:
    """(the username whose view is measured, the queries)."""
    data = tomllib.loads(PATH.read_text(encoding="utf-8"))
    return data["audience"], [RankingQuery(q["text"], tuple(q["expect"])) for q in data["query"]]


def precision_at_3(cards: list[str], expect: tuple[str, ...]) -> float:
    """Distinct expected items among the first three cards, over min(3, len(expect)).

    Cards are item titles in the order shown; nine cards from one story count once.
    """
    found = {title for title in cards[:3] if title in expect}
    return len(found) / min(3, len(expect))

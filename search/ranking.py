"""The order of item cards: a blend of title, summary and text matches, title and phrase first.

bm25 alone ranks documents, and a story's every segment carries its title, so one long
story outranked a recipe named for the query (issue 13). Here an item is scored once,
from what a reader sees on its card. Weights were set against
tests/search/ranking_queries.toml (bench/search_ranking.py prints precision@3).
"""

from .grouping import ItemCard
from .matching import contains, contains_phrase, spans
from .text import ParsedQuery, normalise

TITLE_EXACT = 8.0  # the title is the query
TITLE = 4.0  # every term is in the title
PHRASE = 2.0  # the query as typed stands in the title or the summary in one piece
SUMMARY = 1.5  # every term is in the summary (the first line of the page's text)
TEXT = 1.0  # every term is somewhere in the page's own text
COVER = 1.5  # times the share of the title the query covers: 王家阳朗辣子鸡 before a long title
SENTENCES = 0.4  # times min(sentences containing the query, 3) / 3
BM25 = 0.3  # times the item's best document score over the best of the page


def _cover(title: str, parsed: ParsedQuery) -> float:
    marked = {i for term in spans(title, parsed) for start, end in term for i in range(start, end)}
    return len(marked) / max(1, len(title))


def score(card: ItemCard, parsed: ParsedQuery, query: str, best: float) -> float:
    summary = card.lead.split("\n", 1)[0]
    value = 0.0
    if "".join(normalise(card.title).split()) == "".join(normalise(query).split()):
        value += TITLE_EXACT
    if contains(card.title, parsed):
        value += TITLE + COVER * _cover(card.title, parsed)
    if contains_phrase(card.title, query) or contains_phrase(summary, query):
        value += PHRASE
    if contains(summary, parsed):
        value += SUMMARY
    if contains(card.lead, parsed):
        value += TEXT
    value += SENTENCES * min(len(card.sentences), 3) / 3
    value += BM25 * (card.best_score / best if best > 0 else 0.0)
    return value


def rank(cards: list[ItemCard], parsed: ParsedQuery, query: str) -> list[ItemCard]:
    """Best first; cards with nothing really matching (only the index's loose match) go last."""
    best = max((card.best_score for card in cards), default=0.0)
    for card in cards:
        card.score = score(card, parsed, query, best)
    return sorted(cards, key=lambda card: -card.score)

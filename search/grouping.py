"""One card per item: a page's hit and its segments' hits gathered under the page.

Issue 13: nine cards of one story, five without the word, pushed a recipe to the last
place. A card shows the item once, with at most three of its sentences that really
contain the query (search/matching.py) and how many more there are.
"""

from dataclasses import dataclass, field

from .documents import Hit
from .matching import contains, highlight, spans
from .text import ParsedQuery

SENTENCES_SHOWN = 3
# Segments are parts of recordings, which only oral histories have (search/documents.py).
PARENT_KIND = {"segment": "oral_history"}


@dataclass
class Sentence:
    """One sentence that contains the query, at its time in the recording."""

    html: str
    url: str
    start: float
    end: float | None
    matches: int

    @property
    def clock(self) -> str:
        minutes, seconds = divmod(int(self.start), 60)
        return f"{minutes}:{seconds:02d}"


@dataclass
class ItemCard:
    key: str
    kind: str
    title: str
    url: str
    narrators: list[str] = field(default_factory=list)
    audio: str = ""
    title_html: str = ""
    lead_html: str = ""  # the page's summary, or its text around the match when only that has it
    lead: str = ""  # the page's text (its summary line first), for ranking
    page_found: bool = False  # the page itself matched, not only its sentences
    sentences: list[Sentence] = field(default_factory=list)
    best_score: float = 0.0
    score: float = 0.0

    @property
    def shown(self) -> list[Sentence]:
        """The best sentences (most matches, then earliest), in the order they are spoken."""
        best = sorted(self.sentences, key=lambda s: (-s.matches, s.start))[:SENTENCES_SHOWN]
        return sorted(best, key=lambda s: s.start)

    @property
    def more(self) -> int:
        return max(0, len(self.sentences) - SENTENCES_SHOWN)


def item_key(key: str) -> str:
    """``page:12/seg:3`` → ``page:12/``; a key without a part is its own item."""
    head, slash, _ = key.partition("/")
    return head + slash if slash else key


def _page_url(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0]


def group(hits: list[Hit], parsed: ParsedQuery) -> list[ItemCard]:
    """Cards in the order their first hit came; sentences without the query are left out."""
    cards: dict[str, ItemCard] = {}
    for hit in hits:
        key = item_key(hit.key)
        card = cards.get(key)
        if card is None:
            card = cards[key] = ItemCard(
                key=key,
                kind=PARENT_KIND.get(hit.kind, hit.kind),
                title=hit.title,
                url=_page_url(hit.url),
                narrators=list(hit.narrators),
                title_html=highlight(hit.title, parsed),
            )
        card.best_score = max(card.best_score, hit.score)
        if hit.audio:
            card.audio = hit.audio
        if hit.kind in PARENT_KIND:
            if hit.start is not None and contains(hit.text, parsed):
                matches = sum(len(found) for found in spans(hit.text, parsed))
                card.sentences.append(Sentence(highlight(hit.text, parsed), hit.url, hit.start, hit.end, matches))
        else:
            card.kind, card.url, card.page_found, card.lead = hit.kind, hit.url, True, hit.text
            # The summary line, unless the match is only further down the page's text.
            summary = hit.text.split("\n", 1)[0]
            shown = hit.text if contains(hit.text, parsed) and not contains(summary, parsed) else summary
            card.lead_html = highlight(shown.replace("\n", " "), parsed, width=80)
    return list(cards.values())

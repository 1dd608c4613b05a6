"""What search knows about the archive: documents handed in by the apps, never their models."""

from dataclasses import dataclass, field

FACETS = ("kind", "narrator", "village", "theme", "tag", "decade")


@dataclass
class SearchDocument:
    """One searchable thing: a page, or one transcript segment (with its second in the audio).

    A key ``item/part`` (``page:12/seg:3``) is one part of the item keyed ``item/`` (``page:12/``):
    search results group parts under their item. A page's body begins with its summary line.
    """

    key: str
    kind: str
    title: str
    body: str
    url: str
    audiences: list[str]
    narrators: list[str] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    decade: int | None = None
    start: float | None = None
    end: float | None = None
    # Whose consent the document rests on (opaque ids from the app): the service drops, at
    # query time, documents naming a subject the app says may not be shown to this audience now.
    subjects: list[str] = field(default_factory=list)
    # Where a segment's sound is served (through the app's own gate), for playing it in place.
    audio: str = ""

    def facet_values(self) -> list[tuple[str, str]]:
        values = [("kind", self.kind)]
        values += [("narrator", v) for v in self.narrators]
        values += [("village", v) for v in self.villages]
        values += [("theme", v) for v in self.themes]
        values += [("tag", v) for v in self.tags]
        if self.decade:
            values.append(("decade", str(self.decade)))
        return values


@dataclass
class Hit:
    key: str
    kind: str
    title: str
    url: str
    excerpt: str
    start: float | None
    score: float
    # The document's whole plain text, its narrators, the end of a segment and its audio:
    # what grouping (search/grouping.py) needs to show sentences under their item.
    text: str = ""
    narrators: list[str] = field(default_factory=list)
    end: float | None = None
    audio: str = ""


@dataclass
class Results:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]

    def as_dict(self, keys: bool = False) -> dict:
        """The shape the command line prints; ``keys`` adds each hit's document key (for the kit board)."""
        return {
            "total": self.total,
            "results": [
                {"kind": h.kind, "title": h.title, "url": h.url, "excerpt": h.excerpt, "start": h.start}
                | ({"key": h.key} if keys else {})
                for h in self.hits
            ],
            "facets": {name: [{"value": v, "count": c} for v, c in values] for name, values in self.facets.items()},
        }


@dataclass
class Query:
    text: str
    audience: str
    filters: dict[str, str] = field(default_factory=dict)
    limit: int = 20
    offset: int = 0
    # Documents naming any of these subjects are left out: results, totals, facets.
    excluded_subjects: frozenset[str] = frozenset()

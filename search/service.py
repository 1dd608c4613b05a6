"""The one way the rest of the product searches: pick the backend, work out the audience, ask."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .backends.base import SearchBackend
from .documents import FACETS, Query, Results
from .grouping import ItemCard, group
from .ranking import rank
from .text import parse_query

BACKENDS = {
    "embedded": "search.backends.embedded.EmbeddedBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}
MAX_LIMIT = 50
# Documents read to build item cards: a story's sentences are many documents of one item.
# Items whose every document ranks below this many are not shown (the total says "more than").
ITEM_POOL = 500


@cache
def get_backend(name: str | None = None) -> SearchBackend:
    name = name or settings.SEARCH_BACKEND
    return import_string(BACKENDS[name])(**settings.SEARCH_OPTIONS.get(name, {}))


def audience_of(user) -> str:
    return str(import_string(settings.SEARCH_AUDIENCE)(user))


def excluded_subjects(audience: str) -> frozenset[str]:
    """Subjects whose documents ``audience`` may not find *now* (settings.SEARCH_EXCLUDED_SUBJECTS).

    Asked on every request: the index may lag a withdrawal (the worker may be down, a
    withdrawal may be dated ahead), the answer here does not.
    """
    path = getattr(settings, "SEARCH_EXCLUDED_SUBJECTS", "")
    return frozenset(str(subject) for subject in import_string(path)(audience)) if path else frozenset()


def documents():
    """Every document the apps offer (settings.SEARCH_DOCUMENT_SOURCES)."""
    for source in settings.SEARCH_DOCUMENT_SOURCES:
        yield from import_string(source)()


def _query(text: str, user, filters: dict | None, limit: int, offset: int) -> Query:
    filters = {name: str(value)[:100] for name, value in (filters or {}).items() if name in FACETS and value}
    audience = audience_of(user)
    return Query(
        text=text or "",
        audience=audience,
        filters=filters,
        limit=limit,
        offset=offset,
        excluded_subjects=excluded_subjects(audience),
    )


def search(text: str, user=None, filters: dict | None = None, limit: int = 20, offset: int = 0) -> Results:
    """Documents, best first: pages and single sentences (the kit board and the API)."""
    limit, offset = max(1, min(int(limit), MAX_LIMIT)), max(0, min(int(offset), 10_000))
    return get_backend().search(_query(text, user, filters, limit, offset))


@dataclass
class ItemResults:
    """One page of item cards, the number of items found and the facets of the documents."""

    total: int
    complete: bool  # False: more documents matched than were read, the total is a floor
    items: list[ItemCard]
    facets: dict[str, list[tuple[str, int]]]


def search_items(text: str, user=None, filters: dict | None = None, limit: int = 10, offset: int = 0) -> ItemResults:
    """Items, best first, each with its sentences that contain the query (the search page).

    Consent stays the backend's query-time exclusion: grouping only sees documents the
    audience may find now.
    """
    results = get_backend().search(_query(text, user, filters, ITEM_POOL, 0))
    parsed = parse_query(text or "")
    cards = rank(group(results.hits, parsed), parsed, text or "")
    offset = max(0, int(offset))
    return ItemResults(
        len(cards), results.total <= ITEM_POOL, cards[offset : offset + max(1, int(limit))], results.facets
    )


def suggest(prefix: str, user=None, limit: int = 8) -> list[dict]:
    audience = audience_of(user)
    return get_backend().suggest(prefix or "", audience, limit, excluded_subjects(audience))


def related(key: str, user=None, limit: int = 5) -> list[dict]:
    audience = audience_of(user)
    return get_backend().related(key, audience, limit, excluded_subjects(audience))


def rebuild(progress=None) -> int:
    return get_backend().rebuild(documents(), progress)

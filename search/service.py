"""The one way the rest of the product searches: pick the backend, work out the audience, ask."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .backends.base import SearchBackend
from .documents import FACETS, Query, Results

BACKENDS = {
    "embedded": "search.backends.embedded.EmbeddedBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}
MAX_LIMIT = 50


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


def search(text: str, user=None, filters: dict | None = None, limit: int = 20, offset: int = 0) -> Results:
    filters = {name: str(value)[:100] for name, value in (filters or {}).items() if name in FACETS and value}
    audience = audience_of(user)
    query = Query(
        text=text or "",
        audience=audience,
        filters=filters,
        limit=max(1, min(int(limit), MAX_LIMIT)),
        offset=max(0, min(int(offset), 10_000)),
        excluded_subjects=excluded_subjects(audience),
    )
    return get_backend().search(query)


def suggest(prefix: str, user=None, limit: int = 8) -> list[dict]:
    audience = audience_of(user)
    return get_backend().suggest(prefix or "", audience, limit, excluded_subjects(audience))


def related(key: str, user=None, limit: int = 5) -> list[dict]:
    audience = audience_of(user)
    return get_backend().related(key, audience, limit, excluded_subjects(audience))


def rebuild(progress=None) -> int:
    return get_backend().rebuild(documents(), progress)

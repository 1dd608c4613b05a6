"""The interface every search backend implements; the contract suite in tests/search holds them to it."""

from collections.abc import Iterable

from ..documents import Query, Results, SearchDocument


class SearchBackend:
    name = ""

    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents by key; returns how many were written."""
        raise NotImplementedError

    def delete(self, keys: Iterable[str]) -> None:
        raise NotImplementedError

    def delete_prefix(self, prefix: str) -> None:
        """Remove every document whose key starts with ``prefix`` (a page and its segments)."""
        raise NotImplementedError

    def rebuild(self, documents: Iterable[SearchDocument], progress=None) -> int:
        """Replace the whole index; searches keep answering from the old one until the swap."""
        raise NotImplementedError

    def search(self, query: Query) -> Results:
        raise NotImplementedError

    def suggest(self, prefix: str, audience: str, limit: int = 8, excluded: frozenset[str] = frozenset()) -> list[dict]:
        """Titles completing ``prefix``; none from documents naming an ``excluded`` subject."""
        raise NotImplementedError

    def related(self, key: str, audience: str, limit: int = 5, excluded: frozenset[str] = frozenset()) -> list[dict]:
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

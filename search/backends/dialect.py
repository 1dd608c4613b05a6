"""What the embedded backend's two databases do differently: how text is stored and matched.

EmbeddedBackend (embedded.py) owns the documents, their facets, writing, the atomic
rebuild, counting and excerpts in SQL both databases speak. A dialect supplies the
full-text table, its index, and the query strings for it: fts5.py for SQLite,
tsvector.py for PostgreSQL. Query strings always travel as parameters, never inside SQL.
"""

from collections.abc import Sequence

from ..text import IndexText, ParsedQuery

DOCS, FACET_TABLE, FTS, META = "search_document", "search_facet", "search_fts", "search_meta"


class Dialect:
    # DDL for the documents' id column; the full-text table's row id is the same number.
    id_column = ""
    # A WHERE condition on the full-text table with one placeholder for a match() string.
    match_sql = ""
    # The full-text table's columns, in text_row()'s order.
    text_columns: tuple[str, ...] = ()

    def create_text_table(self, cursor, suffix: str) -> None:
        raise NotImplementedError

    def create_text_index(self, cursor, suffix: str, name: str) -> None:
        raise NotImplementedError

    def insert_rows(self, cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def text_row(
        self, doc_id: int, title: IndexText, body: IndexText, audiences: list[str], kind: str, subjects: list[str]
    ) -> tuple:
        """The full-text row for one document, for insert_sql(); ``subjects`` are tokens too,
        so a query leaves out the documents of excluded subjects inside its own match."""
        raise NotImplementedError

    def match(
        self,
        parsed: ParsedQuery,
        audience: str,
        kind: str = "",
        exclude: bool = True,
        excluded: frozenset[str] = frozenset(),
    ) -> str | None:
        """The match string for match_sql: every term, the kind, the audience, no excluded subject.

        ``exclude``: name the audience by the documents it may not see (cheaper when it
        may see most of them) rather than by those it may. None when nothing is searchable.
        """
        raise NotImplementedError

    def score(self, parsed: ParsedQuery) -> tuple[str, list]:
        """A SELECT expression on the full-text table, higher for better matches, and its parameters."""
        raise NotImplementedError

    def ranked_matches(
        self, cursor, where: str, params: list, score: str, score_params: list, limit: int, offset: int
    ) -> tuple[Sequence[int], list[tuple[int, float]]]:
        """Every matching id (for the total and the facets) and one page of (id, score), best first."""
        raise NotImplementedError

    def suggest(
        self, prefix: str, audience: str, excluded: frozenset[str] = frozenset(), exclude: bool = False
    ) -> tuple[str, str, list] | None:
        """Titles that complete ``prefix``: (match string, ORDER BY expression, its parameters)."""
        raise NotImplementedError

    def audience_match(self, audience: str, excluded: frozenset[str] = frozenset()) -> str:
        """A match string for every document ``audience`` may see, no excluded subject's."""
        raise NotImplementedError

    def prepare_swap(self, cursor, suffix: str) -> None:
        """Last touches on the freshly built tables before they replace the live ones."""

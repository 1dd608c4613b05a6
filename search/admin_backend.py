"""The admin's search on SQLite: Wagtail's FTS5 backend with Chinese-aware text (admin_spread.py)."""

from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteAutocompleteQueryCompiler,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)

from .admin_spread import indexed, spread_plain_text


class ChineseIndex(SQLiteIndex):
    def add_items(self, model, objs):
        super().add_items(model, indexed(objs))


class _SpreadQueries:
    def build_search_query_content(self, query, config=None):
        return super().build_search_query_content(spread_plain_text(query), config=config)


class ChineseQueryCompiler(_SpreadQueries, SQLiteSearchQueryCompiler):
    pass


class ChineseAutocompleteQueryCompiler(_SpreadQueries, SQLiteAutocompleteQueryCompiler):
    pass


class SearchBackend(SQLiteSearchBackend):
    index_class = ChineseIndex
    query_compiler_class = ChineseQueryCompiler
    autocomplete_query_compiler_class = ChineseAutocompleteQueryCompiler

"""The admin's search on PostgreSQL: Wagtail's full-text backend with Chinese-aware text (admin_spread.py)."""

from modelsearch.backends.database.postgres.postgres import (
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)

from .admin_spread import indexed, spread_plain_text


class ChineseIndex(PostgresIndex):
    def add_items(self, model, objs):
        super().add_items(model, indexed(objs))


class _SpreadQueries:
    def build_tsquery_content(self, query, config=None, invert=False):
        return super().build_tsquery_content(spread_plain_text(query), config=config, invert=invert)


class ChineseQueryCompiler(_SpreadQueries, PostgresSearchQueryCompiler):
    pass


class ChineseAutocompleteQueryCompiler(_SpreadQueries, PostgresAutocompleteQueryCompiler):
    pass


class SearchBackend(PostgresSearchBackend):
    index_class = ChineseIndex
    query_compiler_class = ChineseQueryCompiler
    autocomplete_query_compiler_class = ChineseAutocompleteQueryCompiler

"""Wagtail's admin search, made to find Chinese words inside sentences (both databases).

Wagtail's database backends (modelsearch) index with FTS5's ``unicode61`` tokenizer on
SQLite and to_tsvector() on PostgreSQL, which keep a run of Chinese characters as one
token: 辣子鸡 inside a sentence is never found. These pieces hand them the same
character and bigram streams the archive search uses (search.text): objects are indexed
through a view whose search fields return spread text, and plain-text queries are
spread the same way. The rest — storage, ranking, filters, facets — is modelsearch's
own. admin_backend.py (SQLite) and admin_backend_postgres.py put them on each backend.
"""

from modelsearch.index import AutocompleteField, RelatedFields, SearchField
from modelsearch.query import PlainText

from .text import CJK, TOKEN, bigrams, index_text, normalise


def spread(value):
    """Text with its Chinese runs as characters, bigrams and pinyin; other values unchanged."""
    if isinstance(value, str):
        if not CJK.search(value):
            return value
        streams = index_text(value)
        return f"{value} {streams.unigrams} {streams.bigrams} {streams.pinyin}"
    if isinstance(value, list):
        return [spread(item) for item in value]
    return value


def spread_query(text: str) -> str:
    """辣子雞 外婆 → "辣子 子鸡 外婆": the bigrams (or the one character) of each Chinese word."""
    words = []
    for token in TOKEN.findall(normalise(text)):
        words.extend(bigrams(token) if CJK.match(token) else [token])
    return " ".join(words)


class _Indexed:
    """The object as the index sees it: same id, Chinese-aware field values."""

    def __init__(self, obj):
        self.obj = obj
        self.pk = obj.pk

    def get_search_fields(self):
        return [_wrap(field) for field in self.obj.get_search_fields()]


def _real(obj):
    return obj.obj if isinstance(obj, _Indexed) else obj


class _SpreadSearchField(SearchField):
    def __init__(self, inner):
        super().__init__(inner.field_name, boost=getattr(inner, "boost", None), **inner.kwargs)
        self.inner = inner

    def get_value(self, obj):
        return spread(self.inner.get_value(_real(obj)))


class _SpreadAutocompleteField(AutocompleteField):
    def __init__(self, inner):
        super().__init__(inner.field_name, **inner.kwargs)
        self.inner = inner

    def get_value(self, obj):
        return spread(self.inner.get_value(_real(obj)))


class _SpreadRelatedFields(RelatedFields):
    def __init__(self, inner):
        super().__init__(inner.field_name, [_wrap(field) for field in inner.fields])
        self.inner = inner

    def get_value(self, obj):
        return self.inner.get_value(_real(obj))


def _wrap(field):
    if isinstance(field, SearchField):
        return _SpreadSearchField(field)
    if isinstance(field, AutocompleteField):
        return _SpreadAutocompleteField(field)
    if isinstance(field, RelatedFields):
        return _SpreadRelatedFields(field)
    return field


def indexed(objs) -> list[_Indexed]:
    return [_Indexed(obj) for obj in objs]


def spread_plain_text(query):
    """A PlainText query spread into characters and bigrams; other queries unchanged."""
    if isinstance(query, PlainText):
        return PlainText(spread_query(query.query_string), operator=query.operator, boost=query.boost)
    return query

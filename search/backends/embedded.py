"""The embedded backend: SQLite FTS5 in the project's own database.

FTS5 tokenises with ``unicode61`` here, which splits on spaces: the Chinese-aware work
(characters, bigrams, pinyin) is done in search.text before text reaches it, the same
way for documents and queries. Who may see a document is a column of the index, so
access is part of every MATCH, and counts, facets and suggestions obey it too.
"""

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction

from ..documents import FACETS, Hit, Query, Results, SearchDocument
from ..exceptions import SearchUnavailable
from ..text import CJK, bigrams, excerpt, fts_phrase, index_text, normalise, parse_query
from .base import SearchBackend

DOCS, FACET_TABLE, FTS, META = "search_document", "search_facet", "search_fts", "search_meta"
FTS_COLUMNS = ("title_uni", "title_bi", "body_uni", "body_bi", "pinyin", "initials", "audience", "kind")
# bm25 weights, one per column above: a match in the title counts most, pinyin least.
WEIGHTS = (3.0, 6.0, 1.0, 2.0, 0.8, 0.4, 0.0, 0.0)
BATCH = 2000


class FacetCache:
    """Every document's facet values in memory, reloaded when the index changes.

    Counting facets over tens of thousands of matches in SQL (a join per match) costs
    over 100 ms on two cores; counting them here costs a few.
    """

    def __init__(self):
        self.generation = None
        self.values: dict[int, list[int]] = {}
        self.names: list[tuple[str, str]] = []

    def load(self, cursor, generation: int) -> None:
        if generation == self.generation:
            return
        index: dict[tuple[str, str], int] = {}
        values: dict[int, list[int]] = defaultdict(list)
        audience_sizes: Counter = Counter()
        cursor.execute(f"SELECT doc_id, facet, value FROM {FACET_TABLE}")
        for doc_id, facet, value in cursor.fetchall():
            values[doc_id].append(index.setdefault((facet, value), len(index)))
            if facet == "audience":
                audience_sizes[value] += 1
        self.values, self.names, self.generation = dict(values), list(index), generation
        self.audience_sizes = audience_sizes

    def audience_filter(self, audience: str) -> str:
        """Keep what ``audience`` may find by naming the shorter list: who may, or who may not."""
        allowed = self.audience_sizes.get(audience, 0)
        if allowed <= len(self.values) - allowed:
            return " AND {audience} : " + fts_phrase([f"a{audience}"])
        return " NOT {audience} : " + fts_phrase([f"x{audience}"])

    def count(self, ids: list[int]) -> dict[str, list[tuple[str, int]]]:
        counts = Counter(value for pk in ids for value in self.values.get(pk, ()))
        facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
        for value, count in counts.items():
            facet, label = self.names[value]
            if facet in facets:
                facets[facet].append((label, count))
        return {name: sorted(items, key=lambda item: (-item[1], item[0])) for name, items in facets.items()}


def _bump(cursor) -> None:
    cursor.execute(f"UPDATE {META} SET generation = generation + 1")


def create_tables(cursor, suffix: str = "") -> None:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {META} (generation INTEGER NOT NULL)")
    cursor.execute(f"INSERT INTO {META} (generation) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {META})")
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {DOCS}{suffix} (id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, "
        "kind TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, url TEXT NOT NULL, "
        "start REAL, end_ REAL, decade INTEGER, meta TEXT NOT NULL)"
    )
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {FACET_TABLE}{suffix} (doc_id INTEGER, facet TEXT, value TEXT)")
    columns = ", ".join(FTS_COLUMNS)
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS}{suffix} USING fts5({columns}, "
        "tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2')"
    )


def create_facet_indexes(cursor, suffix: str = "", name: str = FACET_TABLE) -> None:
    """Index names are global in SQLite and keep their name when a table is renamed,
    so each rebuild names its indexes afresh (``name``)."""
    table = f"{FACET_TABLE}{suffix}"
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {name}_fv ON {table} (facet, value, doc_id)")
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {name}_doc ON {table} (doc_id)")


def create_schema(cursor) -> None:
    """The live index (run by this app's migration, on SQLite)."""
    create_tables(cursor)
    create_facet_indexes(cursor)


def _term_expression(term) -> str | None:
    if term.is_cjk:
        characters = term.text.replace(" ", "")
        if len(characters) == 1:
            return "{title_uni body_uni} : " + fts_phrase([characters])
        return "{title_bi body_bi} : " + fts_phrase(bigrams(characters))
    if term.phrase:
        parts = [_term_expression(type(term)(word)) for word in term.words]
        return "(" + " AND ".join(p for p in parts if p) + ")"
    latin = " AND ".join("{title_uni body_uni} : " + fts_phrase([word]) for word in term.words)
    options = [f"({latin})"]
    if term.pinyin:
        syllables, prefix = term.pinyin
        options.append("{pinyin} : " + fts_phrase(syllables, prefix))
    elif term.text.isalpha() and 2 <= len(term.text) <= 6 and term.text.isascii():
        options.append("{initials} : " + fts_phrase(list(term.text)))  # lzj → 辣子鸡
    return "(" + " OR ".join(options) + ")"


def _audience_tokens(allowed: list[str]) -> str:
    # Each document names the audiences that may NOT find it too: excluding a short
    # list ("x" tokens) is much cheaper for FTS5 than intersecting with a long one.
    return " ".join(f"a{a}" if a in allowed else f"x{a}" for a in settings.SEARCH_AUDIENCES)


def _audience_filter(audience: str) -> str:
    return " NOT {audience} : " + fts_phrase([f"x{audience}"])


def match_expression(text: str, audience: str, kind: str = "", audience_filter=_audience_filter) -> str | None:
    parsed = parse_query(text)
    parts = [p for p in (_term_expression(t) for t in parsed.terms) if p]
    if not parts:
        return None
    if audience not in settings.SEARCH_AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    if kind:
        parts.append("{kind} : " + fts_phrase([f"k{kind}"]))
    return "(" + " AND ".join(parts) + ")" + audience_filter(audience)


class EmbeddedBackend(SearchBackend):
    name = "embedded"

    def __init__(self, **options):
        if connection.vendor != "sqlite":
            raise SearchUnavailable(
                "内置检索目前只支持 SQLite 数据库；使用 PostgreSQL 时请设置 SEARCH_BACKEND=elasticsearch",
                "the embedded search backend needs SQLite for now; with PostgreSQL set SEARCH_BACKEND=elasticsearch",
            )
        self.options = options
        self.facet_cache = FacetCache()

    def _write(self, cursor, documents: Iterable[SearchDocument], suffix: str = "", progress=None) -> int:
        written = 0
        batch: list[SearchDocument] = []

        def flush():
            keys = [d.key for d in batch]
            placeholders = ",".join("%s" for _ in keys)
            cursor.execute(f"SELECT id FROM {DOCS}{suffix} WHERE key IN ({placeholders})", keys)
            old = [row[0] for row in cursor.fetchall()]
            if old:
                marks = ",".join("%s" for _ in old)
                cursor.execute(f"DELETE FROM {FTS}{suffix} WHERE rowid IN ({marks})", old)
                cursor.execute(f"DELETE FROM {FACET_TABLE}{suffix} WHERE doc_id IN ({marks})", old)
                cursor.execute(f"DELETE FROM {DOCS}{suffix} WHERE id IN ({marks})", old)
            rows, fts_rows, facet_rows = [], [], []
            for d in batch:
                meta = json.dumps({"audiences": d.audiences, "narrators": d.narrators}, ensure_ascii=False)
                rows.append((d.key, d.kind, d.title, d.body, d.url, d.start, d.end, d.decade, meta))
            cursor.executemany(
                f"INSERT INTO {DOCS}{suffix} (key, kind, title, body, url, start, end_, decade, meta) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
            cursor.execute(f"SELECT id, key FROM {DOCS}{suffix} WHERE key IN ({placeholders})", keys)
            ids = {key: pk for pk, key in cursor.fetchall()}
            for d in batch:
                title, body = index_text(d.title), index_text(d.body)
                fts_rows.append(
                    (
                        ids[d.key],
                        title.unigrams,
                        title.bigrams,
                        body.unigrams,
                        body.bigrams,
                        f"{title.pinyin} _ {body.pinyin}",
                        f"{title.initials} _ {body.initials}",
                        _audience_tokens(d.audiences),
                        f"k{d.kind}",
                    )
                )
                facet_rows.extend((ids[d.key], facet, value) for facet, value in d.facet_values())
                facet_rows.extend((ids[d.key], "audience", audience) for audience in d.audiences)
            cursor.executemany(
                f"INSERT INTO {FTS}{suffix} (rowid, {', '.join(FTS_COLUMNS)}) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                fts_rows,
            )
            cursor.executemany(f"INSERT INTO {FACET_TABLE}{suffix} VALUES (%s, %s, %s)", facet_rows)

        for document in documents:
            batch.append(document)
            if len(batch) >= BATCH:
                flush()
                written += len(batch)
                batch = []
                if progress:
                    progress(written)
        if batch:
            flush()
            written += len(batch)
            if progress:
                progress(written)
        return written

    def upsert(self, documents):
        with transaction.atomic(), connection.cursor() as cursor:
            written = self._write(cursor, documents)
            _bump(cursor)
            return written

    def delete(self, keys):
        keys = list(keys)
        if not keys:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            marks = ",".join("%s" for _ in keys)
            cursor.execute(f"SELECT id FROM {DOCS} WHERE key IN ({marks})", keys)
            self._delete_ids(cursor, [row[0] for row in cursor.fetchall()])

    def delete_prefix(self, prefix):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {DOCS} WHERE key >= %s AND key < %s", [prefix, prefix + "\uffff"])
            self._delete_ids(cursor, [row[0] for row in cursor.fetchall()])

    def _delete_ids(self, cursor, ids):
        if not ids:
            return
        _bump(cursor)
        marks = ",".join("%s" for _ in ids)
        cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({marks})", ids)
        cursor.execute(f"DELETE FROM {FACET_TABLE} WHERE doc_id IN ({marks})", ids)
        cursor.execute(f"DELETE FROM {DOCS} WHERE id IN ({marks})", ids)

    def rebuild(self, documents, progress=None):
        # Build beside the live tables, then swap them in one transaction: readers keep
        # the old index until the commit, so the site is never without search.
        with connection.cursor() as cursor:
            for table in (FTS, FACET_TABLE, DOCS):
                cursor.execute(f"DROP TABLE IF EXISTS {table}_new")
            create_tables(cursor, "_new")
            create_facet_indexes(cursor, "_new", name=f"{FACET_TABLE}_{time.time_ns()}")
        with transaction.atomic(), connection.cursor() as cursor:
            written = self._write(cursor, documents, "_new", progress)
        with transaction.atomic(), connection.cursor() as cursor:
            for table in (FTS, FACET_TABLE, DOCS):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
                cursor.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
            _bump(cursor)
        return written

    def count(self):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {DOCS}")
            return cursor.fetchone()[0]

    def search(self, query: Query) -> Results:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT generation FROM {META}")
            self.facet_cache.load(cursor, cursor.fetchone()[0])
        match = match_expression(
            query.text, query.audience, query.filters.get("kind", ""), self.facet_cache.audience_filter
        )
        if match is None:
            return Results(0, [], {name: [] for name in FACETS})
        filters = [(name, value) for name, value in query.filters.items() if name in FACETS and name != "kind"]
        where = f"{FTS} MATCH %s"
        params: list = [match]
        for name, value in filters:
            where += f" AND rowid IN (SELECT doc_id FROM {FACET_TABLE} WHERE facet = %s AND value = %s)"
            params += [name, str(value)]
        weights = ", ".join(str(w) for w in WEIGHTS)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {FTS} WHERE {where}", params)
            matched = [row[0] for row in cursor.fetchall()]
            if not matched:
                return Results(0, [], {name: [] for name in FACETS})
            cursor.execute(
                f"SELECT rowid, bm25({FTS}, {weights}) AS score FROM {FTS} WHERE {where} "
                "ORDER BY score LIMIT %s OFFSET %s",
                [*params, query.limit, query.offset],
            )
            ranked = cursor.fetchall()
            hits = []
            if ranked:
                ids = [row[0] for row in ranked]
                marks = ",".join("%s" for _ in ids)
                cursor.execute(f"SELECT id, key, kind, title, body, url, start FROM {DOCS} WHERE id IN ({marks})", ids)
                rows = {row[0]: row for row in cursor.fetchall()}
                words = parse_query(query.text).highlight_words
                for pk, score in ranked:
                    _, key, kind, title, body, url, start = rows[pk]
                    hits.append(Hit(key, kind, title, url, excerpt(body or title, words), start, -score))
        return Results(len(matched), hits, self.facet_cache.count(matched))

    def suggest(self, prefix, audience, limit=8):
        prefix = normalise(prefix).strip()[:40]
        if not prefix:
            return []
        if CJK.match(prefix[-1]):
            term = "{title_uni title_bi} : " + fts_phrase(bigrams(prefix) if len(prefix) > 1 else [prefix])
        elif prefix.isascii() and prefix.isalnum():
            term = "{title_uni pinyin} : " + fts_phrase([prefix], prefix=True)
        else:
            return []
        match = f"({term}){_audience_filter(audience)}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.title, d.url, d.kind FROM {FTS} JOIN {DOCS} d ON d.id = {FTS}.rowid "
                f"WHERE {FTS} MATCH %s AND d.kind != 'segment' ORDER BY rank LIMIT %s",
                [match, limit],
            )
            return [{"title": t, "url": u, "kind": k} for t, u, k in cursor.fetchall()]

    def related(self, key, audience, limit=5):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT f2.doc_id, count(*) AS shared FROM {DOCS} d "
                f"JOIN {FACET_TABLE} f1 ON f1.doc_id = d.id AND f1.facet IN ('theme', 'tag', 'narrator') "
                f"JOIN {FACET_TABLE} f2 ON f2.facet = f1.facet AND f2.value = f1.value AND f2.doc_id != d.id "
                f"JOIN {DOCS} d2 ON d2.id = f2.doc_id AND d2.kind != 'segment' "
                f"JOIN {FTS} ON {FTS}.rowid = d2.id AND {FTS} MATCH %s "
                "WHERE d.key = %s GROUP BY f2.doc_id ORDER BY shared DESC, f2.doc_id LIMIT %s",
                ["{audience} : " + fts_phrase([f"a{audience}"]), key, limit],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return []
            marks = ",".join("%s" for _ in ids)
            cursor.execute(f"SELECT id, title, url, kind FROM {DOCS} WHERE id IN ({marks})", ids)
            rows = {pk: (t, u, k) for pk, t, u, k in cursor.fetchall()}
            return [{"title": rows[i][0], "url": rows[i][1], "kind": rows[i][2]} for i in ids]

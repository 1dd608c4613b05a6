"""The embedded backend: full text in the project's own database, SQLite or PostgreSQL.

The Chinese-aware work (characters, bigrams, pinyin) is done in search.text, the same
way for documents and queries and for both databases; a dialect (fts5.py, tsvector.py)
stores and matches the resulting tokens. Who may see a document is part of its
full-text row, so access is part of every match, and counts, facets and suggestions
obey it too.
"""

import json
import time
from collections import Counter
from collections.abc import Iterable

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from ..documents import FACETS, Hit, Query, Results, SearchDocument
from ..exceptions import SearchUnavailable
from ..text import excerpt, index_text, normalise, parse_query
from .base import SearchBackend
from .dialect import DOCS, FACET_TABLE, FTS, META, Dialect
from .fts5 import SQLiteFTS5
from .tsvector import PostgresFullText

DIALECTS = {"sqlite": SQLiteFTS5, "postgresql": PostgresFullText}
BATCH = 2000
DOC_COLUMNS = ("key", "kind", "title", "body", "url", "start", "end_", "decade", "meta")


class FacetCache:
    """Every document's facet values in memory, reloaded when the index changes.

    Counting facets over tens of thousands of matches in SQL (a join per match) costs
    over 100 ms on two cores, in a Python loop about 20 ms; here, as arrays (each
    document's value numbers side by side, found through its offset), about 2.
    """

    def __init__(self):
        self.generation = None
        self.names: list[tuple[str, str]] = []
        self.documents = 0
        self.audience_sizes: Counter = Counter()
        self.denied_sizes: Counter = Counter()
        self.offsets = np.zeros(1, dtype=np.int64)  # document id → its first value in codes
        self.codes = np.zeros(0, dtype=np.int32)

    def load(self, cursor, generation: int) -> None:
        if generation == self.generation:
            return
        index: dict[tuple[str, str], int] = {}
        doc_ids, codes = [], []
        cursor.execute(f"SELECT doc_id, facet, value FROM {FACET_TABLE} ORDER BY doc_id")
        for doc_id, facet, value in cursor.fetchall():
            doc_ids.append(doc_id)
            codes.append(index.setdefault((facet, value), len(index)))
        ids = np.array(doc_ids, dtype=np.int64)
        per_document = np.bincount(ids, minlength=1) if len(ids) else np.zeros(1, dtype=np.int64)
        self.offsets = np.concatenate(([0], np.cumsum(per_document)))
        self.codes = np.array(codes, dtype=np.int32)
        self.names = list(index)
        self.documents = int(np.count_nonzero(per_document))
        counts = self._counts(np.flatnonzero(per_document))
        self.audience_sizes = Counter({value: n for (facet, value), n in counts.items() if facet == "audience"})
        self.denied_sizes = Counter({value: n for (facet, value), n in counts.items() if facet == "audience_denied"})
        self.generation = generation

    def excludes(self, audience: str) -> bool:
        """Whether to keep what ``audience`` may find by naming who may not (the shorter list).

        Only where every document names the audience one way or the other: a document indexed
        before the audience existed names it neither way, and naming "who may not" would let it
        through. Until a rebuild, such an audience is always found by what it may see."""
        allowed = self.audience_sizes.get(audience, 0)
        named = allowed + self.denied_sizes.get(audience, 0) == self.documents
        return named and allowed > self.documents - allowed

    def _counts(self, ids) -> dict[tuple[str, str], int]:
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[ids < len(self.offsets) - 1]
        begin = self.offsets[ids]
        length = self.offsets[ids + 1] - begin
        # The positions begin[i] … begin[i] + length[i] of every matched document, at once.
        positions = np.repeat(begin - np.cumsum(length) + length, length) + np.arange(length.sum())
        counts = np.bincount(self.codes[positions], minlength=len(self.names))
        return {self.names[code]: int(counts[code]) for code in np.flatnonzero(counts)}

    def count(self, ids: list[int]) -> dict[str, list[tuple[str, int]]]:
        facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
        for (facet, label), count in self._counts(ids).items():
            if facet in facets:
                facets[facet].append((label, count))
        return {name: sorted(items, key=lambda item: (-item[1], item[0])) for name, items in facets.items()}


def dialect_for(vendor: str) -> Dialect:
    if vendor not in DIALECTS:
        raise SearchUnavailable(
            "内置检索需要 SQLite 或 PostgreSQL 数据库；其他数据库请设置 SEARCH_BACKEND=elasticsearch",
            f"the embedded search backend needs SQLite or PostgreSQL, not {vendor}; set SEARCH_BACKEND=elasticsearch",
        )
    return DIALECTS[vendor]()


def _bump(cursor) -> None:
    cursor.execute(f"UPDATE {META} SET generation = generation + 1")


def create_tables(cursor, dialect: Dialect, suffix: str = "") -> None:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {META} (generation INTEGER NOT NULL)")
    cursor.execute(f"INSERT INTO {META} (generation) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {META})")
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {DOCS}{suffix} ({dialect.id_column}, key TEXT UNIQUE NOT NULL, "
        "kind TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, url TEXT NOT NULL, "
        "start REAL, end_ REAL, decade INTEGER, meta TEXT NOT NULL)"
    )
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {FACET_TABLE}{suffix} (doc_id INTEGER, facet TEXT, value TEXT)")
    dialect.create_text_table(cursor, suffix)


def create_indexes(cursor, dialect: Dialect, suffix: str = "", name: str = FACET_TABLE) -> None:
    """Index names are global (SQLite) or per schema (PostgreSQL) and keep their name when
    a table is renamed, so each rebuild names its indexes afresh (``name``)."""
    table = f"{FACET_TABLE}{suffix}"
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {name}_fv ON {table} (facet, value, doc_id)")
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {name}_doc ON {table} (doc_id)")
    dialect.create_text_index(cursor, suffix, name)


def create_schema(cursor) -> None:
    """The live index, in the database ``cursor`` talks to (run by this app's migrations)."""
    dialect = dialect_for(cursor.db.vendor)
    create_tables(cursor, dialect)
    create_indexes(cursor, dialect)


class EmbeddedBackend(SearchBackend):
    name = "embedded"

    def __init__(self, **options):
        self.dialect = dialect_for(connection.vendor)
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
            rows, text_rows, facet_rows = [], [], []
            for d in batch:
                meta = json.dumps(
                    {"audiences": d.audiences, "narrators": d.narrators, "subjects": d.subjects, "audio": d.audio},
                    ensure_ascii=False,
                )
                rows.append((d.key, d.kind, d.title, d.body, d.url, d.start, d.end, d.decade, meta))
            insert = self.dialect.insert_rows
            insert(cursor, f"{DOCS}{suffix}", DOC_COLUMNS, rows)
            cursor.execute(f"SELECT id, key FROM {DOCS}{suffix} WHERE key IN ({placeholders})", keys)
            ids = {key: pk for pk, key in cursor.fetchall()}
            for d in batch:
                title, body = index_text(d.title), index_text(d.body)
                text_rows.append(self.dialect.text_row(ids[d.key], title, body, d.audiences, d.kind, d.subjects))
                facet_rows.extend((ids[d.key], facet, value) for facet, value in d.facet_values())
                facet_rows.extend((ids[d.key], "audience", audience) for audience in d.audiences)
                # The audiences it names as not allowed (the text row's "x" tokens), so the cache
                # knows for which audiences every document carries one or the other.
                denied = [a for a in settings.SEARCH_AUDIENCES if a not in d.audiences]
                facet_rows.extend((ids[d.key], "audience_denied", audience) for audience in denied)
            insert(cursor, f"{FTS}{suffix}", self.dialect.text_columns, text_rows)
            insert(cursor, f"{FACET_TABLE}{suffix}", ("doc_id", "facet", "value"), facet_rows)

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
        # Build beside the live tables, index them once filled, then swap them in one
        # transaction: readers keep the old index until the commit (on PostgreSQL a
        # reader waiting on the swap's lock then finds the new tables by name), so the
        # site is never without search.
        with connection.cursor() as cursor:
            for table in (FTS, FACET_TABLE, DOCS):
                cursor.execute(f"DROP TABLE IF EXISTS {table}_new")
            create_tables(cursor, self.dialect, "_new")
        with transaction.atomic(), connection.cursor() as cursor:
            written = self._write(cursor, documents, "_new", progress)
            create_indexes(cursor, self.dialect, "_new", name=f"{FACET_TABLE}_{time.time_ns()}")
            self.dialect.prepare_swap(cursor, "_new")
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

    def _excludes(self, audience: str) -> bool:
        """Whether to find what ``audience`` may see by naming who may not (FacetCache.excludes),
        decided on the index as it is now."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT generation FROM {META}")
            self.facet_cache.load(cursor, cursor.fetchone()[0])
        return self.facet_cache.excludes(audience)

    def search(self, query: Query) -> Results:
        nothing = Results(0, [], {name: [] for name in FACETS})
        exclude = self._excludes(query.audience)
        parsed = parse_query(query.text)
        if query.audience not in settings.SEARCH_AUDIENCES:
            raise ValueError(f"unknown audience {query.audience!r}")
        match = self.dialect.match(
            parsed, query.audience, query.filters.get("kind", ""), exclude, query.excluded_subjects
        )
        if match is None:
            return nothing
        filters = [(name, value) for name, value in query.filters.items() if name in FACETS and name != "kind"]
        where = self.dialect.match_sql
        params: list = [match]
        for name, value in filters:
            where += f" AND rowid IN (SELECT doc_id FROM {FACET_TABLE} WHERE facet = %s AND value = %s)"
            params += [name, str(value)]
        score, score_params = self.dialect.score(parsed)
        with connection.cursor() as cursor:
            matched, ranked = self.dialect.ranked_matches(
                cursor, where, params, score, score_params, query.limit, query.offset
            )
            if len(matched) == 0:
                return nothing
            hits = []
            if ranked:
                ids = [row[0] for row in ranked]
                marks = ",".join("%s" for _ in ids)
                cursor.execute(
                    f"SELECT id, key, kind, title, body, url, start, end_, meta FROM {DOCS} WHERE id IN ({marks})", ids
                )
                rows = {row[0]: row for row in cursor.fetchall()}
                words = parsed.highlight_words
                for pk, score_value in ranked:
                    _, key, kind, title, body, url, start, end, meta = rows[pk]
                    meta = json.loads(meta)
                    hits.append(
                        Hit(
                            key,
                            kind,
                            title,
                            url,
                            excerpt(body or title, words),
                            start,
                            score_value,
                            text=body,
                            narrators=meta.get("narrators", []),
                            end=end,
                            audio=meta.get("audio", ""),
                        )
                    )
        return Results(len(matched), hits, self.facet_cache.count(matched))

    def suggest(self, prefix, audience, limit=8, excluded=frozenset()):
        # NUL ends an FTS5 query string early and PostgreSQL text cannot hold it.
        prefix = normalise(prefix).replace("\x00", "").strip()[:40]
        if not prefix:
            return []
        # The same choice as search: an audience that sees no more than half of the index (one
        # added since it was built among them) is named by what it may see, never by an absence.
        found = self.dialect.suggest(prefix, audience, excluded, self._excludes(audience))
        if found is None:
            return []
        match, order, order_params = found
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.title, d.url, d.kind FROM {FTS} JOIN {DOCS} d ON d.id = {FTS}.rowid "
                f"WHERE {self.dialect.match_sql} AND d.kind != 'segment' ORDER BY {order} LIMIT %s",
                [match, *order_params, limit],
            )
            return [{"title": t, "url": u, "kind": k} for t, u, k in cursor.fetchall()]

    def related(self, key, audience, limit=5, excluded=frozenset()):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT f2.doc_id, count(*) AS shared FROM {DOCS} d "
                f"JOIN {FACET_TABLE} f1 ON f1.doc_id = d.id AND f1.facet IN ('theme', 'tag', 'narrator') "
                f"JOIN {FACET_TABLE} f2 ON f2.facet = f1.facet AND f2.value = f1.value AND f2.doc_id != d.id "
                f"JOIN {DOCS} d2 ON d2.id = f2.doc_id AND d2.kind != 'segment' "
                f"JOIN {FTS} ON {FTS}.rowid = d2.id AND {self.dialect.match_sql} "
                "WHERE d.key = %s GROUP BY f2.doc_id ORDER BY shared DESC, f2.doc_id LIMIT %s",
                [self.dialect.audience_match(audience, excluded), key, limit],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return []
            marks = ",".join("%s" for _ in ids)
            cursor.execute(f"SELECT id, title, url, kind FROM {DOCS} WHERE id IN ({marks})", ids)
            rows = {pk: (t, u, k) for pk, t, u, k in cursor.fetchall()}
            return [{"title": rows[i][0], "url": rows[i][1], "kind": rows[i][2]} for i in ids]

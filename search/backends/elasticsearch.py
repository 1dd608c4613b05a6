"""The Elasticsearch backend, declared with the Elasticsearch DSL (``elasticsearch.dsl``).

Chinese analysis uses only what ships with Elasticsearch: the ``cjk_bigram`` filter
(the heart of the built-in ``cjk`` analyzer) keeping unigrams too, so one- and
two-character queries match like the embedded backend; ``smartcn`` word segmentation
is added as a sub-field when the plugin is installed (option ``smartcn``). Traditional →
Simplified and pinyin happen in search.text before documents and queries arrive, as
Elasticsearch has no built-in for either. Who may find a document is a keyword filter
on every query, suggestion (a completion context) and aggregation; documents of the
subjects excluded at query time are a ``must_not`` on queries and aggregations, and are
dropped from suggestions (a completion context can only include) after over-fetching. Rebuilds write a
new index and move the alias in one step, so search never goes down.
"""

import logging
import time
from collections.abc import Iterable

from elasticsearch import Elasticsearch, helpers
from elasticsearch.dsl import (
    Completion,
    Document,
    Float,
    Index,
    Integer,
    Keyword,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
)

from ..documents import FACETS, Hit, Query, Results, SearchDocument
from ..text import CJK, excerpt, index_text, normalise, parse_query, suggestion_words
from .base import SearchBackend

logger = logging.getLogger(__name__)

cjk_bigram = token_filter("libei_cjk_bigram", type="cjk_bigram", output_unigrams=True)
chinese = analyzer("libei_chinese", tokenizer="standard", filter=["cjk_width", "lowercase", cjk_bigram])
FACET_FIELDS = {
    "kind": "kind",
    "narrator": "narrators",
    "village": "villages",
    "theme": "themes",
    "tag": "tags",
    "decade": "decade",
}


class ArchiveDocument(Document):
    key = Keyword()
    kind = Keyword()
    title = Text(analyzer=chinese, fields={"raw": Keyword()})
    body = Text(analyzer=chinese, term_vector="with_positions_offsets")
    title_display = Keyword(index=False)
    body_display = Text(index=False)
    url = Keyword(index=False)
    audio = Keyword(index=False)
    audiences = Keyword()
    narrators = Keyword()
    subjects = Keyword()
    villages = Keyword()
    themes = Keyword()
    tags = Keyword()
    decade = Integer()
    start = Float()
    end = Float()
    pinyin = Text(analyzer="whitespace")
    initials = Text(analyzer="whitespace")
    suggest = Completion(analyzer="simple", contexts=[{"name": "audience", "type": "category", "path": "audiences"}])

    @classmethod
    def prepare(cls, document: SearchDocument) -> "ArchiveDocument":
        title, body = index_text(document.title), index_text(document.body)
        return cls(
            meta={"id": document.key},
            key=document.key,
            kind=document.kind,
            title=normalise(document.title),
            body=normalise(document.body),
            title_display=document.title,
            body_display=document.body,
            url=document.url,
            audio=document.audio,
            audiences=document.audiences,
            narrators=document.narrators,
            subjects=document.subjects,
            villages=document.villages,
            themes=document.themes,
            tags=document.tags,
            decade=document.decade,
            start=document.start,
            end=document.end,
            pinyin=f"{title.pinyin} _ {body.pinyin}",
            initials=f"{title.initials} _ {body.initials}",
            # Pinyin typed whole (kaiwang) or a syllable at a time (kai wang) completes the title.
            suggest={"input": [normalise(document.title), title.pinyin.replace(" ", ""), title.pinyin]}
            if document.kind != "segment"
            else None,
        )


def index_body(smartcn: bool = False) -> dict:
    """Settings and mappings of a new index (the DSL's own rendering, plus smartcn if asked)."""
    index = Index("template")
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(ArchiveDocument)
    body = index.to_dict()
    if smartcn:
        for field in ("title", "body"):
            body["mappings"]["properties"][field].setdefault("fields", {})["smart"] = {
                "type": "text",
                "analyzer": "smartcn",
            }
    return body


def _term_query(term) -> Q:
    if term.is_cjk:
        text = term.text.replace(" ", "")
        return Q("multi_match", query=text, fields=["title^3", "body"], type="phrase")
    options = [Q("multi_match", query=term.text, fields=["title^3", "body"], operator="and")]
    if term.pinyin:
        syllables, prefix = term.pinyin
        kind = "match_phrase_prefix" if prefix else "match_phrase"
        options.append(Q(kind, pinyin=" ".join(syllables)))
    elif term.text.isascii() and term.text.isalpha() and 2 <= len(term.text) <= 6:
        options.append(Q("match_phrase", initials=" ".join(term.text)))
    return Q("bool", should=options, minimum_should_match=1)


def build_search(query: Query, index: str) -> Search | None:
    """The request the search page makes, as the Elasticsearch DSL object (tests read its body)."""
    terms = parse_query(query.text).terms
    if not terms:
        return None
    search = Search(index=index).query(Q("bool", must=[_term_query(t) for t in terms]))
    # Exact totals: by default Elasticsearch stops counting at 10,000 and says "at least".
    search = search.filter("term", audiences=query.audience).extra(track_total_hits=True)
    if query.excluded_subjects:
        search = search.exclude("terms", subjects=sorted(query.excluded_subjects))
    for name, value in query.filters.items():
        if name in FACET_FIELDS:
            search = search.filter("term", **{FACET_FIELDS[name]: value})
    for name, field in FACET_FIELDS.items():
        search.aggs.bucket(name, "terms", field=field, size=50)
    search = search.highlight(
        "body",
        fragment_size=60,
        number_of_fragments=1,
        pre_tags=["<mark>"],
        post_tags=["</mark>"],
        encoder="html",
        type="fvh",
    )
    return search[query.offset : query.offset + query.limit]


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, url: str = "", index: str = "libei", smartcn: bool = False, **options):
        if not url:
            raise ValueError("ELASTICSEARCH_URL is not set")
        self.client = Elasticsearch(url, request_timeout=30)
        self.alias = index
        self.smartcn = smartcn
        self._ready = False

    def _ensure(self) -> None:
        # One round trip per process, not one per query.
        if self._ready:
            return
        if not self.client.indices.exists_alias(name=self.alias):
            name = f"{self.alias}-{int(time.time() * 1000)}"
            self.client.indices.create(index=name, **index_body(self.smartcn))
            self.client.indices.put_alias(index=name, name=self.alias)
        self._ready = True

    def _actions(self, documents: Iterable[SearchDocument], index: str):
        for document in documents:
            yield ArchiveDocument.prepare(document).to_dict(include_meta=True) | {"_index": index}

    def upsert(self, documents):
        self._ensure()
        written, _ = helpers.bulk(self.client, self._actions(documents, self.alias), refresh="wait_for")
        return written

    def delete(self, keys):
        self._ensure()
        for key in keys:
            self.client.options(ignore_status=404).delete(index=self.alias, id=key, refresh="wait_for")

    def delete_prefix(self, prefix):
        self._ensure()
        self.client.delete_by_query(index=self.alias, query={"prefix": {"key": prefix}}, refresh=True)

    def rebuild(self, documents, progress=None):
        name = f"{self.alias}-{int(time.time() * 1000)}"
        self.client.indices.create(index=name, **index_body(self.smartcn))
        written = 0
        try:
            for ok, _ in helpers.streaming_bulk(self.client, self._actions(documents, name)):
                written += ok
                if progress and written % 1000 == 0:
                    progress(written)
            self.client.indices.refresh(index=name)
            old = (
                list(self.client.indices.get_alias(name=self.alias))
                if self.client.indices.exists_alias(name=self.alias)
                else []
            )
            actions = [{"add": {"index": name, "alias": self.alias}}]
            actions += [{"remove": {"index": index, "alias": self.alias}} for index in old]
            self.client.indices.update_aliases(actions=actions)
        except BaseException:
            # The alias still names the old index; the half-built one would only take disk. Its
            # removal failing too must not hide why the rebuild failed.
            try:
                self.client.options(ignore_status=404).indices.delete(index=name)
            except Exception:
                logger.exception("could not delete the half-built index %s", name)
            raise
        for index in old:
            self.client.indices.delete(index=index, ignore_unavailable=True)
        self._ready = True
        return written

    def drop(self) -> None:
        self._ready = False
        if self.client.indices.exists_alias(name=self.alias):
            for index in self.client.indices.get_alias(name=self.alias):
                self.client.indices.delete(index=index)

    def count(self):
        self._ensure()
        return self.client.count(index=self.alias)["count"]

    def search(self, query: Query) -> Results:
        search = build_search(query, self.alias)
        if search is None:
            return Results(0, [], {name: [] for name in FACETS})
        self._ensure()
        response = search.using(self.client).execute()
        words = parse_query(query.text).highlight_words
        hits = []
        for hit in response.hits:
            fragments = getattr(getattr(hit.meta, "highlight", None), "body", None)
            body = hit.body_display or ""
            text = fragments[0] if fragments else excerpt(body or hit.title_display, words)
            hits.append(
                Hit(
                    hit.key,
                    hit.kind,
                    hit.title_display,
                    hit.url,
                    text,
                    getattr(hit, "start", None),  # None is left out of _source: a page has no start
                    hit.meta.score,
                    text=body,
                    narrators=list(getattr(hit, "narrators", None) or []),
                    end=getattr(hit, "end", None),
                    audio=getattr(hit, "audio", "") or "",
                )
            )
        facets = {
            name: [(str(b.key), b.doc_count) for b in getattr(response.aggregations, name).buckets]
            for name in FACET_FIELDS
        }
        return Results(response.hits.total.value, hits, facets)

    def suggest(self, prefix, audience, limit=8, excluded=frozenset()):
        prefix = normalise(prefix).strip()[:40]
        if not CJK.search(prefix):
            # Latin: its words as the embedded backend reads them ("kai-wang" → "kai wang"); a
            # prefix of symbols only would complete every title.
            read = suggestion_words(prefix)
            if read is None:
                return []
            prefix = " ".join(read[0])
        self._ensure()
        search = Search(index=self.alias).suggest(
            "titles",
            prefix,
            completion={
                "field": "suggest",
                # Room for the options an excluded subject's documents take, dropped below.
                "size": limit + (4 * limit if excluded else 0),
                "contexts": {"audience": [audience]},
            },
        )
        response = search.using(self.client).execute()
        found = [
            {"title": option._source["title_display"], "url": option._source["url"], "kind": option._source["kind"]}
            for option in response.suggest.titles[0].options
            if not excluded.intersection(option._source.to_dict().get("subjects") or [])
        ]
        return found[:limit]

    def related(self, key, audience, limit=5, excluded=frozenset()):
        self._ensure()
        source = self.client.options(ignore_status=404).get(index=self.alias, id=key)
        if not source.get("found"):
            return []
        doc = source["_source"]
        should = [Q("terms", **{field: doc.get(field) or []}) for field in ("themes", "tags", "narrators")]
        search = (
            Search(index=self.alias)
            .query(Q("bool", should=should, minimum_should_match=1))
            .filter("term", audiences=audience)
            .exclude("term", kind="segment")
            .exclude("term", key=key)
        )
        if excluded:
            search = search.exclude("terms", subjects=sorted(excluded))
        search = search[:limit]
        return [{"title": h.title_display, "url": h.url, "kind": h.kind} for h in search.using(self.client).execute()]

"""The Elasticsearch dialect on the wire: the real backend and client against a recording stub.

No Elasticsearch cluster can run on the machines this suite runs on, and the contract suite
(test_contract.py) only reaches the dialect when ELASTICSEARCH_URL names a real cluster. So
here the real ``ElasticsearchBackend``, with the real ``elasticsearch`` client over real HTTP,
talks to a small in-process server that records every request (method, path, query string,
JSON or NDJSON body) and answers with canned Elasticsearch-shaped JSON. These tests check what
the dialect SENDS - above all the audience filter and the exclusion of subjects whose consent
is withdrawn now - and how it READS the answers. They do not pretend to test Elasticsearch's
matching, scoring or analysis: that is the contract suite's job against a real cluster.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from elasticsearch import BadRequestError
from elasticsearch.helpers import BulkIndexError

from search.backends.elasticsearch import ArchiveDocument, ElasticsearchBackend, index_body
from search.documents import FACETS, Hit, Query, Results, SearchDocument
from tests.clock import NOW

ALIAS = "libei"
# The index a rebuild (or a first _ensure) makes when the clock stands at tests.clock.NOW:
# the alias and NOW in milliseconds.
NEW_INDEX = "libei-1799978400000"
AUDIENCES = ["public", "community", "facilitator"]
# GET /_alias/libei with two indices behind the alias: each is taken off it and deleted.
TWO_OLD_INDICES = {"libei-1": {"aliases": {"libei": {}}}, "libei-2": {"aliases": {"libei": {}}}}


# --- The stub cluster -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One request as the stub received it (the path with its %-escapes decoded)."""

    method: str
    path: str
    params: dict = field(default_factory=dict)
    body: object = None


ALIAS_CHECK = Sent("HEAD", f"/_alias/{ALIAS}")


class StubCluster:
    """Records requests; answers ``(method, path)`` from what a test set with ``answer``.

    Unset, the alias exists (HEAD /_alias/libei is 200), a bulk request succeeds for each of
    its actions, and anything else is acknowledged.
    """

    def __init__(self):
        self.requests: list[Sent] = []
        self.answers: dict[tuple[str, str], tuple[int, object]] = {}
        self.url = ""

    def answer(self, method: str, path: str, body: object = None, status: int = 200) -> None:
        self.answers[(method, path)] = (status, body)

    def respond(self, sent: Sent) -> tuple[int, object]:
        if (sent.method, sent.path) in self.answers:
            return self.answers[(sent.method, sent.path)]
        if sent.path == "/_bulk":
            items = [
                {"index": {"_index": action["index"]["_index"], "_id": action["index"]["_id"], "status": 201}}
                for action in sent.body[::2]
            ]
            return 200, {"took": 1, "errors": False, "items": items}
        return 200, {"acknowledged": True}

    def after_alias_check(self) -> list[Sent]:
        """What a fresh backend sent after its one alias check, which must come first."""
        assert self.requests[0] == ALIAS_CHECK
        return self.requests[1:]


def _handler(cluster: StubCluster):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the client's connection pool expects

        def _handle(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not raw:
                body = None
            elif "ndjson" in self.headers.get("Content-Type", ""):
                body = [json.loads(line) for line in raw.decode().splitlines() if line]
            else:
                body = json.loads(raw)
            url = urlsplit(self.path)
            sent = Sent(self.command, unquote(url.path), dict(parse_qsl(url.query)), body)
            cluster.requests.append(sent)
            status, answer = cluster.respond(sent)
            data = b"" if self.command == "HEAD" else json.dumps(answer).encode()
            self.send_response(status)
            # The client refuses any 2xx answer without this header (elasticsearch-py 8).
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Type", "application/vnd.elasticsearch+json; compatible-with=8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def cluster():
    stub = StubCluster()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    # A short poll: shutdown() waits for it, at every test's teardown.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_port}"
    yield stub
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def backend(cluster):
    """A fresh backend per test: its first request is the alias check."""
    instance = ElasticsearchBackend(url=cluster.url)
    yield instance
    instance.client.close()


@pytest.fixture
def ready(backend, cluster):
    """A backend that has made its alias check, with nothing recorded yet."""
    backend._ensure()
    cluster.requests.clear()
    return backend


@pytest.fixture
def frozen_clock(clock):
    # New index names carry the time in milliseconds: hold the clock still to know them.
    clock.move_to(NOW, tick=False)
    return clock


# --- Documents and answers ------------------------------------------------------------------


def document(key, kind="oral_history", title="开网店", body="", audiences=AUDIENCES, **extra) -> SearchDocument:
    return SearchDocument(key, kind, title, body, f"/{key}", list(audiences), **extra)


def stored(doc: SearchDocument) -> dict:
    """The _source Elasticsearch hands back: what the dialect wrote for the document."""
    return ArchiveDocument.prepare(doc).to_dict()


def found(doc: SearchDocument, score: float = 1.0, fragments: list[str] | None = None) -> dict:
    hit = {"_index": "libei-1", "_id": doc.key, "_score": score, "_source": stored(doc)}
    if fragments is not None:
        hit["highlight"] = {"body": fragments}
    return hit


def search_answer(hits: list[dict], total: int | None = None, facets: dict | None = None) -> dict:
    buckets = {name: [{"key": key, "doc_count": n} for key, n in (facets or {}).get(name, [])] for name in FACETS}
    return {
        "took": 2,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": len(hits) if total is None else total, "relation": "eq"},
            "max_score": max((h["_score"] for h in hits), default=None),
            "hits": hits,
        },
        "aggregations": {
            name: {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": b}
            for name, b in buckets.items()
        },
    }


def suggest_answer(prefix: str, docs: list[SearchDocument]) -> dict:
    options = [{"text": d.title, "_index": "libei-1", "_id": d.key, "_score": 1.0, "_source": stored(d)} for d in docs]
    return search_answer([]) | {
        "suggest": {"titles": [{"text": prefix, "offset": 0, "length": len(prefix), "options": options}]}
    }


def segment(n: int, body: str, **extra) -> SearchDocument:
    return document(f"page:1/seg:{n}", "segment", "外婆的辣子鸡", body, start=float(n), **extra)


def word(text: str) -> dict:
    """A Latin word searched as typed: every word in the title (weighted) or the body."""
    return {"multi_match": {"query": text, "fields": ["title^3", "body"], "operator": "and"}}


def only(sent: list[Sent]) -> Sent:
    assert len(sent) == 1, sent
    return sent[0]


# --- The client ------------------------------------------------------------------------------


def test_the_backend_needs_an_address_and_waits_30_seconds_for_an_answer(cluster):
    for missing in ({}, {"url": ""}):
        with pytest.raises(ValueError, match="^ELASTICSEARCH_URL is not set$"):
            ElasticsearchBackend(**missing)
    backend = ElasticsearchBackend(url=cluster.url)
    assert backend.client._request_timeout == 30  # the client's per-request timeout (elasticsearch-py 8)
    assert cluster.requests == []  # made lazily: building the backend sends nothing


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_search_is_filtered_to_the_audience_asked(backend, cluster, audience):
    cluster.answer("POST", "/libei/_search", search_answer([]))
    backend.search(Query("辣子鸡", audience))
    search = only(cluster.after_alias_check())
    assert (search.method, search.path) == ("POST", "/libei/_search")
    # Nothing excluded: the audience is the only filter.
    assert search.body["query"]["bool"]["filter"] == [{"term": {"audiences": audience}}]


def test_a_search_sends_the_audience_the_excluded_subjects_the_known_facets_and_the_page(backend, cluster):
    cluster.answer("POST", "/libei/_search", search_answer([]))
    query = Query(
        "辣子雞 lazij",
        "community",
        {"theme": "电商", "bogus": "x", "decade": "1970"},
        limit=10,
        offset=30,
        excluded_subjects=frozenset({"n2", "n1"}),
    )
    backend.search(query)
    search = only(cluster.after_alias_check())
    assert search == Sent(
        "POST",
        "/libei/_search",
        {},
        {
            "query": {
                "bool": {
                    "must": [
                        {"multi_match": {"query": "辣子鸡", "fields": ["title^3", "body"], "type": "phrase"}},
                        {
                            "bool": {
                                "minimum_should_match": 1,
                                "should": [
                                    word("lazij"),
                                    {"match_phrase_prefix": {"pinyin": "la zi j"}},
                                ],
                            }
                        },
                    ],
                    "filter": [
                        {"term": {"audiences": "community"}},
                        # Sorted, so the same exclusion is the same request (and cache key).
                        {"bool": {"must_not": [{"terms": {"subjects": ["n1", "n2"]}}]}},
                        # Known facets only: "bogus" is not a field.
                        {"term": {"themes": "电商"}},
                        {"term": {"decade": "1970"}},
                    ],
                }
            },
            "aggs": {
                "kind": {"terms": {"field": "kind", "size": 50}},
                "narrator": {"terms": {"field": "narrators", "size": 50}},
                "village": {"terms": {"field": "villages", "size": 50}},
                "theme": {"terms": {"field": "themes", "size": 50}},
                "tag": {"terms": {"field": "tags", "size": 50}},
                "decade": {"terms": {"field": "decade", "size": 50}},
            },
            "from": 30,
            "size": 10,
            # Exact totals past Elasticsearch's default cap of 10,000.
            "track_total_hits": True,
            "highlight": {
                "fields": {
                    "body": {
                        "fragment_size": 60,
                        "number_of_fragments": 1,
                        "pre_tags": ["<mark>"],
                        "post_tags": ["</mark>"],
                        "encoder": "html",
                        "type": "fvh",
                    }
                }
            },
        },
    )


@pytest.mark.parametrize(
    ("text", "options"),
    [
        # Letters that are not pinyin, two to six of them, may be initials (lzj: la zi ji).
        ("qx", [{"match_phrase": {"initials": "q x"}}]),
        ("bcdfgh", [{"match_phrase": {"initials": "b c d f g h"}}]),
        ("bcdfghk", []),  # seven: a word, not initials
        ("v", []),  # one letter that is no pinyin either
        ("b2", []),  # not letters only
        # Whole pinyin is a phrase, the last syllable unfinished a phrase prefix.
        ("lazi", [{"match_phrase": {"pinyin": "la zi"}}]),
        ("lazij", [{"match_phrase_prefix": {"pinyin": "la zi j"}}]),
    ],
)
def test_a_latin_word_is_searched_as_a_word_and_as_pinyin_or_initials(backend, cluster, text, options):
    cluster.answer("POST", "/libei/_search", search_answer([]))
    backend.search(Query(text, "public"))
    must = only(cluster.after_alias_check()).body["query"]["bool"]["must"]
    assert must == [{"bool": {"should": [word(text), *options], "minimum_should_match": 1}}]


def test_a_quoted_chinese_phrase_is_one_phrase_without_its_spaces(backend, cluster):
    cluster.answer("POST", "/libei/_search", search_answer([]))
    backend.search(Query('"外婆 辣子鸡"', "public"))
    must = only(cluster.after_alias_check()).body["query"]["bool"]["must"]
    assert must == [{"multi_match": {"query": "外婆辣子鸡", "fields": ["title^3", "body"], "type": "phrase"}}]


def test_a_search_without_exclusions_or_facets_asks_the_first_page_of_twenty(backend, cluster):
    cluster.answer("POST", "/libei/_search", search_answer([]))
    backend.search(Query("茶", "facilitator"))
    body = only(cluster.after_alias_check()).body
    assert body["query"]["bool"] == {
        "must": [{"multi_match": {"query": "茶", "fields": ["title^3", "body"], "type": "phrase"}}],
        "filter": [{"term": {"audiences": "facilitator"}}],
    }
    assert (body["from"], body["size"]) == (0, 20)


def test_the_answer_is_read_into_results(backend, cluster):
    told = segment(
        3,
        "外婆说辣子鸡要用糍粑辣椒",
        narrators=["王秀英"],
        end=7.5,
        audio="/media/1.ogg",
        subjects=["n1"],
    )
    script = segment(4, "<script>辣子雞</script>")  # no narrators, no end, no audio
    hits = [found(told, 2.5, fragments=["外婆说<mark>辣子鸡</mark>要用"]), found(script, 1.25)]
    facets = {"kind": [("segment", 2)], "narrator": [("王秀英", 1)], "decade": [(1970, 2)]}
    cluster.answer("POST", "/libei/_search", search_answer(hits, total=7, facets=facets))
    results = backend.search(Query("辣子雞", "public"))
    assert results == Results(
        7,  # the total Elasticsearch counted, not the hits on this page
        [
            Hit(
                "page:1/seg:3",
                "segment",
                "外婆的辣子鸡",
                "/page:1/seg:3",
                "外婆说<mark>辣子鸡</mark>要用",  # the highlighted fragment, as Elasticsearch escaped it
                3.0,
                2.5,
                text="外婆说辣子鸡要用糍粑辣椒",
                narrators=["王秀英"],
                end=7.5,
                audio="/media/1.ogg",
            ),
            Hit(
                "page:1/seg:4",
                "segment",
                "外婆的辣子鸡",
                "/page:1/seg:4",
                # No fragment: our own excerpt, HTML-escaped, the match marked.
                "&lt;script&gt;<mark>辣子雞</mark>&lt;/script&gt;",
                4.0,
                1.25,
                text="<script>辣子雞</script>",
                narrators=[],
                end=None,
                audio="",
            ),
        ],
        {
            "kind": [("segment", 2)],
            "narrator": [("王秀英", 1)],
            "village": [],
            "theme": [],
            "tag": [],
            "decade": [("1970", 2)],  # keys as text, whatever the field's type
        },
    )


def test_a_hit_without_a_body_shows_its_title_and_one_stored_before_audio_existed_has_none(backend, cluster):
    untold = segment(5, "")
    hit = found(untold, 1.0)
    del hit["_source"]["audio"]
    cluster.answer("POST", "/libei/_search", search_answer([hit]))
    [result] = backend.search(Query("辣子鸡", "public")).hits
    assert (result.excerpt, result.text, result.audio) == ("外婆的<mark>辣子鸡</mark>", "", "")


def test_a_page_hit_has_no_start_and_an_item_without_text_shows_its_title(backend, cluster):
    # The DSL leaves None out of _source: a page has no start (nor end, audio, narrators).
    page = found(document("page:1/", title="外婆的辣子鸡", body=""))
    assert "start" not in page["_source"]
    cluster.answer("POST", "/libei/_search", search_answer([page]))
    [result] = backend.search(Query("辣子鸡", "public")).hits
    assert (result.start, result.end, result.text) == (None, None, "")
    assert result.excerpt == "外婆的<mark>辣子鸡</mark>"


@pytest.mark.parametrize("text", ["", "   ", "***", "😀"])
def test_a_query_with_nothing_to_find_sends_no_request(backend, cluster, text):
    # Not even the alias check of a fresh process: an empty search box costs the cluster nothing.
    assert backend.search(Query(text, "public")) == Results(
        0, [], {"kind": [], "narrator": [], "village": [], "theme": [], "tag": [], "decade": []}
    )
    assert cluster.requests == []


# --- suggest ---------------------------------------------------------------------------------


def completion(prefix: str, audience: str, size: int) -> dict:
    return {
        "suggest": {
            "titles": {
                "prefix": prefix,
                "completion": {"field": "suggest", "size": size, "contexts": {"audience": [audience]}},
            }
        }
    }


@pytest.mark.parametrize("audience", AUDIENCES)
def test_suggest_asks_the_completion_of_the_audience_for_the_limit(backend, cluster, audience):
    titles = [document(f"page:{n}/", title=f"开网店{n}") for n in range(3)]
    cluster.answer("POST", "/libei/_search", suggest_answer("kai", titles))
    assert backend.suggest("kai", audience, limit=2) == [
        {"title": "开网店0", "url": "/page:0/", "kind": "oral_history"},
        {"title": "开网店1", "url": "/page:1/", "kind": "oral_history"},
    ]
    assert only(cluster.after_alias_check()) == Sent("POST", "/libei/_search", {}, completion("kai", audience, 2))


def test_suggest_asks_eight_unless_told(ready, cluster):
    titles = [document(f"page:{n}/", title=f"开网店{n}") for n in range(9)]
    cluster.answer("POST", "/libei/_search", suggest_answer("kai", titles))
    assert len(ready.suggest("kai", "public")) == 8
    assert only(cluster.requests).body == completion("kai", "public", 8)


def test_suggest_over_fetches_and_drops_the_options_of_excluded_subjects(ready, cluster):
    options = [
        document("page:1/", title="开网店", subjects=["n1"]),
        document("page:2/", title="开花", subjects=["n3", "n2"]),
        document("page:3/", title="开门"),  # no subjects at all
        document("page:4/", title="开水", subjects=["n3"]),
        document("page:5/", title="开会", subjects=["n4"]),
        document("page:6/", title="开心", subjects=["n5"]),
    ]
    cluster.answer("POST", "/libei/_search", suggest_answer("开", options))
    found_titles = ready.suggest("开", "community", limit=3, excluded=frozenset({"n1", "n2"}))
    assert found_titles == [
        {"title": "开门", "url": "/page:3/", "kind": "oral_history"},
        {"title": "开水", "url": "/page:4/", "kind": "oral_history"},
        {"title": "开会", "url": "/page:5/", "kind": "oral_history"},
    ]
    # Room for 4 x limit options of excluded subjects: a completion context can only include.
    assert only(cluster.requests).body == completion("开", "community", 3 + 12)


@pytest.mark.parametrize("prefix", ["", "   ", "😀", "é", "\u3000", "*", "-", "'", "_", "***"])
def test_a_prefix_with_nothing_to_complete_sends_no_request(backend, cluster, prefix):
    # Not even a fresh process's alias check.
    assert backend.suggest(prefix, "public", excluded=frozenset({"n1"})) == []
    assert cluster.requests == []


@pytest.mark.parametrize(
    ("prefix", "sent"),
    [
        ("開網", "开网"),  # Traditional folds into Simplified, as the titles were indexed
        ("  ＫＡＩ wang ", "kai wang"),  # full-width to ASCII, lower case, trimmed
        ("辣😀", "辣😀"),  # any Chinese character makes it worth asking
        ("辣" * 45, "辣" * 40),  # cut to 40 characters
        (" " + "a" * 45, "a" * 40),  # trimmed before the cut
        ("kai-wang", "kai wang"),  # Latin words as the embedded backend reads them
        ('"Kai" *wang', "kai wang"),
        ("2019", "2019"),
    ],
)
def test_the_prefix_is_normalised_and_cut_before_it_is_sent(ready, cluster, prefix, sent):
    cluster.answer("POST", "/libei/_search", suggest_answer(sent, []))
    assert ready.suggest(prefix, "public", limit=4) == []
    assert only(cluster.requests).body == completion(sent, "public", 4)


# --- related ---------------------------------------------------------------------------------


def test_related_to_an_unknown_key_is_nothing(backend, cluster):
    cluster.answer("GET", "/libei/_doc/page:9/", {"_index": "libei-1", "_id": "page:9/", "found": False}, status=404)
    assert backend.related("page:9/", "public") == []
    assert cluster.after_alias_check() == [Sent("GET", "/libei/_doc/page:9/")]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_related_shares_a_theme_tag_or_narrator_within_the_audience_leaving_out_excluded_subjects(
    backend, cluster, audience
):
    source = document("page:1/", themes=["电商", "辣椒"], narrators=["王秀英"])  # no tags
    cluster.answer("GET", "/libei/_doc/page:1/", {"_id": "page:1/", "found": True, "_source": stored(source)})
    hits = [found(document("page:2/", "recipe", "王家辣子鸡")), found(document("page:3/", title="辣椒"))]
    cluster.answer("POST", "/libei/_search", search_answer(hits))
    assert backend.related("page:1/", audience, limit=3, excluded=frozenset({"n9", "n1"})) == [
        {"title": "王家辣子鸡", "url": "/page:2/", "kind": "recipe"},
        {"title": "辣椒", "url": "/page:3/", "kind": "oral_history"},
    ]
    read, search = cluster.after_alias_check()
    assert read == Sent("GET", "/libei/_doc/page:1/")
    assert search == Sent(
        "POST",
        "/libei/_search",
        {},
        {
            "query": {
                "bool": {
                    "should": [
                        {"terms": {"themes": ["电商", "辣椒"]}},
                        {"terms": {"tags": []}},
                        {"terms": {"narrators": ["王秀英"]}},
                    ],
                    "minimum_should_match": 1,
                    "filter": [
                        {"term": {"audiences": audience}},
                        {"bool": {"must_not": [{"term": {"kind": "segment"}}]}},
                        {"bool": {"must_not": [{"term": {"key": "page:1/"}}]}},
                        {"bool": {"must_not": [{"terms": {"subjects": ["n1", "n9"]}}]}},
                    ],
                }
            },
            "size": 3,
        },
    )


def test_related_without_exclusions_asks_five(ready, cluster):
    source = document("page:1/", tags=["茶"])
    cluster.answer("GET", "/libei/_doc/page:1/", {"_id": "page:1/", "found": True, "_source": stored(source)})
    cluster.answer("POST", "/libei/_search", search_answer([]))
    assert ready.related("page:1/", "public") == []
    body = cluster.requests[1].body
    assert body["query"]["bool"]["filter"] == [
        {"term": {"audiences": "public"}},
        {"bool": {"must_not": [{"term": {"kind": "segment"}}]}},
        {"bool": {"must_not": [{"term": {"key": "page:1/"}}]}},
    ]
    assert body["size"] == 5


# --- _ensure ---------------------------------------------------------------------------------


def test_an_existing_alias_is_checked_once_per_backend(backend, cluster):
    backend._ensure()
    backend._ensure()
    assert cluster.requests == [ALIAS_CHECK]


def test_a_missing_alias_gets_a_new_index_named_by_the_time_and_the_alias(backend, cluster, frozen_clock):
    cluster.answer("HEAD", "/_alias/libei", status=404)
    backend._ensure()
    backend._ensure()
    check, create, alias = cluster.requests
    assert check == ALIAS_CHECK
    assert create == Sent("PUT", f"/{NEW_INDEX}", {}, index_body())
    assert create.body["settings"]["number_of_shards"] == 1 and create.body["settings"]["number_of_replicas"] == 0
    assert "fields" not in create.body["mappings"]["properties"]["body"]
    assert create.body["mappings"]["properties"]["title"]["fields"] == {"raw": {"type": "keyword"}}
    assert alias == Sent("PUT", f"/{NEW_INDEX}/_alias/libei")


@pytest.mark.parametrize(
    "make_index", [ElasticsearchBackend._ensure, lambda backend: backend.rebuild([])], ids=["_ensure", "rebuild"]
)
def test_a_smartcn_backend_indexes_title_and_body_with_smartcn_too(cluster, frozen_clock, make_index):
    cluster.answer("HEAD", "/_alias/archive", status=404)
    backend = ElasticsearchBackend(url=cluster.url, index="archive", smartcn=True)
    make_index(backend)
    [create] = [sent for sent in cluster.requests if sent.method == "PUT" and sent.path == "/archive-1799978400000"]
    smart = {"type": "text", "analyzer": "smartcn"}
    assert create.body["mappings"]["properties"]["title"]["fields"] == {"raw": {"type": "keyword"}, "smart": smart}
    assert create.body["mappings"]["properties"]["body"]["fields"] == {"smart": smart}
    backend.client.close()


# --- writing ---------------------------------------------------------------------------------


def test_upsert_writes_each_document_through_the_alias_and_waits_for_it_to_be_searchable(backend, cluster):
    page = SearchDocument(
        "page:12/",
        "oral_history",
        "開網店",
        "外婆說：辣子雞",
        "/stories/12/",
        ["public", "community"],
        narrators=["王秀英"],
        villages=["立碑村"],
        themes=["电商"],
        tags=["辣椒"],
        decade=1970,
        subjects=["n7"],
    )
    part = SearchDocument(
        "page:12/seg:3",
        "segment",
        "開網店",
        "辣子鸡装瓶",
        "/stories/12/#t=10.5",
        ["community"],
        narrators=["王秀英"],
        start=10.5,
        end=14.25,
        subjects=["n7", "n9"],
        audio="/media/12.ogg",
    )
    assert backend.upsert([page, part]) == 2
    bulk = only(cluster.after_alias_check())
    assert (bulk.method, bulk.path, bulk.params) == ("PUT", "/_bulk", {"refresh": "wait_for"})
    assert bulk.body == [
        {"index": {"_id": "page:12/", "_index": "libei"}},
        {
            "key": "page:12/",
            "kind": "oral_history",
            "title": "开网店",
            "body": "外婆说:辣子鸡",
            "title_display": "開網店",
            "body_display": "外婆說：辣子雞",
            "url": "/stories/12/",
            "audio": "",
            "audiences": ["public", "community"],
            "narrators": ["王秀英"],
            "subjects": ["n7"],
            "villages": ["立碑村"],
            "themes": ["电商"],
            "tags": ["辣椒"],
            "decade": 1970,
            "pinyin": "kai wang dian _ wai po shuo la zi ji",
            "initials": "k w d _ w p s l z j",
            "suggest": {"input": ["开网店", "kaiwangdian", "kai wang dian"]},
        },
        {"index": {"_id": "page:12/seg:3", "_index": "libei"}},
        {
            # A segment is found by search, never completed as a title.
            "key": "page:12/seg:3",
            "kind": "segment",
            "title": "开网店",
            "body": "辣子鸡装瓶",
            "title_display": "開網店",
            "body_display": "辣子鸡装瓶",
            "url": "/stories/12/#t=10.5",
            "audio": "/media/12.ogg",
            "audiences": ["community"],
            "narrators": ["王秀英"],
            "subjects": ["n7", "n9"],
            "start": 10.5,
            "end": 14.25,
            "pinyin": "kai wang dian _ la zi ji zhuang ping",
            "initials": "k w d _ l z j z p",
        },
    ]


def test_delete_removes_each_key_and_a_key_already_gone_is_no_error(backend, cluster):
    cluster.answer("DELETE", "/libei/_doc/gone", {"_id": "gone", "result": "not_found"}, status=404)
    assert backend.delete(["page:1/", "gone"]) is None
    assert cluster.after_alias_check() == [
        Sent("DELETE", "/libei/_doc/page:1/", {"refresh": "wait_for"}),
        Sent("DELETE", "/libei/_doc/gone", {"refresh": "wait_for"}),
    ]


def test_delete_prefix_deletes_by_a_prefix_on_the_key(backend, cluster):
    cluster.answer("POST", "/libei/_delete_by_query", {"deleted": 3})
    assert backend.delete_prefix("page:1/") is None
    assert cluster.after_alias_check() == [
        Sent("POST", "/libei/_delete_by_query", {"refresh": "true"}, {"query": {"prefix": {"key": "page:1/"}}})
    ]


def test_count_counts_through_the_alias(backend, cluster):
    cluster.answer("POST", "/libei/_count", {"count": 42, "_shards": {"total": 1}})
    assert backend.count() == 42
    assert cluster.after_alias_check() == [Sent("POST", "/libei/_count")]


# --- rebuild and drop ------------------------------------------------------------------------


def test_rebuild_fills_a_new_index_and_moves_the_alias_in_one_step(backend, cluster, frozen_clock):
    cluster.answer("GET", "/_alias/libei", TWO_OLD_INDICES)
    tea = document("page:1/", title="茶", body="采茶")
    assert backend.rebuild([tea]) == 1
    assert cluster.requests == [
        Sent("PUT", f"/{NEW_INDEX}", {}, index_body()),
        # Into the new index, never the alias: search answers from the old one meanwhile.
        Sent("PUT", "/_bulk", {}, [{"index": {"_id": "page:1/", "_index": NEW_INDEX}}, stored(tea)]),
        Sent("POST", f"/{NEW_INDEX}/_refresh"),
        ALIAS_CHECK,
        Sent("GET", "/_alias/libei"),
        Sent(
            "POST",
            "/_aliases",
            {},
            {
                "actions": [
                    {"add": {"index": NEW_INDEX, "alias": "libei"}},
                    {"remove": {"index": "libei-1", "alias": "libei"}},
                    {"remove": {"index": "libei-2", "alias": "libei"}},
                ]
            },
        ),
        Sent("DELETE", "/libei-1", {"ignore_unavailable": "true"}),
        Sent("DELETE", "/libei-2", {"ignore_unavailable": "true"}),
    ]
    # The alias now exists: no further check.
    cluster.requests.clear()
    cluster.answer("POST", "/libei/_count", {"count": 1})
    assert backend.count() == 1
    assert cluster.requests == [Sent("POST", "/libei/_count")]


def test_rebuild_without_an_alias_only_adds_it(backend, cluster, frozen_clock):
    cluster.answer("HEAD", "/_alias/libei", status=404)
    assert backend.rebuild([]) == 0
    assert cluster.requests == [
        Sent("PUT", f"/{NEW_INDEX}", {}, index_body()),
        Sent("POST", f"/{NEW_INDEX}/_refresh"),
        ALIAS_CHECK,
        Sent("POST", "/_aliases", {}, {"actions": [{"add": {"index": NEW_INDEX, "alias": "libei"}}]}),
    ]


def test_rebuild_reports_progress_every_thousand_documents(backend, cluster):
    cluster.answer("HEAD", "/_alias/libei", status=404)
    documents = [document(f"d{n}", "memory", "茶", audiences=["public"]) for n in range(2500)]
    reported = []
    assert backend.rebuild(documents, progress=reported.append) == 2500
    assert reported == [1000, 2000]
    bulks = [sent for sent in cluster.requests if sent.path == "/_bulk"]
    assert [len(sent.body) // 2 for sent in bulks] == [500] * 5


def refuse_the_bulk(cluster) -> None:
    """The cluster refuses the one document of a rebuild (a mapping error)."""
    refused = {"index": {"_index": NEW_INDEX, "_id": "page:1/", "status": 400, "error": {"type": "mapper_parsing"}}}
    cluster.answer("PUT", "/_bulk", {"took": 1, "errors": True, "items": [refused]})


def test_a_rebuild_that_fails_deletes_its_half_built_index_and_leaves_the_alias(backend, cluster, frozen_clock):
    refuse_the_bulk(cluster)
    with pytest.raises(BulkIndexError):
        backend.rebuild([document("page:1/")])
    assert [(sent.method, sent.path) for sent in cluster.requests] == [
        ("PUT", f"/{NEW_INDEX}"),
        ("PUT", "/_bulk"),
        ("DELETE", f"/{NEW_INDEX}"),
    ]
    assert not any("_aliases" in sent.path for sent in cluster.requests)


def ours(caplog) -> list[str]:
    """What the dialect itself logged (the client logs every request too)."""
    return [r.getMessage() for r in caplog.records if r.name == "search.backends.elasticsearch"]


def test_a_rebuild_whose_alias_cannot_move_deletes_its_new_index(backend, cluster, frozen_clock):
    cluster.answer("POST", "/_aliases", {"error": "alias refused"}, status=400)
    with pytest.raises(BadRequestError):
        backend.rebuild([document("page:1/")])
    assert cluster.requests[-1] == Sent("DELETE", f"/{NEW_INDEX}")


def test_a_rebuild_that_cannot_clean_up_still_says_why_it_failed(backend, cluster, frozen_clock, caplog):
    refuse_the_bulk(cluster)
    cluster.answer("DELETE", f"/{NEW_INDEX}", {"error": "forbidden"}, status=403)
    with pytest.raises(BulkIndexError):
        backend.rebuild([document("page:1/")])
    assert ours(caplog) == [f"could not delete the half-built index {NEW_INDEX}"]


def test_a_half_built_index_already_gone_is_no_second_failure(backend, cluster, frozen_clock, caplog):
    refuse_the_bulk(cluster)
    cluster.answer("DELETE", f"/{NEW_INDEX}", {"error": "index_not_found_exception"}, status=404)
    with pytest.raises(BulkIndexError):
        backend.rebuild([document("page:1/")])
    assert ours(caplog) == []


def test_drop_deletes_every_index_behind_the_alias_and_the_next_write_checks_again(ready, cluster):
    cluster.answer("GET", "/_alias/libei", TWO_OLD_INDICES)
    assert ready.drop() is None
    assert cluster.requests == [
        ALIAS_CHECK,
        Sent("GET", "/_alias/libei"),
        Sent("DELETE", "/libei-1"),
        Sent("DELETE", "/libei-2"),
    ]
    cluster.requests.clear()
    cluster.answer("POST", "/libei/_count", {"count": 0})
    assert ready.count() == 0
    assert cluster.requests == [ALIAS_CHECK, Sent("POST", "/libei/_count")]


def test_drop_without_an_alias_deletes_nothing(backend, cluster):
    cluster.answer("HEAD", "/_alias/libei", status=404)
    backend.drop()
    assert cluster.requests == [ALIAS_CHECK]

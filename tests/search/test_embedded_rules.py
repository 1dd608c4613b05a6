"""The embedded backend's own rules, beyond the contract every backend shares.

Real backend, real database: each answer below is written out by hand from the
documents indexed in the test.
"""

import pytest
from django.db import connection

from search.backends.embedded import EmbeddedBackend, create_schema, dialect_for
from search.backends.fts5 import SQLiteFTS5
from search.backends.tsvector import PostgresFullText
from search.documents import FACETS, Query, SearchDocument
from search.exceptions import SearchUnavailable

pytestmark = pytest.mark.django_db

EVERYONE = ("public", "community", "facilitator")
NO_FACETS = {"kind": [], "narrator": [], "village": [], "theme": [], "tag": [], "decade": []}


def doc(key, title, body, audiences=EVERYONE, kind="memory", **extra):
    return SearchDocument(key, kind, title, body, f"/{key}/", list(audiences), **extra)


@pytest.fixture
def backend():
    return EmbeddedBackend()


def keys(results):
    return [hit.key for hit in results.hits]


def test_an_empty_index_answers_nothing_with_every_facet_empty(backend):
    assert backend.rebuild([]) == 0
    results = backend.search(Query("外婆", "public"))
    assert results.total == 0 and results.hits == [] and results.facets == NO_FACETS
    assert backend.count() == 0


def test_a_query_without_words_or_without_matches_has_every_facet_empty(backend):
    backend.rebuild([doc("a", "腊肉", "熏腊肉。", narrators=["王秀英"])])
    for text in ("", "油坊"):
        results = backend.search(Query(text, "public"))
        assert (results.total, results.hits, results.facets) == (0, [], NO_FACETS)
    assert list(NO_FACETS) == list(FACETS)


def test_an_unknown_audience_is_refused(backend):
    backend.rebuild([doc("a", "腊肉", "熏腊肉。")])
    with pytest.raises(ValueError, match="^unknown audience 'stranger'$"):
        backend.search(Query("腊肉", "stranger"))


def test_the_count_is_every_document_indexed(backend):
    backend.rebuild([doc("a", "腊肉", "熏腊肉。"), doc("b", "油坊", "榨油。", audiences=("facilitator",))])
    assert backend.count() == 2
    backend.upsert([doc("c", "赶场", "卖菜。")])
    assert backend.count() == 3


def test_a_hit_carries_everything_the_grouping_needs(backend):
    backend.rebuild(
        [
            doc(
                "s/seg:1",
                "李桂芬讲腊肉",
                "腊月里熏腊肉。",
                kind="segment",
                narrators=["李桂芬", "王秀英"],
                start=3.5,
                end=7.25,
                audio="/audio/s.ogg",
            )
        ]
    )
    (hit,) = backend.search(Query("熏", "public")).hits
    assert (hit.key, hit.kind, hit.title, hit.url) == ("s/seg:1", "segment", "李桂芬讲腊肉", "/s/seg:1/")
    assert hit.excerpt == "腊月里<mark>熏</mark>腊肉。"
    assert (hit.start, hit.end, hit.audio) == (3.5, 7.25, "/audio/s.ogg")
    assert hit.text == "腊月里熏腊肉。" and hit.narrators == ["李桂芬", "王秀英"]
    assert hit.score > 0


def test_a_document_without_a_body_is_excerpted_from_its_title(backend):
    backend.rebuild([doc("t", "老油坊的秋天", "")])
    (hit,) = backend.search(Query("油坊", "public")).hits
    assert hit.excerpt == "老<mark>油坊</mark>的秋天" and hit.text == ""


def test_pages_count_every_match_and_show_only_their_slice(backend):
    # Five equal documents score the same: they come in the order they were indexed.
    backend.rebuild([doc(f"p{n}", "腊肉", "熏腊肉。", narrators=["王秀英"]) for n in range(5)])
    page = backend.search(Query("腊肉", "public", limit=2, offset=1))
    assert keys(page) == ["p1", "p2"] and page.total == 5
    assert page.facets["narrator"] == [("王秀英", 5)]
    beyond = backend.search(Query("腊肉", "public", limit=2, offset=10))
    assert beyond.hits == [] and beyond.total == 5 and beyond.facets["kind"] == [("memory", 5)]
    single = backend.search(Query("腊肉", "public", limit=1))
    assert keys(single) == ["p0"] and single.total == 5


def test_one_match_is_an_answer(backend):
    backend.rebuild([doc("a", "腊肉", "熏腊肉。"), doc("b", "油坊", "榨油。")])
    results = backend.search(Query("榨油", "public"))
    assert keys(results) == ["b"] and results.total == 1 and results.facets["kind"] == [("memory", 1)]


def test_filters_on_a_decade_given_as_a_number_and_unknown_filters_are_ignored(backend):
    backend.rebuild(
        [
            doc("old", "腊肉", "熏腊肉。", decade=1970, villages=["立碑村"]),
            doc("new", "腊肉", "熏腊肉。", decade=2010, villages=["阳朗"]),
        ]
    )
    assert keys(backend.search(Query("腊肉", "public", {"decade": 1970}))) == ["old"]
    assert keys(backend.search(Query("腊肉", "public", {"village": "阳朗"}))) == ["new"]
    assert keys(backend.search(Query("腊肉", "public", {"colour": "red"}))) == ["old", "new"]
    both = backend.search(Query("腊肉", "public", {"kind": "memory", "decade": "2010"}))
    assert keys(both) == ["new"] and both.facets["decade"] == [("2010", 1)]
    assert backend.search(Query("腊肉", "public", {"kind": "recipe"})).total == 0


def test_facet_values_come_most_frequent_first_then_by_name(backend):
    backend.rebuild(
        [
            doc("one", "腊肉", "熏腊肉。", narrators=["c", "b"]),
            doc("two", "腊肉", "熏腊肉。", narrators=["a", "b"]),
        ]
    )
    facets = backend.search(Query("腊肉", "public")).facets
    assert facets["narrator"] == [("b", 2), ("a", 1), ("c", 1)]
    assert facets["kind"] == [("memory", 2)]


def test_a_facilitator_sees_the_facet_counts_of_everything_the_public_only_of_its_part(backend):
    backend.rebuild(
        [
            doc("open", "腊肉", "熏腊肉。", narrators=["王秀英"], themes=["年节"]),
            doc("closed", "腊肉", "熏腊肉。", audiences=("facilitator",), narrators=["张德明"], themes=["年节"]),
            doc("village", "腊肉", "熏腊肉。", audiences=("community", "facilitator"), narrators=["张德明"]),
        ]
    )
    public = backend.search(Query("腊肉", "public")).facets
    assert public["narrator"] == [("王秀英", 1)] and public["theme"] == [("年节", 1)]
    community = backend.search(Query("腊肉", "community")).facets
    assert community["narrator"] == [("张德明", 1), ("王秀英", 1)]
    facilitator = backend.search(Query("腊肉", "facilitator")).facets
    assert facilitator["narrator"] == [("张德明", 2), ("王秀英", 1)] and facilitator["theme"] == [("年节", 2)]


def test_replacing_a_document_replaces_its_facets_too(backend):
    backend.rebuild([doc("a", "腊肉", "熏腊肉。", narrators=["王秀英"], tags=["年节"])])
    assert backend.search(Query("腊肉", "public")).facets["narrator"] == [("王秀英", 1)]
    assert backend.upsert([doc("a", "腊肉", "熏腊肉。", narrators=["李桂芬"]), doc("b", "油坊", "榨油。")]) == 2
    facets = backend.search(Query("腊肉", "public")).facets
    assert facets["narrator"] == [("李桂芬", 1)] and facets["tag"] == []
    assert backend.count() == 2


def test_a_replaced_document_may_change_who_sees_it(backend):
    backend.rebuild([doc("a", "腊肉", "熏腊肉。"), doc("b", "油坊", "榨油。")])
    assert backend.search(Query("腊肉", "public")).total == 1
    backend.upsert([doc("a", "腊肉", "熏腊肉。", audiences=("facilitator",))])
    assert backend.search(Query("腊肉", "public")).total == 0
    assert keys(backend.search(Query("腊肉", "facilitator"))) == ["a"]
    assert backend.suggest("腊肉", "public") == []


def test_a_rebuild_shows_the_new_facets_to_a_backend_that_already_searched(backend):
    backend.rebuild([doc("a", "腊肉", "熏腊肉。", narrators=["王秀英"])])
    assert backend.search(Query("腊肉", "public")).facets["narrator"] == [("王秀英", 1)]
    backend.rebuild([doc("b", "腊肉", "熏腊肉。", narrators=["李桂芬"], audiences=("facilitator",))])
    assert backend.search(Query("腊肉", "public")).total == 0
    assert backend.search(Query("腊肉", "facilitator")).facets["narrator"] == [("李桂芬", 1)]


def test_a_delete_shows_in_the_facets_of_a_backend_that_already_searched(backend):
    backend.rebuild(
        [doc("a", "腊肉", "熏腊肉。", narrators=["王秀英"]), doc("b", "腊肉", "熏腊肉。", narrators=["李桂芬"])]
    )
    assert backend.search(Query("腊肉", "public")).total == 2
    backend.delete(["a", "b", "missing"])
    assert backend.search(Query("腊肉", "public")).total == 0 and backend.count() == 0


def test_deleting_several_keys_at_once_removes_each_of_them(backend):
    backend.rebuild([doc(k, "腊肉", "熏腊肉。") for k in ("a", "b", "c")])
    backend.delete(["a", "c"])
    assert keys(backend.search(Query("腊肉", "public"))) == ["b"] and backend.count() == 1
    backend.delete([])
    assert backend.count() == 1


def test_a_prefix_delete_keeps_keys_that_only_begin_alike(backend):
    backend.rebuild([doc(k, "腊肉", "熏腊肉。") for k in ("w/", "w/seg:1", "w0", "w", "x/")])
    backend.delete_prefix("w/")
    assert keys(backend.search(Query("腊肉", "public"))) == ["w0", "w", "x/"]


def test_progress_is_told_after_each_batch_of_two_thousand_and_at_the_end(backend):
    told = []
    documents = (doc(f"d{n}", "腊肉", "熏") for n in range(4001))
    assert backend.rebuild(documents, progress=told.append) == 4001
    assert told == [2000, 4000, 4001]
    assert backend.count() == 4001
    assert backend.search(Query("腊肉", "public", limit=1)).total == 4001
    assert backend.upsert(doc(f"d{n}", "腊月", "熏") for n in range(2001)) == 2001
    assert backend.count() == 4001 and backend.search(Query("腊月", "public")).total == 2001


def test_progress_is_told_once_for_a_short_rebuild(backend):
    told = []
    assert backend.rebuild([doc("a", "腊肉", "熏腊肉。"), doc("b", "油坊", "榨油。")], progress=told.append) == 2
    assert told == [2]


def test_a_rebuild_after_a_failed_one_holds_only_the_new_documents(backend):
    backend.rebuild([doc("old", "腊肉", "熏腊肉。")])

    def failing():
        yield doc("half", "腊肉", "熏腊肉。")
        raise RuntimeError("the app failed halfway")

    with pytest.raises(RuntimeError):
        backend.rebuild(failing())
    assert keys(backend.search(Query("腊肉", "public"))) == ["old"]
    backend.rebuild([doc("new", "腊肉", "熏腊肉。")])
    assert keys(backend.search(Query("腊肉", "public"))) == ["new"] and backend.count() == 1
    backend.rebuild([doc("newer", "腊肉", "熏腊肉。", narrators=["王秀英"])])
    results = backend.search(Query("腊肉", "public", {"narrator": "王秀英"}))
    assert keys(results) == ["newer"] and results.facets["narrator"] == [("王秀英", 1)]


def test_an_audience_added_after_the_index_was_built_finds_nothing_until_a_rebuild(backend, settings):
    # Even when one of the facet values happens to be spelled like the new audience.
    backend.rebuild([doc("a", "腊肉", "熏腊肉。", tags=["researcher"])])
    settings.SEARCH_AUDIENCES = [*EVERYONE, "researcher"]
    stale = backend.search(Query("腊肉", "researcher"))
    assert (stale.total, stale.hits, stale.facets) == (0, [], NO_FACETS)
    assert backend.related("a", "researcher") == []
    assert keys(backend.search(Query("腊肉", "public"))) == ["a"]
    backend.rebuild([doc("a", "腊肉", "熏腊肉。", audiences=("researcher",)), doc("b", "腊肉", "腊肉。")])
    assert keys(backend.search(Query("熏", "researcher"))) == ["a"]
    assert backend.search(Query("熏", "public")).total == 0


@pytest.mark.parametrize("later", [0, 1])
def test_an_audience_that_sees_half_of_the_index_or_less_finds_only_its_own_documents(backend, settings, later):
    # "closed" was indexed before the audience existed: it never allowed it.
    backend.rebuild([doc("closed", "腊肉", "熏腊肉。", audiences=("facilitator",))])
    settings.SEARCH_AUDIENCES = [*EVERYONE, "researcher"]
    others = [doc(f"p{n}", "腊肉", "腊肉。") for n in range(later)]
    backend.upsert([doc("r1", "腊肉", "腊肉。", audiences=("researcher",)), *others])
    results = backend.search(Query("腊肉", "researcher"))
    assert keys(results) == ["r1"] and results.total == 1 and results.facets["kind"] == [("memory", 1)]


def test_a_document_indexed_before_an_audience_existed_is_not_suggested_to_it(backend, settings):
    """Suggestions choose the audience rule as search does: an audience seeing no more than half
    of the index is named by the documents it may see, so one with no token for it is left out."""
    backend.rebuild([doc("a", "腊肉", "熏腊肉。", audiences=("facilitator",))])
    settings.SEARCH_AUDIENCES = [*EVERYONE, "researcher"]
    assert backend.suggest("腊肉", "researcher") == []


def test_a_document_indexed_before_an_audience_existed_is_not_found_by_it(backend, settings):
    """Even once the audience sees more than half of the index: the old document names it
    neither way, so the audience is found by what it may see until a rebuild."""
    backend.rebuild([doc("closed", "腊肉", "熏腊肉。", audiences=("facilitator",))])
    settings.SEARCH_AUDIENCES = [*EVERYONE, "researcher"]
    backend.upsert([doc(k, "腊肉", "腊肉。", audiences=("researcher",)) for k in ("r1", "r2")])
    assert keys(backend.search(Query("腊肉", "researcher"))) == ["r1", "r2"]


def test_suggestions_name_title_url_and_kind_and_stop_at_eight(backend):
    backend.rebuild(
        [doc("recipe", "王家阳朗辣子鸡", "做法。", kind="recipe")]
        + [doc(f"m{n}", f"腊肉{n}号", "熏。") for n in range(10)]
        + [doc("seg", "腊肉段落", "熏。", kind="segment")]
    )
    assert backend.suggest("王家", "public") == [{"title": "王家阳朗辣子鸡", "url": "/recipe/", "kind": "recipe"}]
    found = backend.suggest("腊肉", "public")
    assert len(found) == 8 and all(s["kind"] == "memory" for s in found)
    assert len(backend.suggest("腊肉", "public", limit=20)) == 10


def test_suggestions_read_the_first_forty_characters_of_the_prefix(backend):
    title = "春夏秋冬东南西北金木水火土日月星辰山川河流花草树木鸟兽虫鱼风雨雷电梅兰竹菊琴棋书画诗酒茶"
    assert len(title) == 44
    backend.rebuild([doc("long", title, "长标题。")])
    typed = title[:40] + "鼎"  # the 41st character is not in the title: it is cut
    assert [s["title"] for s in backend.suggest(typed, "public")] == [title]
    assert backend.suggest(title[:39] + "鼎", "public") == []


def test_related_stories_share_most_first_and_stop_at_five(backend):
    hub = doc("hub", "腊肉", "熏。", themes=["年节"], tags=["腊味"])
    others = [doc(f"o{n}", f"故事{n}", "熏。", kind="recipe" if n == 6 else "memory", tags=["腊味"]) for n in range(7)]
    both = doc("both", "两样都有", "熏。", themes=["年节"], tags=["腊味"])
    segment = doc("hub/seg:1", "腊肉", "熏。", kind="segment", themes=["年节"], tags=["腊味"])
    closed = doc("closed", "内部", "熏。", audiences=("facilitator",), themes=["年节"], tags=["腊味"])
    backend.rebuild([hub, *others, both, segment, closed])
    assert backend.related("hub", "public") == [
        {"title": "两样都有", "url": "/both/", "kind": "memory"},
        {"title": "故事0", "url": "/o0/", "kind": "memory"},
        {"title": "故事1", "url": "/o1/", "kind": "memory"},
        {"title": "故事2", "url": "/o2/", "kind": "memory"},
        {"title": "故事3", "url": "/o3/", "kind": "memory"},
    ]
    assert [r["url"] for r in backend.related("hub", "facilitator", limit=3)] == ["/both/", "/closed/", "/o0/"]
    assert backend.related("hub", "public", limit=9)[-1] == {"title": "故事6", "url": "/o6/", "kind": "recipe"}
    assert backend.related("missing", "public") == []


def test_excluded_subjects_are_left_out_of_related_stories_and_suggestions(backend):
    backend.rebuild(
        [
            doc("hub", "腊肉", "熏。", tags=["腊味"], subjects=["s1"]),
            doc("li", "李家腊肉", "熏。", tags=["腊味"], subjects=["s2"]),
            doc("wang", "王家腊肉", "熏。", tags=["腊味"], subjects=["s3"]),
        ]
    )
    assert [r["url"] for r in backend.related("hub", "public", excluded=frozenset({"s2"}))] == ["/wang/"]
    assert [s["title"] for s in backend.suggest("李家", "public", excluded=frozenset({"s2"}))] == []
    assert [s["title"] for s in backend.suggest("王家", "public", excluded=frozenset({"s2"}))] == ["王家腊肉"]
    results = backend.search(Query("腊肉", "public", excluded_subjects=frozenset({"s2", "s3"})))
    assert keys(results) == ["hub"] and results.total == 1


def test_only_sqlite_and_postgresql_have_a_dialect():
    assert type(dialect_for("sqlite")) is SQLiteFTS5
    assert type(dialect_for("postgresql")) is PostgresFullText
    with pytest.raises(SearchUnavailable) as refused:
        dialect_for("oracle")
    assert refused.value.en == (
        "the embedded search backend needs SQLite or PostgreSQL, not oracle; set SEARCH_BACKEND=elasticsearch"
    )
    assert refused.value.zh == "内置检索需要 SQLite 或 PostgreSQL 数据库；其他数据库请设置 SEARCH_BACKEND=elasticsearch"


def test_the_backend_keeps_its_options():
    assert EmbeddedBackend(url="ignored").options == {"url": "ignored"}


def test_creating_the_schema_again_keeps_the_live_index_and_adds_no_table(backend):
    backend.rebuild([doc("a", "腊肉", "熏腊肉。", narrators=["王秀英"])])
    before = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        create_schema(cursor)
    assert set(connection.introspection.table_names()) == before
    results = backend.search(Query("腊肉", "public"))
    assert keys(results) == ["a"] and results.facets["narrator"] == [("王秀英", 1)]
    backend.upsert([doc("b", "腊肉", "熏。")])
    assert backend.count() == 2

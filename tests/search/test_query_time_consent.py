"""Search applies consent at query time (issue 10, findings 3 and 4).

The index may lag: the worker may be stopped, a withdrawal may be dated ahead. Search
leaves out, on every request, the documents of narrators who lack the consent this
audience needs *now*: results, totals, facets, suggestions and related stories.
"""

import os
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string

from heritage import consent_log
from heritage.models import RecipePage
from media.ingest import ingest
from search import service
from search.backends.elasticsearch import build_search
from search.backends.tsvector import PostgresFullText
from search.documents import Query, SearchDocument
from search.service import BACKENDS, get_backend
from search.text import parse_query

from .. import factories as f

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def archive(make_audio, settings):
    _, index = f.site_tree()
    wang, li = f.full_consent("王秀英"), f.full_consent("李桂芬")
    with make_audio("ogg", seconds=6.0).open("rb") as stream:
        recording = ingest(stream, "li.ogg", "李桂芬讲腊肉")
    f.transcript(recording, ["腊月里熏腊肉，柏树枝最香。", "外婆的腊肉挂在灶头上。"])
    story = f.item(index, narrators=[li], recording=recording, title="李桂芬讲腊肉")
    shared = f.item(index, RecipePage, [wang, li], title="两家合做的腊肉", summary="腊肉切片。")
    own = f.item(index, RecipePage, [wang], title="王家腊肉", summary="腊肉蒸着吃。")
    call_command("search_index", "rebuild", verbosity=0)
    # From here on the worker is stopped: nothing re-indexes what changes.
    settings.TASKS = DUMMY
    return {"wang": wang, "li": li, "story": story, "shared": shared, "own": own}


def _titles(results):
    return {hit.title for hit in results.hits}


def _withdraw(person, scope, at=None):
    consent = person.consents.get(scope=scope, withdrawn_at=None)
    consent_log.withdraw(consent, by=None, source="test", at=at)


def test_a_withdrawal_shows_in_the_next_search_with_the_worker_stopped(archive, client):
    before = service.search("腊肉")
    assert {"李桂芬讲腊肉", "两家合做的腊肉", "王家腊肉"} <= _titles(before)
    _withdraw(archive["li"], "public")
    # The index still holds her sentences: the worker did not run.
    stale = get_backend().search(Query("腊肉", "public", limit=50))
    assert "李桂芬讲腊肉" in _titles(stale)

    after = service.search("腊肉", limit=50)
    assert _titles(after) == {"王家腊肉"}
    assert after.total == 1
    assert "李桂芬" not in dict(after.facets["narrator"])
    assert dict(after.facets["narrator"]) == {"王秀英": 1}
    assert service.suggest("李桂") == [] and service.suggest("两家") == []
    assert service.search("柏树枝").total == 0

    api = client.get("/search/api/", {"q": "腊肉"}).content.decode()
    page = client.get("/search/", {"q": "腊肉"}).content.decode()
    suggestions = client.get("/search/suggest/", {"q": "李桂"}).content.decode()
    for body in (api, page, suggestions):
        assert "李桂芬" not in body and "柏树枝" not in body
    assert "王家腊肉" in api


def test_a_withdrawal_dated_ahead_takes_effect_at_its_time(archive, client):
    now = timezone.now()
    _withdraw(archive["li"], "public", at=now + timedelta(minutes=1))
    with time_machine.travel(now + timedelta(seconds=30), tick=False):
        assert "李桂芬讲腊肉" in _titles(service.search("腊肉"))
        assert client.get(archive["story"].url).status_code == 200
    with time_machine.travel(now + timedelta(minutes=2), tick=False):
        assert client.get(archive["story"].url).status_code == 404
        results = service.search("腊肉")
        assert _titles(results) == {"王家腊肉"} and results.total == 1
        assert "李桂芬" not in dict(results.facets["narrator"])
        assert service.suggest("李桂") == []
        assert "李桂芬" not in client.get("/search/api/", {"q": "柏树枝"}).content.decode()


def test_an_archive_withdrawal_hides_the_narrator_from_facilitators_too(archive):
    facilitator = f.facilitator()
    assert "李桂芬讲腊肉" in _titles(service.search("腊肉", facilitator))
    _withdraw(archive["li"], "archive")
    found = service.search("腊肉", facilitator)
    assert _titles(found) == {"王家腊肉"}
    assert service.search("腊肉", f.villager()).total == 1


def test_related_stories_leave_out_a_withdrawn_narrator(archive):
    key = f"page:{archive['own'].pk}/"
    assert "两家合做的腊肉" in [r["title"] for r in service.related(key)]
    _withdraw(archive["li"], "public")
    assert "两家合做的腊肉" not in [r["title"] for r in service.related(key)]


def test_nobody_excluded_costs_nothing_and_changes_nothing(archive):
    assert service.excluded_subjects("public") == frozenset()
    _withdraw(archive["li"], "commercial")  # not needed to view: search is unchanged
    assert service.excluded_subjects("public") == frozenset()
    assert "李桂芬讲腊肉" in _titles(service.search("腊肉"))


# Every backend: the same exclusion in the embedded dialects and Elasticsearch.


def _doc(key, title, body, narrators, subjects, audiences=("public", "community", "facilitator")):
    return SearchDocument(
        key, "memory", title, body, f"/{key}/", list(audiences), narrators=narrators, subjects=subjects
    )


DOCS = [
    _doc("a", "腊肉的故事", "熏腊肉", ["甲"], ["1"]),
    _doc("b", "腊肉两家", "腊肉切片", ["甲", "乙"], ["1", "2"]),
    _doc("c", "腊肉乙家", "腊肉蒸", ["乙"], ["2"]),
    _doc("d", "腊肉账本", "腊肉内部记录", ["丙"], ["3"], audiences=("facilitator",)),
]


@pytest.fixture(params=["embedded", "elasticsearch"])
def backend(request):
    if request.param == "elasticsearch":
        url = os.environ.get("ELASTICSEARCH_URL")
        if not url:
            pytest.skip("ELASTICSEARCH_URL is not set")
        instance = import_string(BACKENDS["elasticsearch"])(url=url, index=f"libei-test-consent-{os.getpid()}")
    else:
        instance = import_string(BACKENDS["embedded"])()
    instance.rebuild(DOCS)
    yield instance
    if request.param == "elasticsearch":
        instance.drop()


def test_every_backend_drops_excluded_subjects_from_results_totals_facets_and_suggestions(backend):
    everything = backend.search(Query("腊肉", "public"))
    assert everything.total == 3
    without = backend.search(Query("腊肉", "public", excluded_subjects=frozenset({"2"})))
    assert [h.key for h in without.hits] == ["a"] and without.total == 1
    assert dict(without.facets["narrator"]) == {"甲": 1}
    assert [s["title"] for s in backend.suggest("腊肉", "public", excluded=frozenset({"2"}))] == ["腊肉的故事"]
    assert backend.related("a", "public", excluded=frozenset({"2"})) == []
    assert backend.search(Query("腊肉", "public", excluded_subjects=frozenset({"1", "2"}))).total == 0


def test_excluding_a_subject_keeps_every_audience_rule(backend):
    """The exclusion is added to the audience's own filter, never in its place."""
    without = backend.search(Query("腊肉", "public", excluded_subjects=frozenset({"2"})))
    assert [h.key for h in without.hits] == ["a"] and without.total == 1
    suggested = [s["title"] for s in backend.suggest("腊肉", "public", excluded=frozenset({"2"}))]
    assert suggested == ["腊肉的故事"]
    assert backend.related("a", "public", excluded=frozenset({"2"})) == []
    facilitator = backend.search(Query("腊肉", "facilitator", excluded_subjects=frozenset({"2"})))
    assert sorted(h.key for h in facilitator.hits) == ["a", "d"]


def test_postgresql_and_elasticsearch_requests_carry_the_exclusion():
    match = PostgresFullText().match(parse_query("腊肉"), "public", excluded=frozenset({"7", "12"}))
    assert match.endswith("& !('s:12' | 's:7')")
    assert PostgresFullText().audience_match("public", frozenset({"7"})) == "'a:public' & !('s:7')"
    body = build_search(Query("腊肉", "public", excluded_subjects=frozenset({"7"})), "libei").to_dict()
    assert {"bool": {"must_not": [{"terms": {"subjects": ["7"]}}]}} in body["query"]["bool"]["filter"]

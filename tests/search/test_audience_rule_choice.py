"""Which of the two audience rules the embedded backend chooses, and that it hands the choice on.

An audience is found either by what it may see ("a<audience>") or by what it may not
("x<audience>"), whichever list is shorter — but "may not" only where every document names
the audience one way or the other (README, "Audiences"). Both rules find the same documents
once the index is whole, so the contract suite cannot tell them apart; the choice is what makes
a large public search fast, and choosing "may not" for an audience some documents do not name
is the leak test_embedded_rules.py checks. Here the choice itself is pinned.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.backends.embedded import EmbeddedBackend
from search.documents import Query, SearchDocument

pytestmark = pytest.mark.django_db

AUDIENCES = ["public", "community", "facilitator"]


def doc(key, audiences):
    return SearchDocument(key, "memory", f"外婆的腊肉{key}", "熏腊肉。", f"/{key}/", list(audiences))


# Four documents: the public sees two (exactly half), the community three, facilitators all.
DOCUMENTS = [
    doc("a", AUDIENCES),
    doc("b", AUDIENCES),
    doc("c", ["community", "facilitator"]),
    doc("d", ["facilitator"]),
]


@pytest.fixture
def backend(settings):
    settings.SEARCH_AUDIENCES = AUDIENCES
    instance = EmbeddedBackend()
    instance.rebuild(DOCUMENTS)
    return instance


def test_may_not_is_chosen_only_for_an_audience_that_sees_more_than_half(backend):
    assert {audience: backend._excludes(audience) for audience in AUDIENCES} == {
        "public": False,  # two of four: "may" is no longer than "may not"
        "community": True,
        "facilitator": True,
    }


def test_an_audience_some_documents_do_not_name_is_found_by_what_it_may_see(backend, settings):
    settings.SEARCH_AUDIENCES = [*AUDIENCES, "researcher"]
    assert backend._excludes("researcher") is False  # no document names it yet
    backend.upsert([doc("e", ["researcher", "facilitator"])])
    assert backend._excludes("researcher") is False  # one of five names it
    assert backend._excludes("facilitator") is True  # every document still names facilitators
    backend.rebuild([doc(d.key, [*d.audiences, "researcher"]) for d in DOCUMENTS])
    assert backend._excludes("researcher") is True  # now all four name it, all allow it


class Spy:
    """The dialect's own method, run as it is, with the ``exclude`` it was given kept."""

    def __init__(self, method, position):
        self.method, self.position, self.given = method, position, []

    def __call__(self, *args, **kwargs):
        self.given.append(kwargs["exclude"] if "exclude" in kwargs else args[self.position])
        return self.method(*args, **kwargs)


@pytest.mark.parametrize(("audience", "exclude"), [("community", True), ("public", False)])
def test_search_and_suggestions_hand_the_choice_to_the_dialect(backend, monkeypatch, audience, exclude):
    match = Spy(backend.dialect.match, 3)
    suggest = Spy(backend.dialect.suggest, 3)
    monkeypatch.setattr(backend.dialect, "match", match)
    monkeypatch.setattr(backend.dialect, "suggest", suggest)
    expected = {"public": ["a", "b"], "community": ["a", "b", "c"]}[audience]
    assert sorted(hit.key for hit in backend.search(Query("腊肉", audience)).hits) == expected
    assert sorted(s["url"] for s in backend.suggest("外婆", audience)) == [f"/{key}/" for key in expected]
    assert (match.given, suggest.given) == ([exclude], [exclude])


def test_the_facet_table_is_read_once_per_change_of_the_index(backend):
    backend.search(Query("腊肉", "public"))
    with CaptureQueriesContext(connection) as queries:
        backend.search(Query("腊肉", "community"))
        backend.suggest("外婆", "public")
    assert not [q for q in queries.captured_queries if "SELECT doc_id, facet, value" in q["sql"]]
    backend.upsert([doc("e", AUDIENCES)])
    with CaptureQueriesContext(connection) as queries:
        backend.search(Query("腊肉", "public"))
    assert len([q for q in queries.captured_queries if "SELECT doc_id, facet, value" in q["sql"]]) == 1

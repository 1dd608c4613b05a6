"""Searching the real archive: pages and transcript segments, kept in step with consent and edits."""

import json

import pytest
from django.core.management import call_command

from heritage.models import RecipePage
from media.ingest import ingest
from media.transcription.editing import latest_revision, save_edit
from media.transcription.store import snapshot
from search import service

from .. import factories as f
from ..clock import ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(make_audio, django_capture_on_commit_callbacks):
    _, index = f.site_tree()
    wang = f.full_consent("王秀英")
    zhang = f.narrator("张德明", scopes=("archive",))
    with make_audio("ogg", seconds=10.0).open("rb") as stream:
        recording = ingest(stream, "wang.ogg", "外婆教我做阳朗辣子鸡")
    f.transcript(recording, ["外婆说，辣子鸡全看糍粑辣椒。", "鸡要选自家养的土鸡。", "以前过年家家户户都做一大锅。"])
    with django_capture_on_commit_callbacks(execute=True):
        story = f.item(index, narrators=[wang], recording=recording, title="外婆教我做阳朗辣子鸡")
        recipe = f.item(index, RecipePage, [wang], title="王家阳朗辣子鸡", summary="糍粑辣椒慢火炒。")
        hidden = f.item(index, RecipePage, [zhang], title="张家老油辣子鸡", summary="新榨菜籽油。")
        community = f.item(index, RecipePage, [wang], "community", title="过年大锅辣子鸡")
    return {"story": story, "recipe": recipe, "hidden": hidden, "community": community, "wang": wang}


def titles(results):
    return {hit.title for hit in results.hits}


def test_publishing_indexes_pages_and_segments_at_their_second(archive):
    results = service.search("土鸡")
    segment = next(hit for hit in results.hits if hit.kind == "segment")
    assert segment.url == f"{archive['story'].url}?t=3" and segment.start == pytest.approx(3.0)
    assert "<mark>土鸡</mark>" in segment.excerpt


def test_each_user_finds_only_what_they_may_see(archive, django_user_model):
    assert titles(service.search("辣子鸡")) == {"外婆教我做阳朗辣子鸡", "王家阳朗辣子鸡"}
    villager = f.villager()
    assert "过年大锅辣子鸡" in titles(service.search("辣子鸡", villager))
    assert "张家老油辣子鸡" not in titles(service.search("辣子鸡", villager))
    assert "张家老油辣子鸡" in titles(service.search("辣子鸡", f.facilitator()))
    assert all(s["title"] != "张家老油辣子鸡" for s in service.suggest("张家"))


def test_withdrawn_consent_leaves_the_index_at_once(archive, django_capture_on_commit_callbacks):
    consent = archive["wang"].consents.get(scope="public")
    consent.withdrawn_at = ago(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        consent.save()
    assert service.search("辣子鸡").total == 0
    assert service.search("辣子鸡", f.facilitator()).total > 0


def test_unpublishing_and_deleting_remove_documents(archive, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        archive["recipe"].unpublish()
    assert "王家阳朗辣子鸡" not in titles(service.search("辣子鸡"))
    with django_capture_on_commit_callbacks(execute=True):
        archive["story"].delete()
    assert service.search("土鸡").total == 0


def test_a_corrected_transcript_is_searchable_as_corrected(archive, django_capture_on_commit_callbacks):
    transcript = archive["story"].recording.transcript
    rows = snapshot(transcript)
    rows[1]["text"] = "鸡要选立碑村自家养的土鸡。"
    with django_capture_on_commit_callbacks(execute=True):
        save_edit(transcript, rows, latest_revision(transcript) and latest_revision(transcript).pk, None)
    assert any("立碑村" in hit.excerpt for hit in service.search("立碑村").hits)


def test_rebuild_finds_the_same_as_live_sync(archive):
    before = service.search("辣子鸡").total
    written = service.rebuild()
    assert written >= 7 and service.search("辣子鸡").total == before


def test_the_search_page_and_api_answer_any_query(archive, client):
    # Titles carry the match highlighted: 王家阳朗<mark>辣子鸡</mark>.
    html = client.get("/search/", {"q": "辣子雞"}).content.decode().replace("<mark>", "").replace("</mark>", "")
    assert "王家阳朗辣子鸡" in html and "张家老油辣子鸡" not in html
    hostile = client.get("/search/", {"q": '<script>alert(1)</script> "辣子', "page": "x", "kind": "<b>"})
    assert hostile.status_code == 200 and "<script>alert(1)</script>" not in hostile.content.decode()
    data = client.get("/search/api/", {"q": "lazi ji", "kind": "recipe"}).json()
    assert data["total"] == 1 and data["results"][0]["title"] == "王家阳朗辣子鸡"
    assert {f["value"] for f in data["facets"]["kind"]} == {"recipe"}
    assert client.get("/search/suggest/", {"q": "王家"}).json()["suggestions"][0]["title"] == "王家阳朗辣子鸡"


def test_the_command_line_shows_what_a_user_would_see(archive, capsys):
    call_command("search", "辣子鸡", "--json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"total", "results", "facets"}
    assert set(data["results"][0]) == {"kind", "title", "url", "excerpt", "start"}
    assert "张家老油辣子鸡" not in {r["title"] for r in data["results"]}
    f.facilitator().__class__.objects.filter(username__startswith="facilitator").update(username="curator")
    call_command("search", "辣子鸡", "--json", "--user", "curator")
    assert "张家老油辣子鸡" in {r["title"] for r in json.loads(capsys.readouterr().out)["results"]}
    call_command("search_index", "status")
    assert "documents:" in capsys.readouterr().out


def test_story_pages_list_related_stories_the_visitor_may_see(archive, client):
    html = client.get(archive["recipe"].url).content.decode()
    assert "相关故事" in html and "外婆教我做阳朗辣子鸡" in html
    assert "张家老油辣子鸡" not in html and "过年大锅辣子鸡" not in html


def test_when_search_cannot_run_the_page_says_so_and_stories_still_open(archive, client, monkeypatch):
    from search.exceptions import SearchUnavailable

    def unavailable(*args, **kwargs):
        raise SearchUnavailable("检索需要配置", "search needs configuring")

    monkeypatch.setattr(service, "search", unavailable)
    monkeypatch.setattr(service, "search_items", unavailable)
    monkeypatch.setattr(service, "related", unavailable)
    response = client.get("/search/", {"q": "辣椒"})
    assert response.status_code == 503 and "检索需要配置" in response.content.decode()
    assert client.get(archive["recipe"].url).status_code == 200


def test_suggestions_in_the_page_offer_only_what_the_user_may_open(archive, client):
    def suggested(prefix):
        return [s["title"] for s in client.get("/search/suggest/", {"q": prefix}).json()["suggestions"]]

    assert suggested("张家") == [] and suggested("过年") == []  # archive-only; community
    client.force_login(f.villager())
    assert suggested("过年") == ["过年大锅辣子鸡"] and suggested("张家") == []
    client.force_login(f.facilitator())
    assert suggested("张家") == ["张家老油辣子鸡"]


def stored_audiences(page) -> set[str]:
    """The audiences the index itself holds for a page (not what a query-time check adds)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT meta FROM search_document WHERE key = %s", [f"page:{page.pk}/"])
        (meta,) = cursor.fetchone()
    return set(json.loads(meta)["audiences"])


def test_deleting_a_consent_record_reindexes_the_narrators_pages(archive, django_capture_on_commit_callbacks):
    assert "public" in stored_audiences(archive["recipe"])
    with django_capture_on_commit_callbacks(execute=True):
        archive["wang"].consents.get(scope="public").delete()
    assert "public" not in stored_audiences(archive["recipe"])
    assert "public" not in stored_audiences(archive["story"])
    assert "王家阳朗辣子鸡" not in titles(service.search("辣子鸡"))

"""The workspace's pages and endpoints: each role can do what it should, and nothing more."""

import json

import pytest

from stories.models import BrandKit, StorySnippet

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "community", "participant", "seller", "facilitator"]

# view → roles that get it (everyone else: sign-in redirect when anonymous, 403 or 404 otherwise)
ALLOWED = {
    "kit_list": {"participant", "facilitator"},
    "board": {"participant", "facilitator"},
    "shelf": {"seller", "facilitator"},
    "download": {"participant", "seller", "facilitator"},
    "story": set(ROLES),
}


def _get(client, view, kit):
    urls = {
        "kit_list": "/kits/",
        "board": f"/kits/{kit.slug}/board/",
        "shelf": "/kits/shelf/",
        "download": f"/kits/{kit.slug}/download/",
        "story": f"/kits/{kit.slug}/",
    }
    return client.get(urls[view])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", sorted(ALLOWED))
def test_role_by_view(role, view, make_kit, people, client):
    kit = make_kit()
    if role != "anonymous":
        client.force_login(people[role])
    response = _get(client, view, kit)
    if role in ALLOWED[view]:
        assert response.status_code == 200, (role, view, response.status_code)
    elif role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, (role, view, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_only_board_roles_may_write(role, make_kit, people, client, archive):
    kit = make_kit(publish=False)
    if role != "anonymous":
        client.force_login(people[role])
    first = archive["wang"].segments.first()
    writes = [
        (f"/kits/{kit.slug}/board/save/", {"revision": kit.latest_revision_id, "tagline": "改"}),
        (f"/kits/{kit.slug}/board/comment/", {"text": "好"}),
        ("/kits/snippets/", {"source": "segments", "page": archive["wang"].pk, "first": first.pk, "last": first.pk}),
    ]
    for url, body in writes:
        response = client.post(url, json.dumps(body), content_type="application/json")
        if role in {"participant", "facilitator"}:
            assert response.status_code in (200, 201), (url, response.content)
        else:
            assert response.status_code in (302, 403), (role, url, response.status_code)
    changed = BrandKit.objects.get(pk=kit.pk).latest_revision.as_object().tagline == "改"
    assert changed == (role in {"participant", "facilitator"})


def test_a_participant_outside_the_workshop_may_not_edit_its_kit(make_kit, client):
    from heritage.roles import Role

    from .conftest import person

    kit = make_kit()
    client.force_login(person(Role.PARTICIPANT))
    assert client.get(f"/kits/{kit.slug}/board/").status_code == 403


def test_the_seller_sees_only_what_the_public_sees(make_kit, people, client, archive):
    from tests import factories as f

    community_page = f.item(archive["index"], narrators=[archive["王秀英"]], access_level="community")
    client.force_login(people["seller"])
    assert client.get(community_page.url).status_code == 404
    client.force_login(people["community"])
    assert client.get(community_page.url).status_code == 200


def test_the_shelf_and_story_page_show_only_approved_consented_kits(make_kit, people, client):
    approved = make_kit(slug="approved")
    draft = make_kit(slug="draft", publish=False)
    client.force_login(people["seller"])
    shelf = client.get("/kits/shelf/").content.decode()
    assert approved.title in shelf and "/kits/approved/download/" in shelf
    assert "/kits/draft/" not in shelf
    client.logout()
    assert client.get(f"/kits/{draft.slug}/").status_code == 404
    story = client.get(f"/kits/{approved.slug}/").content.decode()
    assert "外婆说，辣子鸡全看糍粑辣椒。" in story and "王秀英" in story


def test_the_board_reports_a_conflict_in_words(make_kit, people, client):
    kit = make_kit(publish=False)
    loaded = kit.latest_revision_id
    client.force_login(people["participant"])
    url = f"/kits/{kit.slug}/board/save/"
    assert client.post(url, {"revision": loaded, "tagline": "甲"}, content_type="application/json").status_code == 200
    client.force_login(people["facilitator"])
    response = client.post(url, {"revision": loaded, "tagline": "乙"}, content_type="application/json")
    assert response.status_code == 409
    assert "不覆盖" in response.json()["error"] and "overwritten" in response.json()["error_en"]


def test_snippets_from_search_hits(make_kit, people, client, archive):
    from search import service

    service.rebuild()
    client.force_login(people["participant"])
    hits = client.get("/search/api/", {"q": "糍粑辣椒", "kind": "segment"}).json()["results"]
    assert hits
    response = client.post(
        "/kits/snippets/", {"source": "search", "key": hits[0]["key"]}, content_type="application/json"
    )
    assert response.status_code == 201
    snippet = StorySnippet.objects.get(pk=response.json()["snippet"]["id"])
    assert "糍粑辣椒" in snippet.text and snippet.start is not None
    bad = client.post("/kits/snippets/", "not json", content_type="application/json")
    assert bad.status_code == 400 and "不认识" in bad.json()["error"]

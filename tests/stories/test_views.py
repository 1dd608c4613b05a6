"""The workspace's pages and endpoints: each role can do what it should, and nothing more."""

import json

import pytest

from stories.models import BrandKit, StorySnippet, Workshop

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "community", "recorder", "participant", "seller", "facilitator"]
BOARD = {"participant", "facilitator"}  # participants: their own workshops' kits (make_kit's workshop)
SHELF = {"seller", "facilitator"}

SIGN_IN = (302, "/accounts/login/?next=")
FORBIDDEN = (403, "forbidden")  # the refusal code, on the page and in JSON (heritage/errors.py)
ZIP = (200, "application/zip; spicy-chicken-r")

# view → (address, roles allowed, (status, marker) when allowed); written by hand from the
# README's table. Signed out: sent to sign in; signed in without the role: 403.
VIEWS = {
    "kit_list": ("/kits/", BOARD, (200, "阳朗辣子鸡 350 g")),
    "board": ("/kits/spicy-chicken/board/", BOARD, (200, "<h1>阳朗辣子鸡 350 g</h1>")),
    "shelf": ("/kits/shelf/", SHELF, (200, "/kits/spicy-chicken/download/")),
    "download": ("/kits/spicy-chicken/download/", BOARD | SHELF, ZIP),
    "story": ("/kits/spicy-chicken/", set(ROLES), (200, "外婆说，辣子鸡全看糍粑辣椒。")),
}


def shown(response) -> str:
    """Where a cell's marker is looked for: the redirect, the file's type and name, or the page."""
    if response.status_code == 302:
        return response["Location"]
    if getattr(response, "streaming", False):
        return f"{response['Content-Type']}; {response['Content-Disposition']}"
    return response.content.decode()


@pytest.fixture
def everyone(people):
    from heritage.roles import Role

    from .conftest import person

    return {**people, "recorder": person(Role.RECORDER)}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_role_by_view(role, view, make_kit, everyone, client):
    make_kit()
    address, allowed, ok = VIEWS[view]
    if role != "anonymous":
        client.force_login(everyone[role])
    response = client.get(address)
    status, marker = ok if role in allowed else SIGN_IN if role == "anonymous" else FORBIDDEN
    text = shown(response)
    assert response.status_code == status, (role, view, response.status_code, text[:300])
    assert marker.split("; ")[0] in text and marker.split("; ")[-1] in text, (role, view, text[:300])


@pytest.mark.parametrize("role", ROLES)
def test_only_board_roles_may_write(role, make_kit, everyone, client, archive):
    kit = make_kit(publish=False)
    if role != "anonymous":
        client.force_login(everyone[role])
    first = archive["wang"].segments.first()
    writes = [
        (f"/kits/{kit.slug}/board/save/", {"revision": kit.latest_revision_id, "tagline": "改"}),
        (f"/kits/{kit.slug}/board/comment/", {"text": "好"}),
        ("/kits/snippets/", {"source": "segments", "page": archive["wang"].pk, "first": first.pk, "last": first.pk}),
    ]
    expected = {  # (status, marker) per write for the board roles
        "save": (200, '"tagline": "改"'),
        "comment": (200, '"text": "好"'),
        "snippets": (201, '"snippet": {"id": '),
    }
    for url, body in writes:
        response = client.post(url, json.dumps(body), content_type="application/json")
        name = url.rstrip("/").rsplit("/", 1)[-1]
        if role in {"participant", "facilitator"}:
            status, marker = expected[name]
        else:
            status, marker = SIGN_IN if role == "anonymous" else FORBIDDEN
        text = shown(response)
        assert response.status_code == status and marker in text, (role, url, response.status_code, text[:300])
    changed = BrandKit.objects.get(pk=kit.pk).latest_revision.as_object().tagline == "改"
    assert changed == (role in {"participant", "facilitator"})


def test_a_participant_outside_the_workshop_may_not_edit_its_kit(make_kit, client):
    from heritage.roles import Role

    from .conftest import person

    kit = make_kit()
    client.force_login(person(Role.PARTICIPANT))
    assert client.get(f"/kits/{kit.slug}/board/").status_code == 403


def test_a_participant_of_another_workshop_may_not_download_the_kit(make_kit, client):
    from heritage.roles import Role

    from .conftest import person

    kit = make_kit()
    outsider = person(Role.PARTICIPANT)
    Workshop.objects.create(title="另一个工作坊", facilitator=kit.workshop.facilitator).participants.add(outsider)
    client.force_login(outsider)
    response = client.get(f"/kits/{kit.slug}/download/")
    assert response.status_code == 403 and "forbidden" in response.content.decode()
    assert not response.has_header("Content-Disposition")


@pytest.mark.parametrize("role", ["community", "recorder", "participant", "seller", "facilitator"])
def test_only_facilitators_may_publish_a_kit(role, make_kit, everyone, client):
    from wagtail.permission_policies.base import ModelPermissionPolicy

    kit = make_kit(publish=False)
    user = everyone[role]
    assert ModelPermissionPolicy(BrandKit).user_has_permission(user, "publish") == (role == "facilitator")
    client.force_login(user)
    response = client.post(f"/admin/snippets/stories/brandkit/edit/{kit.pk}/", {"action-publish": "action-publish"})
    if role != "facilitator":  # no way into the admin at all
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        assert not BrandKit.objects.get(pk=kit.pk).live


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
    assert "不覆盖" in response.json()["zh"] and "overwritten" in response.json()["en"]


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
    assert bad.status_code == 400 and "不认识" in bad.json()["zh"]

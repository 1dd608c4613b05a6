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


# The kit story page (issue 13) and the board's read model (issue 14) ------------------------


def test_the_story_page_plays_each_quote_in_place_with_its_subtitles(make_kit, client, archive):
    from heritage.models import RecipePage

    RecipePage.objects.filter(pk=archive["recipe"].pk).update(family="王家（王秀英外婆传下来）")
    kit = make_kit()
    page = client.get(f"/kits/{kit.slug}/").content.decode()
    # The clip plays here, over the quote's own seconds, with the sentences it holds as subtitles.
    first, second = list(archive["wang"].segments)[:2]
    assert f'data-start="{first.start:.2f}" data-end="{second.end:.2f}"' in page
    assert f'<li data-start="{first.start:.2f}" data-end="{first.end:.2f}">{first.text}</li>' in page
    assert f"#t={first.start:.2f},{second.end:.2f}" in page and 'preload="none"' in page
    assert "stories/kit-story" in page and "<script>" not in page  # static script only (CSP)
    # The recipe and the family's name, who made the kit and when.
    assert "王家（王秀英外婆传下来）的做法" in page and "干辣椒用温水泡软。" in page
    assert "“共创”" in page and "协作者审核发布于" in page
    assert "site.css" not in page  # no stylesheet to wait for before the first paint


def test_the_story_page_is_light_to_send_on_3g(make_kit, client, django_assert_max_num_queries):
    import gzip

    kit = make_kit()
    # Reading the approved revision does not check each child row's foreign keys one by one
    # (Wagtail's as_object() did: +12 queries on this kit); consent is still asked on each request.
    with django_assert_max_num_queries(58):  # 56 here; 67 with as_object()
        response = client.get(f"/kits/{kit.slug}/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    page = gzip.decompress(response.content)
    assert len(response.content) < len(page) / 2 and "外婆说，辣子鸡全看糍粑辣椒。" in page.decode()
    # The jar's photo is fetched while the page is still parsing, before anything lazy.
    assert '<link rel="preload" as="image"' in page.decode() and 'fetchpriority="high"' in page.decode()


def test_the_story_page_shows_a_portrait_only_while_consent_allows(make_kit, client, archive):
    from .conftest import photo

    wang = archive["王秀英"]
    wang.portrait = photo("王秀英像")
    wang.save()
    kit = make_kit()
    page = client.get(f"/kits/{kit.slug}/").content.decode()
    assert 'class="portrait"' in page and 'alt="王秀英"' in page
    # The same photo also as the portrait of someone without public consent: restrictive wins.
    zhang = archive["张德明"]
    zhang.portrait = wang.portrait
    zhang.save()
    page = client.get(f"/kits/{kit.slug}/").content.decode()
    assert 'class="portrait"' not in page
    assert '<span class="face-tile" aria-hidden="true">王</span>' in page  # her initial instead, as in the archive


def test_a_kit_without_a_photo_shows_a_designed_tile_not_an_empty_frame(make_kit, client):
    kit = make_kit(slug="no-photo", photos=0)
    page = client.get(f"/kits/{kit.slug}/").content.decode()
    assert 'class="hero"' not in page and '<link rel="preload" as="image"' not in page
    assert '<div class="hero-tile" aria-hidden="true"><span>阳朗辣子鸡</span>' in page


def test_the_story_page_prints_only_readable_text_in_the_kit_colours(make_kit, client):
    from stories.contrast import MIN_TEXT_CONTRAST, contrast_ratio
    from stories.models import BrandKit
    from stories.story_page import kit_theme, story_page, text_pairs

    # Pale yellow first: too light for text on paper, so it may be the band (with dark text) only.
    theme = kit_theme(["#F2C14E", "#FFFAF3", "#7A2E12"])
    assert theme.band == "#F2C14E" and contrast_ratio(theme.band_text, theme.band) >= MIN_TEXT_CONTRAST
    assert theme.accent == "#7A2E12"
    assert kit_theme(["#FFFFFF"]).accent == "#B3261E"  # nothing readable: the site's red
    kit = make_kit()
    BrandKit.objects.filter(pk=kit.pk).update(palette="#F2C14E, #FFFAF3")
    kit.refresh_from_db()
    revision = kit.live_revision
    revision.content["palette"] = "#F2C14E, #FFFAF3"
    revision.save()
    pairs = text_pairs(story_page(kit))
    assert len(pairs) >= 3 and all(ratio >= MIN_TEXT_CONTRAST for _t, _b, ratio in pairs), pairs
    page = client.get(f"/kits/{kit.slug}/").content.decode()
    assert "--band: #F2C14E" in page and "--accent: #B3261E" in page


def test_the_board_never_offers_again_a_quote_already_in_the_story(make_kit, people, archive):
    from media.timecode import clock
    from stories.board import board_state
    from stories.snippets import from_segments

    kit = make_kit(publish=False)
    segments = list(archive["wang"].segments)
    again = from_segments(archive["wang"].pk, segments[0].pk, segments[1].pk, people["participant"])
    other = from_segments(archive["wang"].pk, segments[2].pk, segments[2].pk, people["participant"])
    state = board_state(kit, people["participant"])
    assert again.pk not in state["candidates"] and other.pk in state["candidates"]
    assert not set(state["candidates"]) & set(state["kit"]["snippets"])
    row = next(r for r in state["snippets"] if r["id"] == other.pk)
    assert row["length"] == clock(other.end - other.start) == "0:02"  # the clip's own length, not the recording's
    assert state["kit"]["status"] == "草稿"


def test_a_kit_has_exactly_one_main_photo(make_kit, people):
    from django.core.exceptions import ValidationError

    from stories.board import save_draft
    from stories.kit_images import offered_images

    kit = make_kit(publish=False, photos=2)
    a, b = [link.image_id for link in kit.kit_photos.all()]
    with pytest.raises(ValidationError, match="只能有一张主图"):
        save_draft(
            kit.pk,
            {"photos": [{"image": a, "role": "main"}, {"image": b, "role": "main"}]},
            people["facilitator"],
            kit.latest_revision_id,
        )
    assert {i.pk for i in offered_images()} >= {a, b}
    draft = save_draft(
        kit.pk,
        {"photos": [{"image": b, "role": "detail"}, {"image": a, "role": "detail"}]},
        people["facilitator"],
        kit.latest_revision_id,
    )
    assert [(link.image_id, link.role) for link in draft.kit_photos.all()] == [(b, "main"), (a, "detail")]


def test_every_swatch_on_offer_comes_with_readable_text():
    from stories.contrast import MIN_TEXT_CONTRAST, contrast_ratio, readable
    from stories.palette import DESIGNED, palette_offer

    offer = palette_offer(["#808080", "#F2C14E", "#b3261e"])
    # Red and yellow are both photo and designed colours: offered once each.
    assert [s["source"] for s in offer[:3]] == ["photo"] * 3 and len(offer) == 3 + len(DESIGNED) - 2
    for s in offer:
        assert contrast_ratio(s["text"], s["colour"]) >= MIN_TEXT_CONTRAST and s["ratio"] >= MIN_TEXT_CONTRAST
        assert s["as_text"] == readable(s["colour"], "#FFFAF3")


def test_board_search_adds_recipes_and_memories_as_well(make_kit, people, client, archive):
    client.force_login(people["participant"])
    url = "/kits/snippets/"
    recipe = client.post(
        url, {"source": "search", "key": f"page:{archive['recipe'].pk}/", "q": "温水"}, content_type="application/json"
    )
    assert recipe.status_code == 201 and recipe.json()["snippet"]["text"] == "干辣椒用温水泡软。"
    memory = client.post(
        url,
        {"source": "search", "key": f"page:{archive['memory'].pk}/", "q": "xiangwei", "marks": ["香味"]},
        content_type="application/json",
    )
    assert memory.status_code == 201 and memory.json()["snippet"]["text"] == "满屋子都是香味。"
    oral = client.post(
        url, {"source": "search", "key": f"page:{archive['wang'].pk}/", "q": "外婆"}, content_type="application/json"
    )
    assert oral.status_code == 400
    hidden = client.post(
        url,
        {"source": "search", "key": f"page:{archive['zhang'].pk}/seg:1", "q": "油"},
        content_type="application/json",
    )
    assert hidden.status_code == 404

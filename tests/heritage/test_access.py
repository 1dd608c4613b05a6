"""Who sees what on the public site: pages, listings, filters, the sitemap and the audio."""

import pytest
from django.utils import timezone

from heritage.models import FamilyMemoryPage, OralHistoryPage, RecipePage
from heritage.roles import Role, grant
from media.ingest import ingest

from .. import factories as f

pytestmark = pytest.mark.django_db

MODELS = [OralHistoryPage, RecipePage, FamilyMemoryPage]
LEVELS = ["public", "community", "restricted"]
# What each kind of user may open, by access level, when every narrator consents fully.
SEES = {
    "anonymous": {"public"},
    "villager": {"public", "community"},
    "facilitator": {"public", "community", "restricted"},
}


@pytest.fixture
def archive(make_audio):
    home, index = f.site_tree()
    consenting, archive_only, withdrawn = (
        f.full_consent("王秀英"),
        f.narrator("张德明", scopes=("archive",)),
        f.narrator("李桂芬", scopes=("archive",), withdrawn=("public", "commercial")),
    )
    pages = {}
    for model in MODELS:
        for level in LEVELS:
            extra = {}
            if model is OralHistoryPage:
                with make_audio("ogg", seconds=1.0, amplitude=0.1 + 0.1 * LEVELS.index(level)).open("rb") as s:
                    extra["recording"] = ingest(s, "clip.ogg", f"{model.kind}-{level}")
            pages[(model.kind, level)] = f.item(
                index, model, [consenting], level, title=f"{model.kind}-{level}-可见", decade=1970, **extra
            )
        for key, who, title, amplitude in (
            ("archive-only", archive_only, f"{model.kind}-存档", 0.5),
            ("withdrawn", withdrawn, f"{model.kind}-撤回", 0.6),
        ):
            extra = {}
            if model is OralHistoryPage:  # their audio is gated like their page
                with make_audio("ogg", seconds=1.0, amplitude=amplitude).open("rb") as s:
                    extra["recording"] = ingest(s, "clip.ogg", f"{model.kind}-{key}")
            pages[(model.kind, key)] = f.item(index, model, [who], "public", title=title, **extra)
    draft = f.item(index, RecipePage, [consenting], "public", title="草稿-未发布", publish=False)
    return {"home": home, "index": index, "pages": pages, "draft": draft, "narrators": (archive_only, withdrawn)}


def _client(client, kind):
    if kind != "anonymous":
        client.force_login(f.villager() if kind == "villager" else f.facilitator())
    return client


def _expected(kind, key):
    level = key[1]
    if level in LEVELS:
        return level in SEES[kind]
    # archive-only and withdrawn narrators: facilitators only (both keep archive consent).
    return kind == "facilitator"


@pytest.mark.parametrize("kind", SEES)
def test_pages_open_only_for_those_who_may_see_them(kind, archive, client):
    client = _client(client, kind)
    for key, page in archive["pages"].items():
        response = client.get(page.url)
        assert response.status_code == (200 if _expected(kind, key) else 404), (kind, key)


@pytest.mark.parametrize("kind", SEES)
def test_listings_name_only_what_the_user_may_see(kind, archive, client):
    client = _client(client, kind)
    index_html = client.get(archive["index"].url).content.decode()
    home_html = client.get(archive["home"].url).content.decode()
    for key, page in archive["pages"].items():
        assert (page.title in index_html) == _expected(kind, key), (kind, key)
        if not _expected(kind, key):
            assert page.title not in home_html
    assert "草稿-未发布" not in index_html
    archive_only, withdrawn = archive["narrators"]
    # Narrators appear as filter choices only through items the user may see.
    assert (archive_only.name in index_html) == (kind == "facilitator")
    assert (withdrawn.name in index_html) == (kind == "facilitator")


@pytest.mark.parametrize("kind", SEES)
def test_recordings_play_only_for_those_who_may_see_the_story(kind, archive, client):
    client = _client(client, kind)
    stories = {key: page for key, page in archive["pages"].items() if key[0] == "oral_history"}
    assert len(stories) == 5 and all(page.recording for page in stories.values())
    for key, page in stories.items():
        for variant, kind_of_audio in (("original", "audio/ogg"), ("derivative", "audio/flac")):
            response = client.get(f"/archive-audio/{page.pk}/{variant}/")
            if _expected(kind, key):
                assert response.status_code == 200, (kind, key, variant)
                assert response["Content-Type"] == kind_of_audio, (kind, key, variant, response["Content-Type"])
            else:
                assert response.status_code == 404 and not response.has_header("Content-Disposition"), (kind, key)


def test_the_sitemap_lists_public_consented_items_only(archive, client):
    xml = client.get("/sitemap.xml").content.decode()
    for key, page in archive["pages"].items():
        assert (page.url in xml) == (key[1] == "public"), key
    assert archive["draft"].slug not in xml


def test_withdrawing_public_consent_takes_a_story_down_at_once(archive, client):
    page = archive["pages"][("recipe", "public")]
    assert client.get(page.url).status_code == 200
    page.narrators[0].consents.filter(scope="public").update(withdrawn_at=timezone.now())
    assert client.get(page.url).status_code == 404
    assert page.url not in client.get("/sitemap.xml").content.decode()
    assert page.title not in client.get(archive["index"].url).content.decode()


def test_filters_narrow_the_listing(archive, client):
    index = archive["index"].url
    recipes = client.get(index, {"kind": "recipe"}).content.decode()
    assert "recipe-public-可见" in recipes and "oral_history-public-可见" not in recipes
    assert "recipe-public-可见" in client.get(index, {"decade": "1970"}).content.decode()
    assert "recipe-public-可见" not in client.get(index, {"decade": "1980"}).content.decode()
    narrator = archive["pages"][("recipe", "public")].narrators[0]
    assert "memory-public-可见" in client.get(index, {"narrator": narrator.pk}).content.decode()
    # Nonsense filters are ignored, not errors.
    assert client.get(index, {"kind": "<script>", "decade": "x" * 50, "narrator": "-1"}).status_code == 200


def test_a_villager_signs_in_on_a_phone_friendly_form_and_sees_community_items(archive, client, django_user_model):
    grant(django_user_model.objects.create_user("cunmin", password="辣子鸡-2026"), Role.COMMUNITY)
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "cunmin", "password": "辣子鸡-2026", "next": "/archive/"})
    assert response.status_code == 302 and response["Location"] == "/archive/"
    assert "recipe-community-可见" in client.get(archive["index"].url).content.decode()


def test_an_account_without_a_community_role_sees_what_the_public_sees(archive, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("stranger"))
    listing = client.get(archive["index"].url).content.decode()
    assert "recipe-public-可见" in listing and "recipe-community-可见" not in listing


def test_public_pages_are_in_simplified_chinese_whatever_the_browser_asks(archive, client):
    html = client.get(archive["index"].url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html and "筛选" in html

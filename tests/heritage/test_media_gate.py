"""Every image byte passes the consent gate: originals and renditions, DEBUG on or off."""

import importlib
import io
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.cache import caches
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches
from django.utils import timezone
from PIL import Image
from wagtail.models import Collection, CollectionViewRestriction

from heritage.media_gate import may_image
from heritage.models import Consent, FamilyMemoryPage, HeritageImage, RecipePage
from heritage.roles import Role, grant

from .. import factories as f

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "community", "seller", "facilitator"]


@pytest.fixture(autouse=True)
def _fresh_renditions():
    # Wagtail caches renditions by image id; ids come again after each test's rollback.
    caches["default"].clear()


def photo(title, fmt="JPEG", collection=None, suffix=None) -> HeritageImage:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 40, 30)).save(buffer, fmt)
    image = HeritageImage(title=title, **({"collection": collection} if collection else {}))
    image.file = ImageFile(buffer, name=f"{title}.{suffix or fmt.lower()}")
    image.save()
    return image


def user_for(role):
    if role == "visitor":
        return None
    if role == "facilitator":
        return f.facilitator()
    user = f.villager()
    if role == "seller":
        user.groups.clear()
        grant(user, Role.SELLER)
    return user


def login(client, role):
    user = user_for(role)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def gallery():
    """王秀英 consents fully, 李桂芬 withdrew public display, 赵老四 withdrew even the archive."""
    _, index = f.site_tree()
    wang = f.full_consent("王秀英")
    li = f.narrator("李桂芬", scopes=("archive",), withdrawn=("public", "commercial"))
    zhao = f.narrator("赵老四", withdrawn=("archive", "public"))
    images = {name: photo(name) for name in ("public", "step", "restricted", "li_portrait", "zhao_portrait")}
    li.portrait, zhao.portrait = images["li_portrait"], images["zhao_portrait"]
    li.save()
    zhao.save()
    f.item(index, RecipePage, [wang], "public", title="王家辣子鸡", photo=images["public"],
           steps=[("step", {"text": "泡辣椒。", "photo": images["step"]})])  # fmt: skip
    f.item(index, FamilyMemoryPage, [wang], "restricted", title="家里的事",
           photos=[("photo", {"image": images["restricted"], "caption": ""})])  # fmt: skip
    f.item(index, RecipePage, [li], "public", title="李家的菜")
    f.item(index, RecipePage, [zhao], "public", title="赵家的菜")
    return {"images": images, "wang": wang, "li": li, "index": index}


def urls(image):
    return [image.file.url, image.get_rendition("fill-160x160").url]


# Which images each role may have; every other image answers 404.
ALLOWED = {
    "visitor": {"public", "step"},
    "community": {"public", "step"},
    "seller": {"public", "step"},
    "facilitator": {"public", "step", "restricted", "li_portrait"},
}


@pytest.mark.parametrize("role", ROLES)
def test_originals_and_renditions_only_for_those_who_may_see_them(role, gallery, client):
    client = login(client, role)
    for name, image in gallery["images"].items():
        for url in urls(image):
            assert url.startswith("/media/original_images/") or url.startswith("/media/images/")
            response = client.get(url)
            expected = 200 if name in ALLOWED[role] else 404
            assert response.status_code == expected, (role, name, url)
            if expected == 200:
                assert response["Content-Type"] == "image/jpeg"
                assert response["X-Content-Type-Options"] == "nosniff"
                assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
                assert response["Cache-Control"] == "private, no-cache"
                assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_withdrawal_takes_effect_on_the_next_request(gallery, client):
    image = gallery["images"]["public"]
    original, rendition = urls(image)
    assert client.get(original).status_code == 200 and client.get(rendition).status_code == 200
    Consent.objects.filter(narrator=gallery["wang"], scope="public").update(withdrawn_at=timezone.now())
    assert client.get(original).status_code == 404 and client.get(rendition).status_code == 404


def test_a_withdrawal_dated_ahead_acts_when_its_time_comes(gallery, client):
    image = gallery["images"]["public"]
    consent = Consent.objects.filter(narrator=gallery["wang"], scope="public")
    consent.update(withdrawn_at=timezone.now() + timedelta(minutes=1))
    assert client.get(image.file.url).status_code == 200
    consent.update(withdrawn_at=timezone.now() - timedelta(seconds=1))  # the minute has passed
    assert client.get(image.file.url).status_code == 404
    assert not may_image(image, "view", None)


def test_a_photo_shared_with_a_withdrawn_narrators_page_is_hidden_everywhere(gallery, client):
    """Restrictive wins: one narrator who withdrew keeps the photo from the public, even
    where a consenting narrator's page shows it too."""
    image = gallery["images"]["public"]
    assert client.get(image.file.url).status_code == 200
    f.item(gallery["index"], FamilyMemoryPage, [gallery["li"]], "public", title="李家合影",
           photos=[("photo", {"image": image, "caption": ""})])  # fmt: skip
    assert client.get(image.file.url).status_code == 404


def test_an_unused_photo_is_for_facilitators_and_a_consent_form_for_them_alone(gallery, client):
    loose = photo("loose")
    forms = Collection.get_first_root_node().add_child(name="同意书 consent forms")
    CollectionViewRestriction.objects.create(collection=forms, restriction_type=CollectionViewRestriction.GROUPS)
    form = photo("form", collection=forms)
    for role in ("visitor", "community"):
        client = login(client, role)
        assert client.get(loose.file.url).status_code == 404
        assert client.get(form.file.url).status_code == 404
    client = login(client, "facilitator")
    assert client.get(loose.file.url).status_code == 200
    assert client.get(form.file.url).status_code == 200
    assert not may_image(form, "commercial", f.facilitator())


def test_nothing_else_under_media_is_served(gallery, client, make_audio, settings):
    from media.ingest import ingest

    recording = ingest(make_audio("ogg").open("rb"), "a.ogg", "录音")
    client = login(client, "facilitator")
    image = gallery["images"]["public"]
    for path in (
        f"/media/{recording.original.name}",
        f"/media/{recording.derivative.name}",
        "/media/documents/consent-1.jpg",
        "/media/tmp/upload-x/received",
        f"/media/images/../{image.file.name}",
        f"/media/original_images/..%2F{recording.original.name}",
        "/media/original_images/nothing.jpg",
    ):
        assert client.get(path).status_code == 404, path


def test_with_debug_off_the_image_route_still_works(gallery, client, settings):
    import config.urls

    settings.DEBUG = False
    try:
        importlib.reload(config.urls)
        clear_url_caches()
        image = gallery["images"]["public"]
        assert client.get(image.file.url).status_code == 200
        assert client.get(gallery["images"]["restricted"].file.url).status_code == 404
    finally:
        settings.DEBUG = True
        importlib.reload(config.urls)
        clear_url_caches()


def test_behind_nginx_images_are_handed_over_with_no_body(gallery, client, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/_protected/"
    image = gallery["images"]["step"]
    for url in urls(image):
        response = client.get(url)
        assert response.status_code == 200 and response.content == b""
        assert response["X-Accel-Redirect"] == "/_protected/" + quote(url.removeprefix("/media/"))
        assert response["Content-Type"] == "image/jpeg"
    assert "X-Accel-Redirect" not in client.get(gallery["images"]["restricted"].file.url)


def test_the_type_comes_from_the_file_not_its_name(gallery, client):
    png = photo("lying", fmt="PNG", suffix="html")
    assert png.file.name.endswith(".html")
    f.item(gallery["index"], RecipePage, [gallery["wang"]], "public", title="另一道菜", photo=png)
    response = client.get(png.file.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_the_admin_image_listing_keeps_its_thumbnails_for_facilitators(gallery, client, django_user_model):
    # Someone who holds Wagtail's image permissions (today's facilitator group holds
    # them model-wide, which Wagtail's collection policy does not count: a superuser here).
    client.force_login(django_user_model.objects.create_superuser("admin", password="pw"))
    response = client.get("/admin/images/")
    listing = response.content.decode()
    thumbs = set(re.findall(r'src="(/media/images/[^"]+)"', listing))
    assert thumbs, (response.status_code, re.findall(r"<img[^>]*>", listing)[:5], listing[:3000])
    for url in thumbs:
        allowed = "zhao_portrait" not in url
        assert client.get(url).status_code == (200 if allowed else 404), url


def test_an_image_request_asks_the_database_a_bounded_number_of_times(gallery, client):
    # A regression guard, not a target: the rule for every use, the consent, the collection.
    url = gallery["images"]["step"].get_rendition("fill-160x160").url
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    print(f"queries for a visitor's rendition: {len(queries)}")
    assert len(queries) <= 20
    assert client.post(url).status_code == 405

"""Wagtail's image library is the facilitators' (list, upload, edit), and its one-image views
answer only past the consent gate: a photo of a narrator without archive consent is not
previewed, chosen, embedded or traced to its pages, for facilitators neither
(heritage/admin_gate.py, issue 10)."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from heritage.models import Consent, HeritageImage, Narrator, RecipePage

from .. import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def photos():
    _, index = f.site_tree()
    kept, gone = f.full_consent("王秀英"), f.full_consent("李桂芬")
    kept_photo, gone_photo = f.photo("王家的锅"), f.photo("李家的灶")
    f.item(index, RecipePage, [kept], "public", title="王家辣子鸡", photo=kept_photo)
    f.item(index, RecipePage, [gone], "public", title="李家辣子鸡", photo=gone_photo)
    Consent.objects.filter(narrator=gone, scope="archive").update(withdrawn_at=timezone.now() - timedelta(minutes=1))
    return kept_photo, gone_photo


@pytest.fixture
def facilitator_client(client):
    client.force_login(f.facilitator())
    return client


ONE_IMAGE_VIEWS = [
    ("wagtailimages:preview", {"filter_spec": "max-165x165"}, 200),
    # No image serve view is mounted (images go through media_file): Wagtail's own 404.
    ("wagtailimages:url_generator", {}, 404),
    ("wagtailimages:url_generator_output", {}, 404),
    ("wagtailimages:image_usage", {}, 200),
    ("wagtailimages_chooser:select_format", {}, 200),
]


@pytest.mark.parametrize(("view", "extra", "status"), ONE_IMAGE_VIEWS)
def test_a_one_image_view_answers_for_an_allowed_photo_and_refuses_a_withdrawn_one(
    facilitator_client, photos, view, extra, status
):
    kept, gone = photos
    assert facilitator_client.get(reverse(view, kwargs={"image_id": kept.pk, **extra})).status_code == status
    refused = facilitator_client.get(reverse(view, kwargs={"image_id": gone.pk, **extra}))
    assert refused.status_code == 404
    assert "没有找到这张图片" in refused.content.decode() and "李家" not in refused.content.decode()


def test_the_chooser_hands_back_an_allowed_photo_and_refuses_a_withdrawn_one(facilitator_client, photos):
    kept, gone = photos
    chosen = facilitator_client.get(reverse("wagtailimages_chooser:chosen", args=[kept.pk]))
    assert chosen.status_code == 200 and chosen.json()["result"]["title"] == "王家的锅"
    refused = facilitator_client.get(
        reverse("wagtailimages_chooser:chosen", args=[gone.pk]), HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 404
    assert refused.json()["error"] == "image_not_found" and "李家" not in refused.content.decode()
    several = reverse("wagtailimages_chooser:chosen_multiple")
    assert facilitator_client.get(f"{several}?id={kept.pk}").status_code == 200
    assert facilitator_client.get(f"{several}?id={kept.pk}&id={gone.pk}").status_code == 404


def test_a_visitor_gets_nothing_from_the_image_views(client, photos):
    kept, gone = photos
    for image in (kept, gone):
        response = client.get(reverse("wagtailimages:preview", args=[image.pk, "max-165x165"]))
        assert response.status_code in (302, 404) and not response.get("Content-Type", "").startswith("image/")


def test_facilitators_have_the_image_library_and_upload_to_it(facilitator_client, photos):
    listing = facilitator_client.get(reverse("wagtailimages:index"))
    assert listing.status_code == 200 and "王家的锅" in listing.content.decode()
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(buffer, "JPEG")
    upload = SimpleUploadedFile("guo.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = facilitator_client.post(reverse("wagtailimages:add"), {"title": "新的锅", "file": upload})
    assert response.status_code == 302, response.content.decode()[:500]
    image = HeritageImage.objects.get(title="新的锅")
    assert facilitator_client.get(reverse("wagtailimages:edit", args=[image.pk])).status_code == 200


def test_a_community_member_has_no_image_library(client, photos):
    client.force_login(f.villager())
    response = client.get(reverse("wagtailimages:index"))
    assert response.status_code in (302, 403)


def test_a_refusal_names_the_missing_image_in_both_languages(facilitator_client, photos):
    _, gone = photos
    refused = facilitator_client.get(
        reverse("wagtailimages_chooser:chosen", args=[gone.pk]), HTTP_ACCEPT="application/json"
    )
    assert (refused.json()["zh"], refused.json()["en"]) == ("没有找到这张图片。", "This image does not exist.")


def test_a_photo_only_facilitators_may_see_is_previewed_for_them(facilitator_client):
    _, index = f.site_tree()
    archive_only = f.narrator("陈光荣", scopes=("archive",))  # no consent for the public
    photo = f.photo("陈家的石臼")
    f.item(index, RecipePage, [archive_only], "public", title="陈家辣子鸡", photo=photo)
    preview = reverse("wagtailimages:preview", kwargs={"image_id": photo.pk, "filter_spec": "max-165x165"})
    assert facilitator_client.get(preview).status_code == 200


def test_admin_views_that_show_no_image_are_not_gated_by_their_id(facilitator_client, photos):
    # A snippet's pk is no image id: the gate must not read it as one.
    narrator = Narrator(pk=987_654, name="张德明")
    narrator.save()
    assert not HeritageImage.objects.filter(pk=narrator.pk).exists()
    response = facilitator_client.get(reverse("wagtailsnippets_heritage_narrator:edit", args=[narrator.pk]))
    assert response.status_code == 200 and "张德明" in response.content.decode()

"""Kit photos ask the image gate: the board offers, reads and saves only photos that may go
on a product; a kit with any other photo is not published, not shown, not shipped."""

import json

import pytest
from django.core import mail
from django.core.cache import caches
from django.utils import timezone

from heritage.models import Consent, FamilyMemoryPage
from stories.consent import PhotoProblem, consent_problems
from stories.exceptions import KitConsentError
from stories.exporting import export_kit
from stories.models import BrandKit, KitPhoto
from stories.shelf import kits_on_shelf

from .. import factories as f
from .conftest import photo
from .test_review_cases import board_state_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_renditions():
    # Wagtail caches renditions by image id; ids come again after each test's rollback.
    caches["default"].clear()


@pytest.fixture
def photos(archive):
    """A restricted memory's photo, and a public one whose narrator gave no commercial consent."""
    hidden, uncommercial, public = photo("家里的私房照"), photo("赵家老屋"), photo("王家灶台")
    zhao = f.narrator("赵老四", scopes=("archive", "public"))
    f.item(archive["index"], FamilyMemoryPage, [archive["王秀英"]], "restricted", title="不公开的家事",
           photos=[("photo", {"image": hidden, "caption": ""})])  # fmt: skip
    f.item(archive["index"], FamilyMemoryPage, [zhao], "public", title="赵家老屋",
           photos=[("photo", {"image": uncommercial, "caption": ""})])  # fmt: skip
    wang_page = f.item(archive["index"], FamilyMemoryPage, [archive["王秀英"]], "public", title="王家灶台",
                       photos=[("photo", {"image": public, "caption": ""})])  # fmt: skip
    return {"hidden": hidden, "uncommercial": uncommercial, "public": public, "wang_page": wang_page}


def post(client, kit, path, body):
    return client.post(f"/kits/{kit.slug}/board/{path}", json.dumps(body), content_type="application/json")


def test_the_picker_offers_only_photos_that_may_go_on_a_product(make_kit, photos, people, client):
    kit = make_kit(publish=False)
    client.force_login(people["participant"])
    state = json.loads(board_state_of(client.get(f"/kits/{kit.slug}/board/")))
    offered = {image["id"]: image for image in state["images"]}
    assert photos["public"].pk in offered
    assert photos["hidden"].pk not in offered and photos["uncommercial"].pk not in offered
    text = json.dumps(state, ensure_ascii=False)
    assert "家里的私房照" not in text and "赵家老屋" not in text
    # The thumbnails offered are served to the participant; a hidden photo's are not.
    for image in offered.values():
        assert client.get(image["thumb"]).status_code == 200
    assert client.get(photos["hidden"].get_rendition("fill-160x160").url).status_code == 404


@pytest.mark.parametrize("path", ["palette/", "save/"])
def test_the_board_refuses_photos_it_may_not_take_in_words_that_name_nothing(path, make_kit, photos, people, client):
    kit = make_kit(publish=False)
    client.force_login(people["participant"])
    before = [link.image_id for link in kit.kit_photos.all()]

    def send(image_id):
        if path == "palette/":
            return post(client, kit, path, {"images": [*before, image_id]})
        chosen = [{"image": i, "role": "detail"} for i in [*before, image_id]]
        return post(client, kit, path, {"revision": kit.latest_revision_id, "photos": chosen})

    for image_id, status in ((photos["hidden"].pk, 404), (999_999, 404), (photos["uncommercial"].pk, 403)):
        response = send(image_id)
        assert response.status_code == status, response.content
        body = response.json()
        assert body["error"] and body["zh"] and body["en"]
        text = json.dumps(body, ensure_ascii=False)
        assert "家里的私房照" not in text and "赵家老屋" not in text and "赵老四" not in text
    draft = BrandKit.objects.get(pk=kit.pk).get_latest_revision_as_object()
    assert [link.image_id for link in draft.kit_photos.all()] == before
    assert send(photos["public"].pk).status_code == 200


def test_a_restricted_memorys_photo_cannot_be_published_in_a_kit(make_kit, photos):
    kit = make_kit(publish=False)
    kit.kit_photos.add(KitPhoto(image=photos["hidden"], role="detail"))
    kit.save()
    with pytest.raises(KitConsentError):
        kit.save_revision().publish()
    assert [p for p in consent_problems(kit) if isinstance(p, PhotoProblem)]
    assert not BrandKit.objects.get(pk=kit.pk).live


def test_a_live_kit_whose_photo_turns_restricted_leaves_page_shelf_and_zip(make_kit, photos, people, client):
    kit = make_kit(publish=False)
    kit.kit_photos.add(KitPhoto(image=photos["public"], role="detail"))
    kit.save()
    kit.save_revision().publish()
    kit.refresh_from_db()
    assert kits_on_shelf() == [kit] and client.get(f"/kits/{kit.slug}/").status_code == 200
    assert client.get(photos["public"].file.url).status_code == 200
    # No signal runs: the page's access level changes in the table only.
    FamilyMemoryPage.objects.filter(pk=photos["wang_page"].pk).update(access_level="restricted")
    assert kits_on_shelf() == []
    assert client.get(f"/kits/{kit.slug}/").status_code == 404
    assert client.get(photos["public"].file.url).status_code == 404
    with pytest.raises(KitConsentError):
        export_kit(kit)


def test_the_download_refusal_counts_quotes_and_names_none(make_kit, archive, people, client):
    people["facilitator"].email = "facilitator@example.invalid"
    people["facilitator"].save()
    kit = make_kit()
    # Withdrawn in the table only, so that no signal has taken the kit down yet.
    Consent.objects.filter(narrator=archive["王秀英"], scope="commercial").update(withdrawn_at=timezone.now())
    client.force_login(people["seller"])
    response = client.get(f"/kits/{kit.slug}/download/", follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "3 条引用" in shown and "协作者" in shown
    for words in ("我第一次做", "外婆说", "干辣椒", "满屋子", "王秀英"):
        assert words not in shown
    kit.refresh_from_db()
    assert not kit.live
    assert len(mail.outbox) == 1 and "facilitator@example.invalid" in mail.outbox[0].to
    # The participant's board says the kit was withdrawn, not which words caused it.
    client.force_login(people["participant"])
    state = board_state_of(client.get(f"/kits/{kit.slug}/board/"))
    assert "协作者已收到通知" in state and "王秀英" not in json.loads(state)["kit"]["withdrawn_reason"]
    listing = client.get("/kits/").content.decode()
    assert "协作者已收到通知" in listing and "外婆说" not in listing


def test_a_narrators_withdrawal_takes_down_kits_showing_a_photo_of_their_items(
    make_kit, archive, django_capture_on_commit_callbacks
):
    sun = f.full_consent("孙大妈")
    kitchen = photo("孙家厨房")
    f.item(archive["index"], FamilyMemoryPage, [sun], "public", title="孙家厨房",
           photos=[("photo", {"image": kitchen, "caption": ""})])  # fmt: skip
    kit = make_kit(publish=False)
    kit.kit_photos.add(KitPhoto(image=kitchen, role="detail"))
    kit.save()
    kit.save_revision().publish()
    assert BrandKit.objects.get(pk=kit.pk).live
    consent = Consent.objects.get(narrator=sun, scope="commercial")
    consent.withdrawn_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        consent.save()
    kit.refresh_from_db()
    assert not kit.live and "孙家厨房" in kit.withdrawn_reason


def test_the_shelf_judges_the_approved_revision_not_the_rows_edited_since(make_kit, photos, people, client):
    """The page, the photos and the zip show the approved revision; the board edits the rows
    after it. A photo the approved revision shows keeps the kit off the shelf when it turns
    restricted, even after the workshop took it out of the draft."""
    kit = make_kit(publish=False)
    kit.kit_photos.add(KitPhoto(image=photos["public"], role="detail"))
    kit.save()
    kit.save_revision().publish()
    kit.refresh_from_db()
    # The workshop drops the photo from its working copy (the rows), without a new approval.
    KitPhoto.objects.filter(kit=kit, image=photos["public"]).delete()
    kit = BrandKit.objects.get(pk=kit.pk)
    assert client.get(f"/kits/{kit.slug}/").status_code == 200
    FamilyMemoryPage.objects.filter(pk=photos["wang_page"].pk).update(access_level="restricted")
    assert kits_on_shelf() == []
    assert client.get(f"/kits/{kit.slug}/").status_code == 404
    assert photos["public"].title not in client.get(f"/kits/{kit.slug}/").content.decode()
    client.force_login(people["seller"])
    assert client.get("/kits/shelf/").status_code == 200
    assert kit.slug not in client.get("/kits/shelf/").content.decode()

"""What ties an image to people, and how the ties add up (heritage/media_gate.py).

Each case names the one tie that decides: a portrait seen with its narrator's items, an
image in an item only the community may see, a free-standing picture, and an image that
is both on a shelf and in a withdrawn narrator's story. Asked of `permitted_images`
directly, for the three audiences and for commercial use (a kit, judged for the public).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Collection, CollectionViewRestriction

from heritage import media_gate
from heritage.consent import Purpose
from heritage.media_gate import ImageTies, image_of, permitted_images, register_image_uses
from heritage.models import FamilyMemoryPage, RecipePage

from .. import factories as f

pytestmark = pytest.mark.django_db

VIEW, COMMERCIAL = Purpose.VIEW, Purpose.COMMERCIAL


@pytest.fixture
def ties():
    """王 (full consent) has a public recipe; 陈 (full consent) only a community-level memory;
    周 (full consent) has no item at all; 李 withdrew public display."""
    _, index = f.site_tree()
    wang, chen, zhou = f.full_consent("王秀英"), f.full_consent("陈阿婆"), f.full_consent("周大爷")
    li = f.narrator("李桂芬", scopes=("archive",), withdrawn=("public", "commercial"))
    images = {
        name: f.photo(name)
        for name in ("wang_face", "chen_face", "zhou_face", "community", "nobody", "free", "li_story", "form")
    }
    for person, face in ((wang, "wang_face"), (chen, "chen_face"), (zhou, "zhou_face")):
        person.portrait = images[face]
        person.save()
    f.item(index, RecipePage, [wang], "public", title="王家辣子鸡")
    kitchen = f.item(index, FamilyMemoryPage, [chen], "community", title="陈家的灶房",
                     photos=[("photo", {"image": images["community"], "caption": ""})])  # fmt: skip
    f.item(index, FamilyMemoryPage, [], "community", title="村里的老照片",
           photos=[("photo", {"image": images["nobody"], "caption": ""})])  # fmt: skip
    li_recipe = f.item(index, RecipePage, [li], "public", title="李家的菜", photo=images["li_story"], publish=False)
    forms = Collection.get_first_root_node().add_child(name="同意书")
    CollectionViewRestriction.objects.create(collection=forms, restriction_type="login")
    images["form"].collection = forms
    images["form"].save()
    return {
        "images": images,
        "wang": wang,
        "chen": chen,
        "li": li,
        "zhou": zhou,
        "kitchen": kitchen,
        "li_recipe": li_recipe,
        "index": index,
        "visitor": None,
        "community": f.villager(),
        "facilitator": f.facilitator(),
    }


def allowed(ties, purpose, who):
    names = {image.pk: name for name, image in ties["images"].items()}
    return {names[pk] for pk in permitted_images(names, purpose, ties[who])}


def test_each_audience_sees_what_its_ties_allow(ties):
    assert allowed(ties, VIEW, "visitor") == {"wang_face"}
    assert allowed(ties, VIEW, "community") == {"wang_face", "chen_face", "community", "nobody"}
    # Facilitators keep what archive consent covers: 李 withdrew public display, not the archive.
    assert allowed(ties, VIEW, "facilitator") == set(ties["images"])


def test_commercial_use_is_judged_for_the_public_and_a_free_standing_picture_may_be_used(ties):
    # 周's portrait: no item anyone may see it with; 陈's and the village photo: community items
    # only. Each is tied to the archive, so none may go on a label; the free picture may.
    assert allowed(ties, COMMERCIAL, "facilitator") == {"wang_face", "free"}
    assert allowed(ties, COMMERCIAL, "visitor") == {"wang_face", "free"}


def test_a_picture_nobody_uses_is_not_for_the_public_to_browse(ties):
    assert "free" not in allowed(ties, VIEW, "visitor") and "free" not in allowed(ties, VIEW, "community")
    assert "free" in allowed(ties, VIEW, "facilitator")


def test_a_refused_image_does_not_stop_the_others_in_the_same_question(ties):
    images = ties["images"]
    ties["wang"].portrait = later = f.photo("wang_new")
    ties["wang"].save()
    asked = [images["li_story"].pk, images["form"].pk, later.pk, images["wang_face"].pk]
    assert permitted_images(asked, VIEW, None) == {later.pk}


@pytest.fixture
def shelf_use():
    """A use another app registers (as stories does for kits): the image is on a shelf."""
    shelved: dict[int, ImageTies] = {}

    def uses(ids, purpose, viewer):
        return {pk: ImageTies(set(), tie.seen, tie.archived) for pk, tie in shelved.items() if pk in ids}

    register_image_uses(uses)
    register_image_uses(uses)  # registering twice (ready() run again) counts once
    assert media_gate._uses.count(uses) == 1
    yield shelved
    media_gate._uses.remove(uses)


def test_a_registered_use_lets_people_see_an_image_they_otherwise_could_not(ties, shelf_use):
    shelf_use[ties["images"]["free"].pk] = ImageTies(seen=True)
    assert "free" in allowed(ties, VIEW, "visitor")


def test_an_image_on_a_shelf_and_in_a_withdrawn_narrators_story_is_refused(ties, shelf_use):
    """The shelf's tie names no narrator; adding it must not forget hers."""
    shelf_use[ties["images"]["li_story"].pk] = ImageTies(seen=True)
    assert "li_story" not in allowed(ties, VIEW, "visitor")
    assert "li_story" not in allowed(ties, COMMERCIAL, "facilitator")


def test_a_draft_kit_does_not_make_a_community_photo_free_standing(ties, shelf_use):
    """A kit not yet on the shelf (not seen, no archive tie) adds nothing: the photo stays tied
    to the community item it came from and may not go on a label."""
    shelf_use[ties["images"]["community"].pk] = ImageTies(seen=False, archived=False)
    assert "community" not in allowed(ties, COMMERCIAL, "facilitator")


def test_the_questions_asked_do_not_grow_with_the_items_showing_an_image(ties):
    _, index = f.site_tree()
    wang = f.full_consent("王小妹")
    shared = f.photo("shared")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            permitted_images([shared.pk], VIEW, None)
        return len(captured)

    f.item(index, RecipePage, [wang], "public", title="第一道菜", photo=shared)
    one = queries()
    for n in range(3):
        f.item(index, RecipePage, [wang], "public", title=f"又一道菜{n}", photo=shared)
    assert queries() == one


def test_a_rendition_name_finds_its_image_in_one_question(ties):
    image = ties["images"]["wang_face"]
    rendition = image.get_rendition("fill-80x80")
    with CaptureQueriesContext(connection) as captured:
        assert image_of(rendition.file.name) == image
        assert image_of(rendition.file.name).title == "wang_face"
    assert len(captured) == 2  # one per call: the image comes with its rendition


def test_the_images_a_consent_change_may_affect_are_every_image_tied_to_the_narrator(ties):
    images = {image.pk: name for name, image in ties["images"].items()}
    of = lambda narrator: {images[pk] for pk in media_gate.images_of_narrator(narrator.pk)}  # noqa: E731
    assert of(ties["chen"]) == {"chen_face", "community"}
    assert of(ties["li"]) == {"li_story"}  # her recipe is a draft: still hers
    assert of(ties["zhou"]) == {"zhou_face"}
    assert media_gate.images_of_narrator(10**9) == set()
    # The portrait's id, not the narrator's: made so that the two numbers differ.
    faces = [f.photo(f"face{n}") for n in range(4)]
    zhao = f.full_consent("赵老四")
    zhao.portrait = faces[-1]
    zhao.save()
    assert zhao.pk != faces[-1].pk
    assert media_gate.images_of_narrator(zhao.pk) == {faces[-1].pk}


def test_the_images_a_page_shows_and_none_for_a_page_that_is_no_archive_item(ties):
    assert media_gate.images_of_page(ties["kitchen"].pk) == {ties["images"]["community"].pk}
    assert media_gate.images_of_page(ties["li_recipe"].pk) == {ties["images"]["li_story"].pk}
    assert media_gate.images_of_page(ties["index"].pk) == set()
    assert media_gate.images_of_page(10**9) == set()

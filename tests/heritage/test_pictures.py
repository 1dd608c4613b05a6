"""Archive pages show their photos where consented, a designed tile where not (issue 13)."""

import re

import pytest

from heritage.models import RecipePage
from media.ingest import ingest

from .. import factories as f

pytestmark = pytest.mark.django_db


def images(html: str) -> list[str]:
    return re.findall(r'<img [^>]*src="([^"]+)"', html)


@pytest.fixture
def index():
    return f.site_tree()[1]


def test_a_consented_portrait_and_recipe_photo_show_on_the_page_and_the_archive_card(index, client):
    wang = f.full_consent("王秀英")
    wang.portrait = f.photo("王秀英像")
    wang.save()
    recipe = f.item(index, RecipePage, [wang], title="王家阳朗辣子鸡", photo=f.photo("辣子鸡"))
    page = client.get(recipe.url).content.decode()
    assert len(images(page)) == 2 and 'class="portrait"' in page and "hero-tile" not in page
    assert '"image": "http' in page  # the consented photo in the schema.org data too
    assert all(client.get(src).status_code == 200 for src in images(page))  # through the image gate
    card = client.get(index.url).content.decode()
    assert len(images(card)) == 1 and 'class="tile' not in card


def test_without_a_photo_the_page_draws_a_tile_not_a_broken_image(index, client):
    wang = f.full_consent("王秀英")
    recipe = f.item(index, RecipePage, [wang], title="王家阳朗辣子鸡", family="王家", is_demo=True)
    page = client.get(recipe.url).content.decode()
    assert images(page) == []
    assert '<span class="portrait tile" aria-hidden="true">王</span>' in page and 'class="hero-tile"' in page
    # A recipe has no voice: demo content, but nothing about synthesised speech.
    assert "演示内容" in page and "语音为合成" not in page
    assert '<span class="tile tile-recipe">王</span>' in client.get(index.url).content.decode()


def test_a_photo_also_tied_to_a_narrator_without_public_consent_is_not_shown(index, client):
    wang, zhang = f.full_consent("王秀英"), f.narrator("张德明", scopes=("archive",))
    shared = f.photo("油坊")
    zhang.portrait = shared
    zhang.save()
    recipe = f.item(index, RecipePage, [wang], title="王家阳朗辣子鸡", photo=shared)
    page = client.get(recipe.url).content.decode()
    assert images(page) == [] and 'class="hero-tile"' in page
    assert '"image"' not in page  # nor its address in the page's schema.org data
    client.force_login(f.facilitator())
    assert len(images(client.get(recipe.url).content.decode())) == 1


def test_only_a_story_with_audio_says_its_voice_is_synthesised(index, client, make_audio):
    wang = f.full_consent("王秀英")
    with make_audio("ogg", seconds=2.0).open("rb") as stream:
        recording = ingest(stream, "wang.ogg", "外婆教我做阳朗辣子鸡")
    story = f.item(index, narrators=[wang], recording=recording, title="外婆教我做阳朗辣子鸡", is_demo=True)
    silent = f.item(index, narrators=[wang], title="还没录音的故事", is_demo=True)
    assert "演示内容（语音为合成）" in client.get(story.url).content.decode()
    assert "语音为合成" not in client.get(silent.url).content.decode()

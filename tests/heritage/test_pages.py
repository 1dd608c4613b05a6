"""Every page type renders what visitors need: player, transcript, recipe data, memories."""

import json
import re

import pytest

from heritage.models import FamilyMemoryPage, RecipePage
from media.ingest import ingest

from .. import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return f.site_tree()


def test_an_oral_history_shows_its_player_and_transcript(tree, client, make_audio):
    _, index = tree
    with make_audio("m4a", seconds=3.0).open("rb") as stream:
        recording = ingest(stream, "elder.m4a", "外婆教我做辣子鸡")
    f.transcript(recording, ["外婆说，辣子鸡全看糍粑辣椒。", "鸡要选自家养的土鸡。"], reviewed=False)
    segment = recording.transcript.segments.first()
    segment.reviewed = True
    segment.save()
    page = f.item(index, narrators=[f.full_consent("王秀英")], recording=recording)

    html = client.get(page.url).content.decode()
    assert f'/archive-audio/{page.pk}/original/" type="audio/mp4"' in html
    assert "王秀英" in html
    assert html.count('data-start="') == 2
    assert 'data-start="3.00"' in html
    # Reviewed sentences look settled; machine text is marked until a person checks it.
    assert len(re.findall(r'<li data-id="\d+" data-start="[^"]+" data-end="[^"]+" class="machine"', html)) == 1
    assert "机器转写" in html


def test_t_in_the_url_starts_the_player_there(tree, client, make_audio):
    _, index = tree
    with make_audio("ogg", seconds=1.0).open("rb") as stream:
        page = f.item(index, narrators=[f.full_consent()], recording=ingest(stream, "a.ogg", "a"))
    assert 'data-start-at="93.0"' in client.get(page.url, {"t": "93"}).content.decode()
    assert 'data-start-at="0.0"' in client.get(page.url, {"t": "abc"}).content.decode()


def test_the_audio_view_serves_byte_ranges_for_seeking(tree, client, make_audio):
    _, index = tree
    path = make_audio("ogg", seconds=2.0)
    with path.open("rb") as stream:
        page = f.item(index, narrators=[f.full_consent()], recording=ingest(stream, "a.ogg", "a"))
    data = path.read_bytes()
    whole = client.get(f"/archive-audio/{page.pk}/original/")
    assert b"".join(whole.streaming_content) == data and whole["Accept-Ranges"] == "bytes"
    part = client.get(f"/archive-audio/{page.pk}/original/", HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert b"".join(part.streaming_content) == data[100:200]
    tail = client.get(f"/archive-audio/{page.pk}/original/", HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == data[-10:]
    assert client.get(f"/archive-audio/{page.pk}/original/", HTTP_RANGE=f"bytes={len(data)}-").status_code == 416


def test_a_recipe_publishes_schema_org_recipe_data(tree, client):
    _, index = tree
    page = f.item(
        index,
        RecipePage,
        [f.full_consent("王秀英")],
        title="王家阳朗辣子鸡",
        summary="外婆传下来的做法。",
        recipe_yield="一锅",
        prep_minutes=60,
        cook_minutes=50,
        ingredients=[("ingredient", {"name": "土鸡", "amount": "1", "unit": "只", "note": "自家养的"})],
        steps=[
            ("step", {"text": "干辣椒用温水泡软。", "photo": None}),
            ("step", {"text": "舂成糍粑辣椒。</script>", "photo": None}),
        ],
    )
    html = client.get(page.url).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Recipe" and data["name"] == "王家阳朗辣子鸡"
    assert data["recipeIngredient"] == ["土鸡 1只（自家养的）"]
    assert [s["text"] for s in data["recipeInstructions"]] == ["干辣椒用温水泡软。", "舂成糍粑辣椒。</script>"]
    assert data["author"] == [{"@type": "Person", "name": "王秀英"}]
    assert data["prepTime"] == "PT60M" and data["cookTime"] == "PT50M"
    assert 'id="step-2"' in html


def test_a_family_memory_renders_its_story(tree, client):
    _, index = tree
    page = f.item(
        index, FamilyMemoryPage, [f.full_consent("王秀英")], body="<p>腊月里舂辣椒的声音。</p>", other_people="外婆"
    )
    html = client.get(page.url).content.decode()
    assert "腊月里舂辣椒的声音。" in html and "外婆" in html


def test_the_home_page_lists_the_latest_visible_stories(tree, client):
    home, index = tree
    f.item(index, FamilyMemoryPage, [f.full_consent()], title="老油坊的秋天")
    html = client.get(home.url).content.decode()
    assert "老油坊的秋天" in html and 'href="/archive/"' in html


def test_the_archive_lists_a_page_of_cards_at_a_time_and_keeps_the_filters(tree, client):
    from heritage.listing import ITEMS_PER_PAGE

    _, index = tree
    elder = f.full_consent("王秀英")
    recipes = [f.item(index, RecipePage, narrators=[elder], title=f"菜谱{n:02}") for n in range(ITEMS_PER_PAGE + 3)]
    f.item(index, narrators=[elder], title="不是菜谱的口述")

    first = client.get(index.url + "?kind=recipe").content.decode()
    assert f"共 {len(recipes)} 条" in first
    assert first.count('class="card item-card"') == ITEMS_PER_PAGE and "不是菜谱的口述" not in first
    assert "第 1 / 2 页" in first and 'rel="prev"' not in first
    assert 'href="?kind=recipe&amp;page=2" rel="next"' in first

    second = client.get(index.url + "?kind=recipe&page=2").content.decode()
    assert second.count('class="card item-card"') == 3 and "菜谱00" in second  # newest first: the oldest last
    assert 'href="?kind=recipe&amp;page=1" rel="prev"' in second and 'rel="next"' not in second
    # A page number out of range or not a number gives the nearest page, never an error.
    assert "第 2 / 2 页" in client.get(index.url + "?kind=recipe&page=99").content.decode()
    assert "第 1 / 2 页" in client.get(index.url + "?kind=recipe&page=x").content.decode()

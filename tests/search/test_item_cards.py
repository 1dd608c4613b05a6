"""The search page answers with items: one card each, the sentences that say the word, a play control each."""

import pytest
from django.urls import reverse

from heritage import consent_log
from heritage.models import RecipePage
from media.ingest import ingest
from search import service
from search.grouping import item_key
from search.matching import contains, highlight
from search.text import parse_query

from .. import factories as f

pytestmark = pytest.mark.django_db

SENTENCES = [
    "我第一次做阳朗辣子鸡，是十六岁那年。",
    "外婆说，辣子鸡好不好吃，全看糍粑辣椒。",
    "鸡要选自家养的土鸡。",
    "过年家家户户都做辣子鸡。",
    "辣子鸡要小火慢慢炒。",
    "现在年轻人在网上卖辣子鸡。",
]


@pytest.fixture
def archive(make_audio, django_capture_on_commit_callbacks):
    _, index = f.site_tree()
    wang = f.full_consent("王秀英")
    with make_audio("ogg", seconds=35.0).open("rb") as stream:
        recording = ingest(stream, "wang.ogg", "外婆教我做阳朗辣子鸡")
    # 5.68 s apart: every sentence after the first starts at a fraction of a second.
    f.transcript(recording, SENTENCES, seconds=5.68)
    with django_capture_on_commit_callbacks(execute=True):
        story = f.item(index, narrators=[wang], recording=recording, title="外婆教我做阳朗辣子鸡")
        recipe = f.item(index, RecipePage, [wang], title="王家阳朗辣子鸡", summary="糍粑辣椒慢火炒。")
        f.item(index, RecipePage, [wang], title="菜籽油", summary="新榨的菜籽油做辣子鸡最香。")
    return {"story": story, "recipe": recipe, "wang": wang}


def test_a_story_is_one_card_with_its_best_three_sentences_and_how_many_more(archive):
    results = service.search_items("辣子鸡")
    titles = [item.title for item in results.items]
    assert len(titles) == len(set(titles)) == results.total == 3
    story = next(item for item in results.items if item.title == "外婆教我做阳朗辣子鸡")
    assert story.kind == "oral_history" and story.narrators == ["王秀英"] and story.url == archive["story"].url
    # Five sentences say 辣子鸡 (the one about 土鸡 does not, though the index finds it by its title).
    assert len(story.sentences) == 5 and len(story.shown) == 3 and story.more == 2
    assert all("<mark>辣子鸡</mark>" in sentence.html for sentence in story.shown)
    assert "土鸡" not in "".join(sentence.html for sentence in story.sentences)


def test_the_recipe_named_for_the_query_comes_before_an_item_that_only_mentions_it(archive):
    titles = [item.title for item in service.search_items("辣子鸡").items]
    assert titles.index("王家阳朗辣子鸡") < titles.index("菜籽油")
    assert service.search_items("王家阳朗辣子鸡").items[0].title == "王家阳朗辣子鸡"


@pytest.mark.parametrize(
    ("query", "marked"),
    [("lazi", "<mark>辣子</mark>"), ("lzj", "<mark>辣子鸡</mark>"), ("辣子雞", "<mark>辣子鸡</mark>")],
)
def test_pinyin_initials_and_traditional_characters_mark_the_chinese_that_matched(archive, query, marked):
    story = next(item for item in service.search_items(query).items if item.title == "外婆教我做阳朗辣子鸡")
    assert story.shown and all(marked in sentence.html for sentence in story.shown)
    assert marked in story.title_html


def test_matching_is_strict_about_what_a_sentence_says():
    assert highlight("外婆说，辣子雞<好>", parse_query("lazi ji")) == "外婆说，<mark>辣子雞</mark>&lt;好&gt;"
    assert not contains("鸡要选自家养的土鸡。", parse_query("辣子鸡"))
    assert not contains("辣椒和子鸡", parse_query("lzj"))  # initials must be neighbours
    assert contains("做阳朗辣子鸡", parse_query('"阳朗 辣子鸡"'))
    assert item_key("page:12/seg:3") == item_key("page:12/") == "page:12/" and item_key("kit:4") == "kit:4"


def test_each_sentence_time_plays_the_clip_in_place_and_links_to_its_fraction_of_a_second(archive, client):
    html = client.get("/search/", {"q": "糍粑辣椒"}).content.decode()
    audio = reverse("heritage:oral_history_audio", args=[archive["story"].pk, "original"])
    assert f'href="{archive["story"].url}?t=5.68"' in html
    assert f'data-audio="{audio}" data-start="5.68" data-end="11.16"' in html
    assert "search/clip-player.js" in html and "<script>" not in html.split("</main>")[0]
    assert "还有" not in html  # one sentence says it: nothing more to promise


def test_filters_that_find_nothing_say_how_to_widen_each_of_them(archive, client):
    html = client.get("/search/", {"q": "辣子鸡", "kind": "recipe", "narrator": "张德明"}).content.decode()
    assert "找到 0 个条目" in html
    assert html.count("去掉筛选 类型：菜谱") == 2 and html.count("去掉筛选 讲述人：张德明") == 2  # chip and hint
    widened = client.get("/search/?q=%E8%BE%A3%E5%AD%90%E9%B8%A1&kind=recipe").content.decode()
    assert "王家阳朗" in widened and "去掉筛选 类型：菜谱" in widened


def test_a_withdrawal_takes_the_card_away_in_the_next_search(archive):
    consent = archive["wang"].consents.get(scope="public", withdrawn_at=None)
    consent_log.withdraw(consent, by=None, source="test")
    assert service.search_items("辣子鸡").items == []

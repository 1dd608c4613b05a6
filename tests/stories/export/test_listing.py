"""Listing copy: each platform's limits, counted its way, and titles free of absolute terms."""

import json

import pytest

from stories.export.lint import find_absolute_terms
from stories.export.listing import build_listings, build_title, fit_chars
from stories.export.rules import load_rules

from .kit import make_kit

PLATFORMS = ("taobao", "douyin", "pinduoduo", "wechat")


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_titles_fit_the_platform_and_carry_no_absolute_term(bundle, rules, platform):
    listing = bundle[0].listings[platform]
    rule = rules.platforms[platform].title
    assert rule.min_units <= rule.units(listing.title) == listing.title_units <= rule.max_units
    assert find_absolute_terms(listing.title) == []
    assert listing.title.startswith("阳朗辣子鸡")
    assert listing.removed_terms == ["国家级"]  # "国家级非遗" among the keywords


@pytest.mark.parametrize("platform", PLATFORMS)
def test_copy_fields_respect_their_limits(bundle, rules, platform):
    listing = bundle[0].listings[platform]
    for name, rule in rules.platforms[platform].fields.items():
        text = listing.fields[name].text
        assert len(text) >= rule.min_chars
        assert rule.max_chars is None or len(text) <= rule.max_chars
        if name == "short_title":
            assert find_absolute_terms(text) == []


def test_a_long_title_is_cut_between_words_never_inside_one(rules, photos):
    kit = make_kit(photos, keywords=(), tagline="慢火炒出的山里味道，外婆站在灶边看着我，糍粑辣椒在石臼里舂到起黏才香")
    title, _, _ = build_title(kit, rules.platforms["taobao"].title)
    assert rules.platforms["taobao"].title.units(title) <= 60
    assert title == "阳朗辣子鸡 慢火炒出的山里味道 外婆站在灶边看着我"


def test_douyin_titles_drop_emoji_and_wechat_titles_keep_no_symbols(rules, photos):
    kit = make_kit(photos, keywords=("🌶️香辣", "下饭#神器"), tagline="开罐即食！")
    douyin, _, _ = build_title(kit, rules.platforms["douyin"].title)
    wechat, _, _ = build_title(kit, rules.platforms["wechat"].title)
    assert "🌶" not in douyin and "\ufe0f" not in douyin
    assert all(ch.isalnum() or ch == " " for ch in wechat), wechat


def test_a_title_too_short_for_the_platform_is_noted(rules, photos):
    kit = make_kit(photos, product_name="鸡", keywords=(), tagline="", selling_points=())
    _, _, notes = build_title(kit, rules.platforms["douyin"].title)
    assert any("8" in note for note in notes)


def test_fit_chars_cuts_at_a_sentence_end():
    assert fit_chars("第一句很长很长。第二句。第三句", 12) == "第一句很长很长。第二句。"
    assert fit_chars("短", 10) == "短"


def test_every_platform_has_a_text_and_a_json_file_and_unverified_ones_are_skipped(bundle, kit):
    files = bundle[1]
    for platform in PLATFORMS:
        data = json.loads(files[f"listing/{platform}.json"])
        assert data["title"] in files[f"listing/{platform}.txt"].decode()
    assert not any(name.startswith(("listing/jd", "listing/kuaishou")) for name in files)
    assert set(bundle[0].skipped_platforms) == {"jd", "kuaishou"}
    assert set(build_listings(kit)) == set(PLATFORMS)


def test_warnings_file_lists_each_word_with_context_in_chinese_and_english(bundle):
    text = bundle[1]["listing/warnings.txt"].decode()
    assert "【最好】" in text and "老人们说，【最好】吃的辣子鸡" in text
    assert "possibly exempt, needs judgement: 最佳食用期" in text
    assert "国家级" in text.split("removed from the generated titles", 1)[1]
    assert "请由人判断" in text and "a person decides" in text
    assert "jd" in text and "kuaishou" in text

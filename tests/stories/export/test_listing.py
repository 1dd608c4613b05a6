"""Listing copy: each platform's limits, counted its way, and titles free of absolute terms."""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stories.export.lint import find_absolute_terms
from stories.export.listing import (
    PARAGRAPH_CHARS,
    build_listings,
    build_title,
    description,
    fit_chars,
    novel_parts,
    title_candidates,
)
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
    assert "国家级" in listing.removed_terms  # "国家级非遗" among the keywords
    assert "350g罐装" in listing.title.split()  # the spec, as buyers search it


def test_titles_differ_per_platform_and_use_their_room(bundle, rules):
    titles = {key: listing.title for key, listing in bundle[0].listings.items()}
    assert len(set(titles.values())) == len(titles), titles
    # WeChat counts a 汉字 as one unit: its title holds about twice as many words as Taobao's.
    assert len(titles["wechat"]) > len(titles["taobao"]) * 1.5
    for key, title in titles.items():
        rule = rules.platforms[key].title
        assert rule.units(title) >= rule.max_units - 12, (key, title)


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
    rule = rules.platforms["taobao"].title
    title, _, _ = build_title(kit, rule)
    assert rule.units(title) <= 60
    candidates, _ = title_candidates(kit, rule)
    assert all(word in candidates for word in title.split()), title
    assert title.startswith("阳朗辣子鸡 350g罐装 ")


def test_douyin_titles_drop_emoji_and_wechat_titles_keep_no_symbols(rules, photos):
    kit = make_kit(photos, keywords=("🌶️香辣", "下饭#神器"), tagline="开罐即食！")
    douyin, _, _ = build_title(kit, rules.platforms["douyin"].title)
    wechat, _, _ = build_title(kit, rules.platforms["wechat"].title)
    assert "🌶" not in douyin and "\ufe0f" not in douyin
    assert all(ch.isalnum() or ch == " " for ch in wechat), wechat


def test_a_title_too_short_for_the_platform_is_noted(rules, photos):
    kit = make_kit(photos, product_name="鸡", keywords=(), tagline="", selling_points=(), title="", label={})
    _, _, notes = build_title(kit, rules.platforms["douyin"].title)
    assert any("8" in note for note in notes)


def test_fit_chars_cuts_at_a_sentence_end():
    assert fit_chars("第一句很长很长。第二句。第三句", 12) == "第一句很长很长。第二句。"
    assert fit_chars("短", 10) == "短"


def test_every_platform_has_one_plain_file_per_field_and_unverified_ones_are_skipped(bundle, kit):
    files = bundle[1]
    for platform in PLATFORMS:
        data = json.loads(files[f"listing/{platform}.json"])
        assert files[f"listing/{platform}/title.txt"].decode() == data["title"] + "\n"
        for field in ("selling_points", "description", "video_caption"):
            text = files[f"listing/{platform}/{field}.txt"].decode()
            assert text.strip() and "/" not in text and "限" not in text, (platform, field, text)
            assert not re.search("[A-Za-z]{3,}", text), (platform, field, text)  # no English notes
        points = files[f"listing/{platform}/selling_points.txt"].decode().splitlines()
        assert points == list(kit.selling_points)
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


def test_the_description_is_short_paragraphs_ending_with_who_told_the_story(kit, bundle):
    text = bundle[1]["listing/taobao/description.txt"].decode().strip()
    paragraphs = text.split("\n\n")
    assert len(paragraphs) >= 4
    assert all(len(p) <= PARAGRAPH_CHARS for p in paragraphs)
    assert paragraphs[-1].startswith("故事讲述：王秀英")
    short = description(kit, 120)
    assert len(short) <= 120 and short.endswith("（立碑村）。")


def test_the_checklist_holds_limits_and_notes_apart_from_the_copy(bundle):
    checklist = bundle[1]["listing/checklist.txt"].decode()
    assert "【淘宝 / 天猫】" in checklist and "title.txt" in checklist and "60" in checklist
    assert "2026年6月2日" in checklist


CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    name=CJK,
    keywords=st.lists(CJK, max_size=8),
    points=st.lists(CJK, max_size=5),
    tagline=CJK,
    grams=st.integers(1, 5000),
    platform=st.sampled_from(PLATFORMS),
)
def test_titles_fit_say_each_word_once_carry_the_spec_and_leave_no_room_unused(
    rules, name, keywords, points, tagline, grams, platform
):
    kit = make_kit(
        (),
        product_name=name,
        keywords=tuple(keywords),
        selling_points=tuple(points),
        tagline=tagline,
        title=f"{name} {grams} g 罐装",
        label={"net_content": f"{grams} g"},
    )
    rule = rules.platforms[platform].title
    title, _, _ = build_title(kit, rule)
    words = title.split()
    assert rule.units(title) <= rule.max_units
    assert all(a == b or a not in b for a in words for b in words), title  # no word said twice
    spec = f"{grams}g罐装"
    assert spec in words or rule.units(f"{name} {spec}") > rule.max_units or spec in name
    candidates, _ = title_candidates(kit, rule)
    for candidate in candidates:  # every word left out would not have fitted
        for part in novel_parts(candidate, words):
            assert rule.units(f"{title} {part}") > rule.max_units, (title, part)

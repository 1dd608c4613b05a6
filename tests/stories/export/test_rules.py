"""The platform rules file: every rule sourced and dated; bad values named where they are."""

import tomllib
from datetime import date

import pytest

from stories.export.exceptions import RulesFileError
from stories.export.rules import RULES_PATH, load_rules, parse_rules


def test_the_verified_platforms_are_loaded_and_the_unverified_skipped_with_a_note():
    rules = load_rules()
    assert set(rules.platforms) == {"taobao", "douyin", "pinduoduo", "wechat"}
    assert set(rules.skipped) == {"jd", "kuaishou"}
    assert all("not verified" in note for note in rules.skipped.values())


def test_every_rule_has_a_source_a_grade_and_a_checked_date():
    for platform in load_rules().platforms.values():
        for rule in [platform.title, *platform.fields.values(), *platform.images.values()]:
            assert rule.source and rule.grade in ("H", "M") and isinstance(rule.checked, date)


def test_titles_count_units_the_way_each_platform_does():
    rules = load_rules().platforms
    assert rules["taobao"].title.units("阳朗辣子鸡 350g") == 5 * 2 + 5
    assert rules["douyin"].title.units("辣子鸡") == 6
    assert rules["wechat"].title.units("阳朗辣子鸡 350g") == 10
    douyin = rules["douyin"].title
    assert (douyin.min_units, douyin.max_units, douyin.emoji) == (8, 60, False)
    short = rules["pinduoduo"].fields["short_title"]
    assert (short.min_chars, short.max_chars) == (4, 20)


@pytest.fixture
def data():
    return tomllib.loads(RULES_PATH.read_text(encoding="utf-8"))


def test_a_rule_without_a_source_is_refused(data):
    del data["platforms"]["taobao"]["title"]["source"]
    with pytest.raises(RulesFileError) as error:
        parse_rules(data)
    assert error.value.where == "platforms.taobao.title"


def test_a_wrong_grade_or_a_number_as_text_is_refused(data):
    data["platforms"]["douyin"]["images"]["main"]["grade"] = "X"
    with pytest.raises(RulesFileError, match="platforms.douyin.images.main.grade"):
        parse_rules(data)
    data["platforms"]["douyin"]["images"]["main"]["grade"] = "H"
    data["platforms"]["douyin"]["images"]["main"]["width"] = "800"
    with pytest.raises(RulesFileError, match="platforms.douyin.images.main.width"):
        parse_rules(data)


def test_impossible_limits_are_refused(data):
    data["platforms"]["taobao"]["images"]["white"]["min_bytes"] = 400_000
    with pytest.raises(RulesFileError, match="min_bytes"):
        parse_rules(data)

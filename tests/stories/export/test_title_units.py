"""Title units, as each platform counts them (stories/export/rules.py), over generated titles."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stories.export.rules import load_rules

RULES = load_rules().platforms
# Written by hand from platforms.toml's sources: (ASCII unit, other unit).
UNITS = {"taobao": (1, 2), "douyin": (1, 2), "pinduoduo": (1, 2), "wechat": (1, 1)}

titles = st.text(
    st.one_of(
        st.characters(max_codepoint=127),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
        st.sampled_from("，。！🌶️😀ｇ"),
    ),
    max_size=80,
)


@pytest.mark.parametrize("platform", sorted(UNITS))
@given(title=titles)
def test_a_title_counts_its_ascii_and_its_other_characters_apart(platform, title):
    ascii_unit, wide_unit = UNITS[platform]
    narrow = sum(1 for ch in title if ord(ch) < 128)
    assert RULES[platform].title.units(title) == ascii_unit * narrow + wide_unit * (len(title) - narrow)


@pytest.mark.parametrize("platform", sorted(UNITS))
@given(first=titles, second=titles)
def test_units_add_up_when_titles_are_joined(platform, first, second):
    rule = RULES[platform].title
    assert rule.units(first + second) == rule.units(first) + rule.units(second)
    assert rule.units(first) >= len(first) > 0 or first == ""

"""Glossary spelling (media/transcription/correction.py): homophones of a term of three or
more characters are written as the term; two-character homophones are left alone.

Plain functions, no database: these tests are also what mutation testing runs for the module.
"""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from media.transcription.correction import MIN_LENGTH, apply_glossary, is_hanzi

DEMO_TERMS = ["息烽县", "息烽", "立碑村", "阳朗辣子鸡", "石臼", "糍粑辣椒"]


@pytest.mark.parametrize(
    ("heard", "written"),
    [
        ("我们西风县的辣子鸡", "我们息烽县的辣子鸡"),  # xi feng xian
        ("李碑村在山上", "立碑村在山上"),  # li bei cun
        ("杨浪辣子鸡最有名", "阳朗辣子鸡最有名"),  # the five-character term, every syllable a homophone
        ("西风县的人说西风县", "息烽县的人说息烽县"),  # every occurrence
        # Two syllables are too often real words: the west wind stays the west wind.
        ("冬天刮西风", "冬天刮西风"),
        ("石旧舂辣椒", "石旧舂辣椒"),
        # Not the same sounds: nothing changes.
        ("西安县", "西安县"),
        ("", ""),
    ],
)
def test_homophones_of_long_terms_are_spelled_the_archives_way(heard, written):
    assert apply_glossary(heard, DEMO_TERMS) == written


def test_two_character_terms_never_replace_anything():
    assert MIN_LENGTH == 3
    assert apply_glossary("冬天刮西风，石旧", ["息烽", "石臼"]) == "冬天刮西风，石旧"


def test_terms_with_letters_or_digits_take_no_part():
    assert apply_glossary("李碑村", ["Libei村", "立碑村1"]) == "李碑村"


def test_the_longest_term_wins_where_terms_overlap():
    # 立碑村长 (li bei cun zhang) and 杯存长 (bei cun zhang) both read the text; the longer
    # is applied first and the shorter finds its characters taken.
    assert apply_glossary("李碑村长", ["杯存长", "立碑村长"]) == "立碑村长"
    assert apply_glossary("李碑村长", ["杯存长"]) == "李杯存长"


def test_terms_of_equal_length_are_applied_in_a_fixed_order():
    # 李碑村 reads as both; 理 (U+7406) sorts before 立 (U+7ACB), so 理碑村 takes it
    # whichever order the glossary lists them in.
    assert apply_glossary("李碑村", ["理碑村", "立碑村"]) == "理碑村"
    assert apply_glossary("李碑村", ["立碑村", "理碑村"]) == "理碑村"


def test_a_term_already_written_right_is_left_as_it_is():
    assert apply_glossary("立碑村", ["立碑村"]) == "立碑村"
    # Even where a homophone term of the same length sorts first and reads part of it.
    assert apply_glossary("立碑村长", ["立碑村", "杯存长"]) == "立碑村长"


def test_a_term_already_written_right_is_protected_from_shorter_homophones():
    assert apply_glossary("阳朗辣子鸡", ["阳朗辣子鸡", "腊子机"]) == "阳朗辣子鸡"
    # Protected wherever it stands, also next to a homophone that is still rewritten.
    assert apply_glossary("阳朗辣子鸡和杨浪辣子鸡", ["阳朗辣子鸡", "腊子机"]) == "阳朗辣子鸡和阳朗辣子鸡"


def test_replacements_never_overlap():
    # Both read the text: 丰献喜 (feng xian xi, U+4E30 first) takes 风县西, and 息烽县 then finds
    # 风县 taken, so 西 stays as heard.
    assert apply_glossary("西风县西", ["息烽县", "丰献喜"]) == "西丰献喜"
    assert apply_glossary("西风县", ["息烽县", "丰献喜"]) == "息烽县"


def test_characters_taken_by_a_longer_term_stay_taken_after_later_replacements():
    # 立碑村长 is applied first (longest), then 息烽县 earlier in the text; 理碑村 (sorted after
    # 息烽县) reads li bei cun too, but those characters belong to 立碑村长 already.
    text = "我们的西风县，李碑村长"
    assert apply_glossary(text, ["立碑村长", "息烽县", "理碑村"]) == "我们的息烽县，立碑村长"


def test_a_term_at_the_very_end_of_the_text_is_found():
    assert apply_glossary("去李碑村", ["立碑村"]) == "去立碑村"
    assert apply_glossary("李碑村", ["立碑村"]) == "立碑村"


def test_polyphonic_characters_match_any_of_their_readings():
    # 长 reads chang or zhang; the term reads zhang here.
    assert apply_glossary("村长", []) == "村长"
    assert apply_glossary("李碑村长", ["立碑村掌"]) == "立碑村掌"


def test_only_han_characters_are_replaced():
    assert is_hanzi("一") and is_hanzi("\u9fff") and is_hanzi("鸡")
    assert not is_hanzi("\u4dff") and not is_hanzi("\ua000") and not is_hanzi("a") and not is_hanzi("，")
    # Latin letters that spell the pinyin are not a homophone of the term.
    assert apply_glossary("li碑村", ["立碑村"]) == "li碑村"


hanzi = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
text = st.text(st.one_of(hanzi, st.sampled_from("，。 abc123")), max_size=40)


@given(text)
@example("冬天刮西风")
def test_without_terms_of_three_characters_nothing_changes(heard):
    assert apply_glossary(heard, ["息烽", "石臼", "Libei"]) == heard
    assert apply_glossary(heard, []) == heard


@given(text)
def test_spelling_keeps_the_length_and_everything_that_is_not_han(heard):
    written = apply_glossary(heard, DEMO_TERMS)
    assert len(written) == len(heard)
    for before, after in zip(heard, written, strict=True):
        assert before == after or (is_hanzi(before) and is_hanzi(after))


@given(text)
def test_spelling_twice_is_spelling_once(heard):
    once = apply_glossary(heard, DEMO_TERMS)
    assert apply_glossary(once, DEMO_TERMS) == once


@given(st.lists(hanzi, min_size=3, max_size=6).map("".join), text, text)
def test_a_term_itself_is_never_changed_wherever_it_stands(term, before, after):
    written = apply_glossary(before + term + after, [term])
    assert written[len(before) : len(before) + len(term)] == term


def test_every_occurrence_of_a_right_spelling_is_protected():
    # Three times 立碑村长: the first, the middle and the last must each stay as written.
    text = "立碑村长、立碑村长、立碑村长"
    assert apply_glossary(text, ["立碑村", "杯存长"]) == text


def test_overlapping_occurrences_of_a_right_spelling_are_protected():
    # 哈哈哈 stands at 0 and at 1; the fourth 哈 belongs to the second, so 哈蜜瓜 (ha mi gua) is not 哈密瓜.
    assert apply_glossary("哈哈哈哈蜜瓜", ["哈哈哈", "哈密瓜"]) == "哈哈哈哈蜜瓜"


def test_a_right_spelling_stays_protected_after_other_right_spellings_before_it():
    # 阳朗镇 (sorted after 立碑村) is protected twice earlier in the text; 立碑村 keeps its own protection.
    text = "阳朗镇到阳朗镇，立碑村长家"
    assert apply_glossary(text, ["立碑村", "杯存长", "阳朗镇"]) == text

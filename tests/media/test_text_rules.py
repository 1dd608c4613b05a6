"""The text rules every transcript passes and every CER figure is scored with."""

import pytest

from media.transcription.text import character_error_rate, normalise_for_scoring, to_simplified


@pytest.mark.parametrize(
    ("machine", "written"),
    [
        ("我高興得一晚上沒睡著", "我高兴得一晚上没睡着"),
        ("她看著我笑", "她看着我笑"),
        ("著名的辣子雞", "著名的辣子鸡"),
        ("顯著地好了，他睡著了", "显著地好了，他睡着了"),
        ("土著和名著", "土著和名著"),
    ],
)
def test_the_particle_is_written_the_simplified_way_and_the_zhu_words_stay(machine, written):
    assert to_simplified(machine, "zh") == written
    assert len(to_simplified(machine, "zh")) == len(machine)  # word marks are cut by length


def test_other_languages_are_left_alone():
    assert to_simplified("睡著 sleeping", "en") == "睡著 sleeping"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("我们80%的商品", "我们百分之八十的商品"),
        ("涨了 5 %", "涨了百分之五"),
        ("1978年", "一九七八年"),
        ("72岁", "七十二岁"),
    ],
)
def test_numbers_are_scored_as_they_are_spoken(text, spoken):
    assert normalise_for_scoring(text) == spoken


def test_a_percentage_written_in_digits_is_no_error_against_the_spoken_reference():
    assert character_error_rate("我们百分之八十的商品", "我们80%的商品") == 0
    assert character_error_rate("我们百分之八十的商品", "我们80的商品") == pytest.approx(3 / 10)

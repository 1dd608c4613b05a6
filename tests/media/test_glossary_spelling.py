"""Glossary spelling rules: homophones of long terms are spelt the archive's way, real words stay as said."""

from media.transcription.correction import apply_glossary

TERMS = ["阳朗辣子鸡", "息烽县", "立碑村", "息烽", "阳朗", "石臼"]


def test_three_character_homophones_are_spelt_as_the_glossary_term():
    assert apply_glossary("住在西风县李碑村。", TERMS) == "住在息烽县立碑村。"


def test_two_character_homophones_stay_as_said():
    """西风 (the west wind) reads exactly like 息烽: a two-syllable term must never rewrite a real word."""
    assert apply_glossary("冬天刮西风", TERMS) == "冬天刮西风"
    assert apply_glossary("放进石旧里舂", TERMS) == "放进石旧里舂"


def test_text_already_spelt_right_is_left_alone():
    assert apply_glossary("做阳朗辣子鸡", TERMS) == "做阳朗辣子鸡"

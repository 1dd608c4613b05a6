"""Glossary spelling rules: homophones of long terms are spelt the archive's way, real words stay as said."""

import pytest

from heritage.models import GlossaryTerm
from media.ingest import ingest
from media.transcription.correction import apply_glossary
from media.transcription.glossary import dialect_words, item_terms
from media.transcription.prompt import terms_heard
from tests import factories as f

TERMS = ["阳朗辣子鸡", "息烽县", "立碑村", "息烽", "阳朗", "石臼"]


def test_three_character_homophones_are_spelt_as_the_glossary_term():
    assert apply_glossary("住在西风县李碑村。", TERMS) == "住在息烽县立碑村。"


def test_two_character_homophones_stay_as_said():
    """西风 (the west wind) reads exactly like 息烽: a two-syllable term must never rewrite a real word."""
    assert apply_glossary("冬天刮西风", TERMS) == "冬天刮西风"
    assert apply_glossary("放进石旧里舂", TERMS) == "放进石旧里舂"


def test_text_already_spelt_right_is_left_alone():
    assert apply_glossary("做阳朗辣子鸡", TERMS) == "做阳朗辣子鸡"


# Where the glossary prompt is used at all: only where the plain decode heard a term's sounds.


def test_a_term_is_heard_in_its_homophones_and_in_its_right_spelling():
    assert terms_heard("我们杨浪辣子机最有名", TERMS) == ["阳朗辣子鸡", "阳朗"]
    assert terms_heard("住在西风线莉贝村", TERMS) == ["息烽县", "立碑村", "息烽"]
    assert terms_heard("做阳朗辣子鸡", ["阳朗辣子鸡"]) == ["阳朗辣子鸡"]


def test_southwestern_mergers_count_as_the_same_sound():
    # 辣 said na: one syllable off by the n/l merger, the rest in full.
    assert terms_heard("糍粑那椒", ["糍粑辣椒"]) == ["糍粑辣椒"]
    assert terms_heard("糍粑大椒", ["糍粑辣椒"]) == []


def test_speech_outside_the_glossary_calls_for_no_prompt():
    assert terms_heard("亚马逊河也是地球上最宽的河流", TERMS) == []
    # Two-character terms need both syllables: 杨老 (yang lao) is not 阳朗 (yang lang).
    assert terms_heard("杨老师", ["阳朗"]) == []


def test_a_narrators_dialect_field_selects_the_dialect_words():
    words = dict(dialect_words("贵州话（西南官话）"))
    assert words["赶场"] == "赶集" and words["苞谷"] == "玉米"
    assert dialect_words("粤语") == []
    assert all(word and gloss for word, gloss in dialect_words("四川话"))


@pytest.mark.django_db
def test_an_items_narrators_and_their_dialect_words_join_the_glossary(make_audio):
    GlossaryTerm.objects.create(term="息烽县", priority=9)
    with make_audio("ogg", seconds=2.0).open("rb") as stream:
        recording = ingest(stream, "elder.ogg", "外婆讲赶场")
    elder = f.narrator("罗大妹")
    elder.dialect = "贵州话（西南官话）"
    elder.save()
    stranger = f.narrator("周志远")
    _, index = f.site_tree()
    f.item(index, narrators=[elder], recording=recording)
    f.item(index, narrators=[stranger])
    terms = item_terms(recording)
    assert terms[:2] == ["息烽县", "罗大妹"] and "赶场" in terms and "苞谷" in terms
    # Another item's narrator is never in this recording's prompt.
    assert "周志远" not in terms

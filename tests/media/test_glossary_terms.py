"""The glossary's lists (media/transcription/glossary.py) with real rows: order, dialects, an item's terms.

Also the suggestions from corrections.

Fast on purpose: this is what the mutation run of the module executes.
"""

import pytest

from heritage.models import GlossaryTerm
from media.models import AudioRecording, Correction
from media.transcription.glossary import dialect_words, item_terms, prompt_terms, suggestions
from tests import factories as f

pytestmark = pytest.mark.django_db


def recording(name: str) -> AudioRecording:
    """A recording row only (no file): item_terms reads which items use it, not its sound."""
    return AudioRecording.objects.create(
        title=name,
        sha256=name.encode().hex().ljust(64, "0")[:64],
        size_bytes=1,
        container="ogg",
        codec="opus",
        channels=1,
        sample_rate=16000,
        duration=1.0,
        peak_dbfs=-3.0,
    )


def test_the_prompt_lists_the_most_important_terms_first_then_by_spelling():
    # Entered out of order within each priority, so the spelling order is the rule's, not the table's.
    for term, priority in [("阳朗", 5), ("立碑村", 9), ("石臼", 5), ("息烽县", 9), ("糍粑", 0)]:
        GlossaryTerm.objects.create(term=term, priority=priority)
    assert prompt_terms() == ["息烽县", "立碑村", "石臼", "阳朗", "糍粑"]


def test_every_name_of_a_list_selects_it_and_nothing_else_does():
    southwestern = dialect_words("贵州")
    assert ("赶场", "赶集") in southwestern and ("晓得", "知道") in southwestern
    for name in ("西南官话", "四川话", "重庆口音", "贵州话（西南官话）"):
        assert dialect_words(name) == southwestern
    assert dialect_words("粤语") == [] and dialect_words("") == []


def test_dialect_words_keep_the_lists_order_once_each_and_trimmed():
    words = dialect_words("四川")
    assert words[:3] == [("赶场", "赶集"), ("晓得", "知道"), ("哪样", "什么")]
    assert len({word for word, _ in words}) == len(words)
    assert all(word == word.strip() and gloss == gloss.strip() and word for word, gloss in words)


def test_an_item_brings_its_glossary_narrators_and_their_dialect_words_once_each():
    GlossaryTerm.objects.create(term="息烽县", priority=9)
    GlossaryTerm.objects.create(term="赶场", priority=1)
    heard = recording("外婆讲赶场")
    elder = f.narrator("罗大妹")
    elder.dialect = "贵州话"
    elder.save()
    sister = f.narrator("罗二妹")
    sister.dialect = "贵州话"
    sister.save()
    quiet = f.narrator("王秀英")  # no dialect given: no dialect words
    _, index = f.site_tree()
    f.item(index, narrators=[elder, quiet], recording=heard)
    f.item(index, narrators=[sister], recording=heard)
    f.item(index, narrators=[f.narrator("周志远")], recording=recording("别的录音"))
    terms = item_terms(heard)
    dialect = [word for word, _ in dialect_words("贵州话")]
    assert terms[:5] == ["息烽县", "赶场", "罗大妹", "王秀英", "罗二妹"]
    assert terms[5:] == [word for word in dialect if word != "赶场"]
    assert "周志远" not in terms


def test_an_items_terms_take_the_same_few_queries_however_many_narrators_it_has(django_assert_num_queries):
    heard = recording("三个人讲")
    _, index = f.site_tree()
    f.item(index, narrators=[f.narrator(f"讲述人甲{n}") for n in range(4)], recording=heard)
    with django_assert_num_queries(2):  # the item's narrators (with the pages as a subquery), the glossary
        terms = item_terms(heard)
    assert len(terms) == 4


def test_a_recording_no_item_uses_gets_the_glossary_alone():
    GlossaryTerm.objects.create(term="立碑村")
    assert item_terms(recording("未编目")) == ["立碑村"]


def test_words_corrected_often_enough_are_suggested_most_corrected_first():
    # Counts and spellings sort differently here (糍 after 息 and 石), so the order shows which one leads.
    Correction.objects.create(wrong="磁巴", right="糍粑", count=6)
    Correction.objects.create(wrong="西风县", right="息烽县", count=5)
    Correction.objects.create(wrong="杨浪", right="阳朗", count=2)
    Correction.objects.create(wrong="石旧", right="石臼", count=2)
    Correction.objects.create(wrong="腊子机", right="辣子鸡", count=1)
    Correction.objects.create(wrong="李碑村", right="立碑村", count=7)
    GlossaryTerm.objects.create(term="立碑村")
    assert [c.right for c in suggestions()] == ["糍粑", "息烽县", "石臼", "阳朗"]
    assert [c.right for c in suggestions(min_count=3)] == ["糍粑", "息烽县"]
    assert [c.right for c in suggestions(min_count=1)] == ["糍粑", "息烽县", "石臼", "阳朗", "辣子鸡"]


def test_a_hand_edited_list_gives_clean_words_without_blank_rows(tmp_path, monkeypatch):
    """Lists are edited by hand in a spreadsheet: stray spaces and empty rows must not reach Whisper's prompt."""
    from media.transcription import glossary

    (tmp_path / "southwestern.tsv").write_text(
        "word\tgloss\tnote\n 赶场 \t 赶集 \t\n\t\t空行\n晓得\t知道\t\n", encoding="utf-8"
    )
    monkeypatch.setattr(glossary, "DIALECT_DIR", tmp_path)
    glossary._dialect_list.cache_clear()
    try:
        assert dialect_words("贵州") == [("赶场", "赶集"), ("晓得", "知道")]
    finally:
        glossary._dialect_list.cache_clear()

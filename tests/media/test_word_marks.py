"""Word marks: each word's times and probability stored on its sentence, alternatives for the unsure ones."""

import pytest

from heritage.models import GlossaryTerm
from media.ingest import ingest
from media.models import Correction
from media.tasks import start_transcription
from media.transcription.editing import save_edit
from media.transcription.service import Segment
from media.transcription.word_marks import UNSURE, kept_words, word_rows

from .. import factories as f
from .conftest import demo_clip

TERMS = ["息烽县", "立碑村", "糍粑"]


def heard(text: str, words: list[tuple[str, float]]) -> Segment:
    times = [(n * 0.5, n * 0.5 + 0.4) for n in range(len(words))]
    return Segment(0.0, 3.0, text, -0.6, 0.01, words=words, word_times=times)


def test_unsure_words_get_sound_alike_terms_and_past_corrections():
    segment = heard("住在西风县李碑村。", [("住在", 0.95), ("西风", 0.3), ("县", 0.9), ("李碑", 0.42), ("村。", 0.9)])
    rows = word_rows(segment, TERMS, [("李碑", "立碑")])
    assert [(w["text"], w["at"], w["start"]) for w in rows] == [
        ("住在", 0, 0.0),
        ("西风", 2, 0.5),
        ("县", 4, 1.0),
        ("李碑", 5, 1.5),
        ("村。", 7, 2.0),
    ]
    # A sure word carries no alternatives; an unsure one names what would replace which stretch.
    assert "alternatives" not in rows[0] and "alternatives" not in rows[2]
    assert rows[1]["alternatives"] == [{"text": "息烽县", "at": 2, "end": 5}]
    # The facilitators' own correction first, then the glossary's sound-alike term.
    assert rows[3]["alternatives"] == [{"text": "立碑", "at": 5, "end": 7}, {"text": "立碑村", "at": 5, "end": 8}]


def test_an_unsure_word_with_nothing_alike_is_still_marked_with_no_alternatives():
    rows = word_rows(heard("放进石臼里。", [("放进", 0.9), ("石臼", 0.2), ("里。", 0.9)]), TERMS, [])
    assert rows[1]["probability"] < UNSURE and rows[1]["alternatives"] == []


def test_words_that_no_longer_match_the_edited_sentence_are_dropped():
    words = [
        {"text": "住在", "at": 0, "start": 0.0, "end": 0.4, "probability": 0.95},
        {"text": "李碑", "at": 5, "start": 1.5, "end": 1.9, "probability": 0.4, "alternatives": []},
        {"text": "村", "at": 99, "start": 2.0, "end": 2.4, "probability": 0.9},
        {"text": "县", "at": "x", "start": 1.0, "end": 1.4, "probability": 0.9},
    ]
    assert [w["text"] for w in kept_words(words, "住在息烽县李碑村。")] == ["住在", "李碑"]
    assert [w["text"] for w in kept_words(words, "住在息烽县立碑村。")] == ["住在"]
    assert kept_words("not a list", "住在") == []


@pytest.mark.django_db
def test_a_persons_save_keeps_the_words_the_editor_moved(make_audio):
    with make_audio("ogg", seconds=4.0).open("rb") as stream:
        recording = ingest(stream, "elder.ogg", "外婆讲辣子鸡")
    transcript = f.transcript(recording, ["住在西风县李碑村。"])
    rows = word_rows(heard("住在息烽县李碑村。", [("住在", 0.9), ("息烽县", 0.9), ("李碑", 0.3), ("村。", 0.9)]), TERMS)
    segment = {"start": 0.0, "end": 2.8, "text": "住在息烽县李碑村。", "words": rows, "reviewed": True}
    save_edit(transcript, [segment], None, None)
    saved = transcript.segments.get()
    assert [w["text"] for w in saved.words] == ["住在", "息烽县", "李碑", "村。"]
    assert saved.words[2]["alternatives"] == [{"text": "立碑村", "at": 5, "end": 8}]
    assert transcript.revisions.first().segments[0]["words"] == saved.words


@pytest.mark.django_db
@pytest.mark.usefixtures("whisper_models")
def test_the_job_stores_every_words_place_time_and_probability(demo_terms, django_capture_on_commit_callbacks):
    for term in demo_terms:
        GlossaryTerm.objects.create(term=term)
    Correction.objects.create(wrong="李碑", right="立碑", count=3)
    audio, _ = demo_clip("li-guifen-married-into-libei")
    with audio.open("rb") as stream:
        recording = ingest(stream, audio.name, "嫁到立碑村的那一年")
    with django_capture_on_commit_callbacks(execute=True):
        start_transcription(recording)
    segments = list(recording.transcript.segments.all())
    with_words = [s for s in segments if s.words]
    assert len(with_words) >= len(segments) - 1  # a sentence re-joined across a split character has none
    for segment in with_words:
        assert "".join(w["text"] for w in segment.words) == "".join(segment.text.split())
        for word in segment.words:
            assert segment.text[word["at"] : word["at"] + len(word["text"])] == word["text"]
            assert segment.start - 0.5 <= word["start"] <= word["end"] <= segment.end + 0.5
            assert 0.0 <= word["probability"] <= 1.0
            assert ("alternatives" in word) == (word["probability"] < UNSURE)

"""A facilitator corrects a transcript with the keyboard, in a real browser."""

import pytest
from django.conf import settings
from django.test import Client

from media.ingest import ingest
from media.models import TranscriptRevision
from media.transcription.store import snapshot

from .. import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(browser, live_server, django_user_model):
    user = django_user_model.objects.create_superuser("facilitator", password="pw-facilitator")
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", bypass_csp=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    yield context.new_page(), user
    context.close()


@pytest.fixture
def transcript(make_audio):
    f.site_tree()  # Wagtail's root and locale, which a transactional test starts without
    with make_audio("ogg", seconds=10.0).open("rb") as stream:
        recording = ingest(stream, "elder.ogg", "外婆讲辣子鸡")
    record = f.transcript(recording, ["住在西风县李碑村。", "全看磁巴辣椒干辣椒先泡软。", "放进石臼里舂。"])
    TranscriptRevision.objects.create(transcript=record, source="machine", segments=snapshot(record))
    return record


def test_correct_split_review_and_save_with_the_keyboard(signed_in, transcript, live_server):
    page, user = signed_in
    page.goto(f"{live_server.url}/admin/transcripts/{transcript.recording_id}/")
    first = page.locator("#te-segments textarea").nth(0)
    first.fill("住在息烽县立碑村。")
    first.focus()
    page.keyboard.press("Control+Enter")  # reviewed, on to the next sentence
    second = page.locator("#te-segments textarea").nth(1)
    assert page.evaluate("document.activeElement === document.querySelectorAll('#te-segments textarea')[1]")
    second.evaluate("(area) => area.setSelectionRange(6, 6)")
    page.keyboard.press("Alt+s")  # split at the cursor
    page.keyboard.press("Control+s")
    page.wait_for_function("document.getElementById('te-message').textContent === '已保存'")

    segments = list(transcript.segments.values_list("text", "reviewed"))
    assert segments == [
        ("住在息烽县立碑村。", True),
        ("全看磁巴辣椒", False),
        ("干辣椒先泡软。", False),
        ("放进石臼里舂。", False),
    ]
    assert transcript.revisions.first().user == user


def test_a_segment_plays_alone(signed_in, transcript, live_server):
    page, _ = signed_in
    page.goto(f"{live_server.url}/admin/transcripts/{transcript.recording_id}/")
    page.wait_for_function("document.getElementById('te-audio').readyState >= 1")
    page.locator("#te-segments [data-act=play]").nth(1).click()
    page.wait_for_function("!document.getElementById('te-audio').paused")
    # It stops by itself at the end of the sentence (3.0 s to 5.8 s).
    page.wait_for_function("document.getElementById('te-audio').paused", timeout=8000)
    assert page.evaluate("document.getElementById('te-audio').currentTime") == pytest.approx(5.8, abs=0.5)


@pytest.fixture
def heard(transcript):
    """The machine's words on the first two sentences, unsure ones with alternatives (word_marks.py)."""
    from media.transcription.service import Segment
    from media.transcription.word_marks import word_rows

    terms, corrections = ["息烽县", "立碑村", "糍粑"], [("磁巴", "糍粑")]
    words = {
        0: [("住在", 0.95), ("西风", 0.3), ("县", 0.9), ("李碑", 0.4), ("村。", 0.9)],
        1: [("全", 0.9), ("看", 0.9), ("磁巴", 0.2), ("辣椒", 0.9), ("干辣椒", 0.9), ("先泡软。", 0.9)],
    }
    for segment in transcript.segments.filter(position__in=words):
        timed = [(segment.start + n * 0.4, segment.start + n * 0.4 + 0.3) for n in range(len(words[segment.position]))]
        heard = Segment(
            segment.start, segment.end, segment.text, -0.5, 0.0, words=words[segment.position], word_times=timed
        )
        segment.words = word_rows(heard, terms, corrections)
        segment.save()
    return transcript


def marks(page) -> list[list[str]]:
    return page.evaluate(
        "[...document.querySelectorAll('#te-segments .te-seg')].map("
        "(li) => [...li.querySelectorAll('mark.te-word')].map((m) => m.textContent))"
    )


def test_unsure_words_are_marked_and_their_alternatives_a_keystroke_away(signed_in, heard, live_server):
    page, _ = signed_in
    page.goto(f"{live_server.url}/admin/transcripts/{heard.recording_id}/")
    assert marks(page) == [["西风", "李碑"], ["磁巴"], []]
    # Screen readers hear which words are unsure along with the sentence.
    assert page.locator("#te-sr-0").text_content() == "可能听错的词：西风、李碑"

    page.locator("#te-segments textarea").nth(0).evaluate("(area) => { area.focus(); area.setSelectionRange(0, 0); }")
    page.keyboard.press("Alt+n")  # the next unsure word, selected, its alternatives listed
    assert page.locator("#te-choices [role=option]").all_text_contents()[0].startswith("息烽县")
    page.keyboard.press("Enter")
    assert page.locator("#te-segments textarea").nth(0).input_value() == "住在息烽县李碑村。"
    assert marks(page)[0] == ["李碑"]  # the picked word loses its mark, the next one keeps its place

    page.keyboard.press("Alt+n")
    page.keyboard.press("Enter")
    assert page.locator("#te-segments textarea").nth(0).input_value() == "住在息烽县立碑村。"

    # Alt+↓ on a marked word opens its list (as in a combo box); Esc closes it, the text unchanged.
    second = page.locator("#te-segments textarea").nth(1)
    second.focus()
    second.evaluate("(area) => area.setSelectionRange(3, 3)")
    page.keyboard.press("Alt+ArrowDown")
    assert page.locator("#te-choices [role=option]").count() == 1
    page.keyboard.press("Escape")
    assert page.locator("#te-choices").count() == 0 and second.input_value() == "全看磁巴辣椒干辣椒先泡软。"

    # Typing in front of a marked word moves its mark along; a reviewed sentence has none.
    second.evaluate("(area) => area.setSelectionRange(0, 0)")
    page.keyboard.type("她")
    assert marks(page)[1] == ["磁巴"]
    box = page.evaluate(
        "(() => { const m = document.querySelectorAll('.te-seg')[1].querySelector('mark').getBoundingClientRect();"
        " const a = document.querySelectorAll('.te-seg textarea')[1].getBoundingClientRect();"
        " return [m.left - a.left, m.top - a.top, m.width]; })()"
    )
    assert 3 * 14 < box[0] < 5 * 20 and 0 <= box[1] < 12 and box[2] > 20  # under the 4th and 5th characters
    page.keyboard.press("Control+Enter")
    assert marks(page)[1] == []
    page.keyboard.press("Control+s")
    page.wait_for_function("document.getElementById('te-message').textContent === '已保存'")

    first, second_row = heard.segments.order_by("position")[:2]
    assert first.text == "住在息烽县立碑村。" and not [w for w in first.words if w["probability"] < 0.6]
    assert second_row.reviewed and [w["at"] for w in second_row.words if w["text"] == "磁巴"] == [3]

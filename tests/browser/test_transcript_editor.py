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

"""The synced transcript player in a real browser, on a phone-sized screen."""

import json

import pytest

from heritage.demo.loader import AUDIO_DIR
from media.ingest import ingest
from media.models import Transcript, TranscriptSegment

from .. import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "wang-xiuying-spicy-chicken"


@pytest.fixture
def story(live_server):
    _, index = f.site_tree()
    script = json.loads((AUDIO_DIR / f"{SLUG}.json").read_text(encoding="utf-8"))
    with (AUDIO_DIR / f"{SLUG}.ogg").open("rb") as stream:
        recording = ingest(stream, f"{SLUG}.ogg", script["title"])
    transcript = Transcript.objects.create(recording=recording)
    for n, sentence in enumerate(script["sentences"]):
        TranscriptSegment.objects.create(transcript=transcript, position=n, **sentence)
    page = f.item(index, narrators=[f.full_consent("王秀英")], recording=recording, title=script["title"])
    return live_server.url + page.url, script["sentences"]


CURRENT = "Array.from(document.querySelectorAll('#transcript li')).findIndex(li => li.classList.contains('current'))"


def current_index(phone) -> int:
    return phone.evaluate(CURRENT)


def audio_time(phone) -> float:
    return phone.evaluate("document.getElementById('player').currentTime")


def test_t_starts_the_recording_at_that_second_and_marks_the_sentence(story, phone):
    url, sentences = story
    target = next(n for n, s in enumerate(sentences) if s["start"] > 20)
    second = int(sentences[target]["start"]) + 1
    phone.goto(f"{url}?t={second}")
    phone.wait_for_function("document.getElementById('player').readyState >= 1")
    assert audio_time(phone) == pytest.approx(second, abs=0.3)
    assert current_index(phone) == target


def test_clicking_a_sentence_plays_from_there_and_the_highlight_follows_the_voice(story, phone):
    url, sentences = story
    phone.goto(url)
    phone.wait_for_function("document.getElementById('player').readyState >= 1")
    phone.locator("#transcript li").nth(3).click()
    assert audio_time(phone) == pytest.approx(sentences[3]["start"], abs=0.3)
    assert current_index(phone) == 3
    # Let it play across the boundary into the next sentence.
    wait = (sentences[4]["start"] - sentences[3]["start"] + 1.0) * 1000
    phone.wait_for_function(f"{CURRENT} === 4", timeout=wait + 5000)
    assert not phone.evaluate("document.getElementById('player').paused")


def test_the_page_fits_a_phone_and_stays_light(story, phone):
    url, _ = story
    sizes = {}

    def record(response):
        if "/archive-audio/" not in response.url:
            sizes[response.url] = len(response.body())

    phone.on("response", record)
    phone.goto(url)
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert sum(sizes.values()) < 300 * 1024, sizes


IN_VIEW = (
    "(() => { const r = document.querySelector('#transcript li.current').getBoundingClientRect();"
    " return r.top >= 0 && r.bottom <= window.innerHeight; })()"
)


@pytest.mark.parametrize("link", ["?t={start}", "#t={start}", "#t=npt:{start}"])
def test_a_fractional_deep_link_lands_on_its_own_sentence_and_scrolls_it_into_view(story, phone, link):
    url, sentences = story
    # The last sentence: far below the fold on a phone, and its start has a fraction (41.18).
    target = len(sentences) - 1
    start = sentences[target]["start"]
    assert start != int(start)
    phone.goto(url + link.format(start=start))
    phone.wait_for_function("document.getElementById('player').readyState >= 1")
    assert current_index(phone) == target
    assert audio_time(phone) == pytest.approx(start, abs=0.05)
    assert phone.evaluate(IN_VIEW)


def test_each_sentence_links_to_its_start_to_the_hundredth_of_a_second(story, phone):
    url, sentences = story
    second = next(s for s in sentences if s["start"] != int(s["start"]))
    phone.goto(url)
    hrefs = phone.eval_on_selector_all("#transcript a.time", "links => links.map(a => a.getAttribute('href'))")
    assert f"?t={second['start']:g}" in hrefs

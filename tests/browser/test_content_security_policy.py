"""The pages work under their Content-Security-Policy: no violation in a real browser."""

import json

import pytest
from django.test import Client

from heritage.demo.loader import AUDIO_DIR
from heritage.roles import Role, grant
from media.ingest import ingest
from media.models import Transcript, TranscriptSegment

from .. import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "wang-xiuying-spicy-chicken"


@pytest.fixture
def story_url(live_server):
    _, index = f.site_tree()
    script = json.loads((AUDIO_DIR / f"{SLUG}.json").read_text(encoding="utf-8"))
    with (AUDIO_DIR / f"{SLUG}.ogg").open("rb") as stream:
        recording = ingest(stream, f"{SLUG}.ogg", script["title"])
    transcript = Transcript.objects.create(recording=recording)
    for n, sentence in enumerate(script["sentences"][:5]):
        TranscriptSegment.objects.create(transcript=transcript, position=n, **sentence)
    page = f.item(index, narrators=[f.full_consent("王秀英")], recording=recording, title=script["title"])
    return live_server.url + page.url


def _watched(browser, live_server, user=None):
    """A page (the policy enforced) and the list its CSP violations are collected into."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page, violations = context.new_page(), []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return context, page, violations


def test_public_pages_and_the_station_run_without_a_violation(browser, live_server, story_url):
    context, page, violations = _watched(browser, live_server)
    page.goto(story_url)
    page.click("#transcript li .text >> nth=1")  # the player script seeks and plays
    page.wait_for_timeout(500)
    page.goto(live_server.url + "/search/?q=辣子鸡")
    page.fill("input[name=q]", "辣")  # suggestions are fetched by script
    page.wait_for_timeout(800)
    context.close()

    recorder = f.villager()
    grant(recorder, Role.RECORDER)
    context, page, station_violations = _watched(browser, live_server, recorder)
    page.goto(live_server.url + "/station/")
    page.wait_for_load_state("networkidle")
    context.close()
    assert violations + station_violations == []


def test_the_admin_runs_its_inline_scripts_under_its_own_policy(browser, live_server):
    context, page, violations = _watched(browser, live_server, f.facilitator())
    page.goto(live_server.url + "/admin/")
    page.wait_for_load_state("networkidle")
    assert page.locator("main").count() == 1
    context.close()
    assert violations == []

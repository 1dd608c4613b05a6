"""The kit story page the QR on the jar opens, in Chromium on a phone: it fits, its quotes play
in place with subtitles, and it paints quickly on a throttled 3G connection."""

import pytest

from bench.kit_page_paint import first_paint
from tests.stories.conftest import archive, make_kit, people  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The bench (bench/kit_page_paint.py) reports the figure. This looser bound leaves out the
# server's own time (on a shared, loaded machine it alone can pass a second; the page cache is
# another module's work) and still fails if the page waits on a stylesheet, a script or a
# photo before painting: each is another 562 ms round trip on 3G.
PAINT_BUDGET_MS = 1500


@pytest.mark.parametrize("width", [360, 1280])
def test_the_story_page_fits_and_plays_a_quote_in_place(browser, live_server, make_kit, archive, width):  # noqa: F811
    kit = make_kit()
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: "Content Security Policy" in message.text and errors.append(message.text))
    page.goto(f"{live_server.url}/kits/{kit.slug}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    clip = page.locator(".clip").first
    assert clip.locator(".time").inner_text() == "0:00 / 0:05"  # the clip's own length
    clip.locator("button").click()
    first = archive["wang"].segments.first().text
    clip.locator(".caption", has_text=first).wait_for(timeout=15_000)
    assert page.locator(".clip audio").first.evaluate("(audio) => audio.currentTime") < 3
    assert not errors, errors  # under the site's own CSP: nothing inline was blocked
    context.close()


def test_the_story_page_paints_quickly_on_3g(browser, live_server, make_kit):  # noqa: F811
    kit = make_kit()
    url = f"{live_server.url}/kits/{kit.slug}/"
    first_paint(browser, url)  # renditions made once, as on a live site
    runs = [first_paint(browser, url) for _ in range(3)]
    page_cost = [run["first-contentful-paint"] - run["server"] for run in runs]
    assert min(page_cost) < PAINT_BUDGET_MS, runs

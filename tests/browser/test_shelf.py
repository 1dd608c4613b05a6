"""A seller checks the demo kit on the shelf on a phone: label preview, photos, copy to paste."""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from wagtail.models import Collection, Locale, Page

from heritage.models import User
from heritage.roles import Role, grant
from stories.demo import KIT_SLUG
from stories.models import BrandKit
from stories.shelf import shelf_copy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SHELF_SHOTS")  # a folder: the test saves its screenshots there

# Wider than the phone, or running past its right edge (the skip link waits off the left edge on purpose).
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 || el.getBoundingClientRect().width > width)
    .map((el) => el.tagName + '.' + el.className);
}"""


@pytest.fixture
def seller_on_shelf(browser, live_server):
    # Transactional tests start from an empty database, without Wagtail's roots.
    Locale.objects.get_or_create(language_code="zh-hans")
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_kit", stdout=io.StringIO())
    seller = User.objects.create_user("seller-shelf", password="x")
    grant(seller, Role.SELLER)
    client = Client()
    client.force_login(seller)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    opened = []

    def open_at(width: int):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
        opened.append(context)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/kits/shelf/")
        return page

    yield open_at
    # A label preview builds the kit's zip on its first request (seconds): the test's database
    # is flushed only once the server has answered every request the pages made.
    for context in opened:
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_shelf_shows_label_photos_and_copy_without_overflowing(seller_on_shelf, width):
    page = seller_on_shelf(width)
    previews = page.locator(".shelf-label img")
    assert previews.count() == 2
    for index in range(2):
        previews.nth(index).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.shelf-label img')].every((i) => i.complete && i.naturalWidth > 400)",
        timeout=120_000,
    )
    assert page.locator(".shelf-photos img").count() == 3
    assert page.evaluate(WIDEST) == []
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/shelf-{width}.png", full_page=True)


def test_a_copy_button_puts_exactly_the_fields_text_on_the_clipboard(seller_on_shelf):
    page = seller_on_shelf(360)
    kit = BrandKit.objects.get(slug=KIT_SLUG)
    title = shelf_copy(kit)["taobao"].fields["title"].text
    page.locator(f"button[data-copy='copy-{kit.pk}-taobao-title']").click()
    page.wait_for_function("() => document.getElementById('copy-status').textContent.length > 0")
    assert page.evaluate("() => navigator.clipboard.readText()") == title
    assert "350g罐装" in title

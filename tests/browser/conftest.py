import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs its own event loop; Django must allow ORM calls beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


def launch(playwright, *extra_args: str):
    """Headless Chromium from the Debian package, with ``extra_args`` (e.g. a fake microphone)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *extra_args])


@pytest.fixture(scope="session")
def playwright():
    """One Playwright for the session: its sync API allows only one per thread."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: run `make test`, which installs the Debian package chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as session:
        yield session


@pytest.fixture(scope="session")
def browser(playwright):
    browser = launch(playwright)
    yield browser
    browser.close()


# Playwright's wait_for_function runs its predicate with eval() inside the page, which the
# site's Content-Security-Policy forbids; the journeys' contexts bypass the policy, and
# tests/browser/test_content_security_policy.py walks the pages under it.


@pytest.fixture
def phone(browser):
    """A page the size of a cheap Android phone's screen."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()

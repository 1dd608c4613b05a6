"""Screenshots of the screens each role uses, at 360 px and 1280 px wide, for a person to look at.

    DATA_DIR=… [DATABASE_URL=…] .venv/bin/python tools/screenshots.py --base http://127.0.0.1:PORT --out DIR

Run it in the served archive's environment (the same ``DATA_DIR`` and ``DATABASE_URL`` as the
server, with the demo loaded): each role is signed in by a session made here (accounts named
screens-<role> are added for the roles the demo has no account of; the participant is the
demo's villager, a member of the kit's workshop), then headless Chromium (Debian's, never downloaded)
opens each screen and saves ``DIR/<role>-<screen>-<width>.png`` whole-page. Prints one line per
screenshot with the page's title and whether anything is wider than the screen. Not a test.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WIDTHS = (360, 1280)
CHROMIUM = "/usr/bin/chromium"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def session_for(username: str, *roles) -> str:
    """A signed-in session key for ``username`` (created with ``roles`` if missing)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from heritage.roles import grant

    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"display_name": username})
    grant(user, *roles)
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def screens() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """{role: (session key or "", [(screen name, path)])}, from what the demo holds."""
    from heritage.models import HeritageIndexPage, Narrator, OralHistoryPage
    from heritage.roles import Role
    from media.models import AudioRecording
    from stories.models import BrandKit

    kit = BrandKit.objects.order_by("pk").first()
    story = OralHistoryPage.objects.live().order_by("pk").first()
    index = HeritageIndexPage.objects.first()
    recording = AudioRecording.objects.filter(transcript__isnull=False).order_by("pk").first()
    narrator = Narrator.objects.order_by("pk").first()
    public = [("home", "/"), ("sign-in", "/accounts/login/"), ("search", "/search/?q=辣子鸡")]
    if index:
        public.append(("archive", index.url))
    if story:
        public.append(("oral-history", story.url))
    if kit:
        public.append(("kit-story", f"/kits/{kit.slug}/"))
    facilitator = [
        ("dashboard", "/admin/"),
        ("recordings", "/admin/snippets/media/audiorecording/"),
        ("narrators", "/admin/snippets/heritage/narrator/"),
        ("impact", "/admin/ledger/impact/"),
    ]
    if narrator:
        facilitator.append(("narrator", f"/admin/snippets/heritage/narrator/edit/{narrator.pk}/"))
    if recording:
        facilitator.append(("transcript-editor", f"/admin/transcripts/{recording.pk}/"))
    if kit:
        facilitator.append(("kit-approval", f"/admin/snippets/stories/brandkit/approve/{kit.pk}/"))
    recorder = [("station", "/station/"), ("mine", "/station/mine/")]
    participant = [("kits", "/kits/")] + ([("board", f"/kits/{kit.slug}/board/")] if kit else [])
    return {
        "visitor": ("", public),
        "facilitator": (session_for("screens-facilitator", Role.FACILITATOR), facilitator),
        "recorder": (session_for("screens-recorder", Role.RECORDER), recorder),
        "participant": (session_for("villager", Role.COMMUNITY, Role.PARTICIPANT), participant),
        "seller": (session_for("screens-seller", Role.SELLER), [("shelf", "/kits/shelf/")]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the served archive, e.g. http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    setup_django()
    plan = screens()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for role, (session, pages) in plan.items():
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
                if session:
                    context.add_cookies([{"name": "sessionid", "value": session, "url": args.base}])
                page = context.new_page()
                for name, path in pages:
                    response = page.goto(args.base + path, wait_until="networkidle")
                    target = args.out / f"{role}-{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    wide = page.evaluate("document.documentElement.scrollWidth") > width
                    status = response.status if response else "-"
                    print(f"{target.name}\t{status}\t{page.title()}\t{'TOO WIDE' if wide else 'fits'}")
                context.close()
        browser.close()


if __name__ == "__main__":
    main()

"""A smoke crawl of the demo through nginx (tools/ci_production.sh): fails on any unexpected status.

    python tools/smoke_crawl.py BASE_URL SELLER_PASSWORD_FILE

Visits the home page, the archive index, an oral-history page, search, the audio with a
Range header (206), an image found in a page, the kit story page, and the kit zip signed in
as the demo seller. Standard library only; prints one line per request.
"""

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

KIT = "yanglang-spicy-chicken-350g"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Crawl:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)
        self.failures: list[str] = []

    def fetch(self, path: str, expect: int = 200, data: dict | None = None, headers: dict | None = None):
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(data).encode() if data is not None else None,
            headers={"Accept": "text/html", **(headers or {})},
        )
        try:
            with self.opener.open(request, timeout=180) as response:
                status, body, got = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, got = error.code, error.read(), error.headers
        note = f"{status} {path} ({len(body)} bytes, {got.get('Content-Type', '')})"
        print(("ok   " if status == expect else "FAIL ") + note + ("" if status == expect else f", expected {expect}"))
        if status != expect:
            self.failures.append(note)
        return status, body, got

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.cookies if c.name == name), "")


def links(html: bytes, pattern: str) -> list[str]:
    return list(dict.fromkeys(re.findall(pattern, html.decode("utf-8", "replace"))))


def main(base: str, seller_password_file: str) -> int:
    crawl = Crawl(base)
    _, home, headers = crawl.fetch("/")
    if "script-src 'self'" not in headers.get("Content-Security-Policy", ""):
        crawl.failures.append("no Content-Security-Policy on the home page")
    _, archive, _ = crawl.fetch("/archive/")
    crawl.fetch("/search/?q=" + urllib.parse.quote("辣子鸡"))
    crawl.fetch("/search/api/?q=" + urllib.parse.quote("辣椒"))

    # An oral-history page: the first archive item whose page carries an audio player.
    audio = page_html = None
    for item in links(archive, r'href="(/archive/[\w-]+/)"'):
        _, page_html, _ = crawl.fetch(item)
        sources = links(page_html, r'<audio[^>]*\ssrc="([^"]+)"') + links(page_html, r'<source[^>]*\ssrc="([^"]+)"')
        if sources:
            audio = sources[0]
            break
    if audio is None:
        crawl.failures.append("no oral-history page with audio found from /archive/")
    else:
        status, body, got = crawl.fetch(audio, expect=206, headers={"Range": "bytes=0-99"})
        if status == 206 and (len(body) != 100 or not got.get("Content-Range", "").startswith("bytes 0-99/")):
            crawl.failures.append(f"audio range answered {len(body)} bytes, Content-Range {got.get('Content-Range')}")

    _, kit_page, _ = crawl.fetch(f"/kits/{KIT}/")
    images = []
    for html in (home, archive, page_html or b"", kit_page):
        images += links(html, r'<img[^>]*\ssrc="(/[^"]+)"')
    if not images:
        crawl.failures.append("no image found in the home, archive, oral-history or kit page")
    else:
        _, _, got = crawl.fetch(images[0])
        if not got.get("Content-Type", "").startswith("image/"):
            crawl.failures.append(f"{images[0]} is not an image: {got.get('Content-Type')}")

    # The kit zip, as the demo seller: sign in through the form; the seller lands on the shelf.
    crawl.fetch("/accounts/login/")
    password = open(seller_password_file, encoding="utf-8").read().strip()
    _, _, got = crawl.fetch(
        "/accounts/login/",
        expect=302,
        data={"username": "seller", "password": password, "csrfmiddlewaretoken": crawl.cookie("csrftoken")},
        headers={"Referer": base + "/accounts/login/"},
    )
    if got.get("Location") != "/kits/shelf/":
        crawl.failures.append(f"the seller landed on {got.get('Location')!r}, not /kits/shelf/")
    crawl.fetch("/kits/shelf/")
    _, zipped, _ = crawl.fetch(f"/kits/{KIT}/download/")
    if not zipped.startswith(b"PK"):
        crawl.failures.append("the kit download is not a zip")

    for failure in crawl.failures:
        print("FAILED:", failure, file=sys.stderr)
    return 1 if crawl.failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))

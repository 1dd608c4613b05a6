"""The admin a facilitator sees is Simplified Chinese: every page they open, crawled for English words.

Visible text and the attributes a person reads (title, placeholder, aria-label, alt) of
the dashboard, every listing in the menu and the edit form of a demo object of each kind.
Words outside the allow-list (brand names, units, formats, codes) fail the test.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from heritage.models import Narrator, OralHistoryPage, RecipePage, Theme, TopicPrompt
from media.models import AudioRecording
from stories.export.content import LABEL_FIELDS
from stories.models import BrandKit, StorySnippet, Workshop

from .. import factories as f

pytestmark = pytest.mark.django_db

WORD = re.compile(r"[A-Za-z](?:[A-Za-z'-]*[A-Za-z])?")
# Names written in Latin letters on purpose: the site's bilingual name, the account's own name (passed in).
NAMES = ("Libei Heritage Archive",)
ALLOWED = {
    # names and brands
    "Wagtail",
    "JavaScript",
    # keys named in the keyboard-shortcut help (Ctrl+S) and single letters on keys
    "Ctrl",
    "Alt",
    "Shift",
    "Esc",
    "Enter",
    "Cmd",
    *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    # the title Wagtail's own migration gives the page tree's root (stored data, shown in breadcrumbs)
    "Root",
    "Libei",
    "Whisper",
    "Taobao",
    "Yanglang",
    "Xifeng",
    "Guizhou",
    "Noto",
    "CJK",
    # units, formats, codes, standards
    "MB",
    "KB",
    "GB",
    "kHz",
    "Hz",
    "dBFS",
    "SHA",
    "sha",
    "zip",
    "ZIP",
    "JSON",
    "json",
    "PDF",
    "CSV",
    "SRT",
    "VTT",
    "TXT",
    "txt",
    "vtt",
    "srt",
    "URL",
    "QR",
    "RGB",
    "OHMS",
    "BagIt",
    "ID",
    "id",
    "opus",
    "ogg",
    "wav",
    "mp",
    "webm",
    "flac",
    "jpg",
    "png",
    "px",
    "AM",
    "PM",
} | {
    # GB 7718 label items are named in English beside the Chinese (help text of the kit's label fields)
    word
    for spec in LABEL_FIELDS
    for word in WORD.findall(spec.english)
}
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NOT_READ = {"script", "style", "code", "pre", "svg"}


class VisibleText(HTMLParser):
    """Text a person reads: not scripts, code or icons, nor elements marked ``hidden``."""

    def __init__(self):
        super().__init__()
        self.parts, self._open = [], []  # open elements: (tag, skipped)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            if not self._skipping():
                self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
            return
        skipped = self._skipping() or tag in NOT_READ or any(name == "hidden" for name, _ in attrs)
        if not skipped:
            self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        self._open.append((tag, skipped))

    def handle_endtag(self, tag):
        for n in range(len(self._open) - 1, -1, -1):
            if self._open[n][0] == tag:
                del self._open[n:]
                return

    def _skipping(self) -> bool:
        return bool(self._open) and self._open[-1][1]

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def english_words(html: str, ignore: tuple[str, ...] = ()) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    for word in (*ignore, *NAMES):
        text = text.replace(word, " ")
    text = re.sub(r"https?://\S+|\S+@\S+|\b[\w-]+\.(?:jpg|png|ogg|wav|webm|zip|json|txt|vtt)\b", " ", text)
    return {w for w in WORD.findall(text) if w not in ALLOWED}


def pages_to_crawl() -> list[str]:
    edits = [
        ("heritage/narrator", Narrator.objects.first()),
        ("heritage/theme", Theme.objects.first()),
        ("heritage/topicprompt", TopicPrompt.objects.first()),
        ("media/audiorecording", AudioRecording.objects.first()),
        ("stories/brandkit", BrandKit.objects.first()),
        ("stories/storysnippet", StorySnippet.objects.first()),
        ("stories/workshop", Workshop.objects.first()),
    ]
    listings = [
        "heritage/narrator",
        "heritage/theme",
        "heritage/glossaryterm",
        "heritage/topicprompt",
        "media/audiorecording",
        "stories/brandkit",
        "stories/storysnippet",
        "stories/workshop",
    ]
    urls = ["/admin/", "/admin/glossary/suggestions/", "/admin/images/", "/admin/documents/", "/admin/pages/"]
    urls += [f"/admin/snippets/{model}/" for model in listings]
    urls += [f"/admin/snippets/{model}/edit/{obj.pk}/" for model, obj in edits if obj is not None]
    urls += [f"/admin/snippets/{model}/add/" for model in ("heritage/narrator", "media/audiorecording")]
    for page in (OralHistoryPage.objects.first(), RecipePage.objects.first()):
        urls += [f"/admin/pages/{page.pk}/edit/", f"/admin/pages/{page.get_parent().pk}/"]
    kit = BrandKit.objects.first()
    urls.append(f"/admin/snippets/stories/brandkit/approve/{kit.pk}/")
    recording = AudioRecording.objects.first()
    urls.append(f"/admin/transcripts/{recording.pk}/")
    return urls


def test_no_admin_page_a_facilitator_opens_shows_an_english_word(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo_kit", verbosity=0)
    user = f.facilitator()
    client.force_login(user)
    found = {}
    for url in pages_to_crawl():
        response = client.get(url)
        if response.status_code == 302:
            continue  # not a page a facilitator can open (e.g. the image library without a collection)
        assert response.status_code == 200, url
        if words := english_words(response.content.decode(), ignore=(user.username,)):
            found[url] = sorted(words)
    assert not found, "\n".join(f"{url}: {' '.join(words)}" for url, words in found.items())


def test_the_crawler_finds_an_english_word():
    assert english_words('<p title="Save draft">保存 <b>Go</b> to 主页</p><script>var x = "skip"</script>') == {
        "Save",
        "draft",
        "Go",
        "to",
    }


def test_the_compiled_catalogue_is_the_committed_po(tmp_path):
    """locale/zh_Hans/LC_MESSAGES/django.mo is committed (tests and set-up need no gettext):
    it must say what the .po says. After editing the .po: ``manage.py compilemessages -l zh_Hans``."""
    import gettext
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (Debian package gettext) is not installed")
    folder = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(folder / "django.po")], check=True)
    with (folder / "django.mo").open("rb") as committed, fresh.open("rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(compiled)._catalog

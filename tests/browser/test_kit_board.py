"""A workshop participant assembles a kit on a phone; once approved, its zip downloads whole."""

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.core.files.images import ImageFile
from django.test import Client
from PIL import Image

from heritage.models import HeritageImage
from heritage.roles import Role, grant
from media.ingest import ingest
from search import service
from stories.models import BrandKit, StorySnippet, Workshop

from .. import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(title, colour):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), colour).save(buffer, "JPEG")
    image = HeritageImage(title=title)
    image.file = ImageFile(buffer, name="photo.jpg")
    image.save()
    return image


@pytest.fixture
def workshop_kit(make_audio):
    _, index = f.site_tree()
    wang = f.full_consent("王秀英")
    with make_audio("ogg", seconds=3.0).open("rb") as stream:
        recording = ingest(stream, "wang.ogg", "王秀英讲辣子鸡")
    f.transcript(recording, ["我第一次做辣子鸡是十六岁。", "外婆说，辣子鸡全看糍粑辣椒。", "味道不能变。"])
    f.item(index, narrators=[wang], recording=recording, title="王秀英讲辣子鸡")
    service.rebuild()
    participant = f.villager()
    grant(participant, Role.PARTICIPANT)
    facilitator = f.facilitator()
    workshop = Workshop.objects.create(title="共创", facilitator=facilitator)
    workshop.participants.add(participant)
    kit = BrandKit.objects.create(
        slug="yanglang", title="阳朗辣子鸡 350 g", product_name="阳朗辣子鸡", workshop=workshop, live=False
    )
    kit.save_revision(user=facilitator)
    _photo("红辣椒", (190, 30, 25))
    _photo("土鸡", (200, 160, 90))
    return kit, participant, facilitator


def _signed_in_phone(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        locale="zh-CN",
        accept_downloads=True,
        bypass_csp=True,
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


def test_assemble_a_kit_on_the_board_and_download_its_zip(browser, live_server, workshop_kit, tmp_path):
    kit, participant, facilitator = workshop_kit
    context = _signed_in_phone(browser, live_server, participant)
    page = context.new_page()
    page.goto(f"{live_server.url}/kits/{kit.slug}/board/")

    page.fill("#search-q", "糍粑辣椒")
    page.click("#search button[type=submit]")
    page.locator("#results button", has_text="加入候选").first.click()
    page.locator("#candidates button", has_text="加入故事").first.click()
    assert "外婆说，辣子鸡全看糍粑辣椒。" in page.locator("#story").inner_text()
    page.locator("#candidates button[title='投一票']").first.click()
    page.wait_for_selector("#candidates button[title='取消投票']")

    page.fill("#f-tagline", "外婆的糍粑辣椒")
    page.fill("#f-short_story", "外婆说，辣子鸡好不好吃，全看糍粑辣椒。")
    assert page.inner_text("#short-count").startswith("19 / 100")
    photos = page.locator("#photos button")
    photos.nth(0).click()
    photos.nth(0).click()  # second tap: main image
    photos.nth(1).click()
    page.click("#extract")
    page.wait_for_function("document.getElementById('f-palette').value.startsWith('#')")
    page.click("#save")
    page.wait_for_function("document.getElementById('message').textContent === '已保存。'")
    page.fill("#comment-text", "这句好，放开头")
    page.click("#comment-form button")
    page.wait_for_selector("#comments li")
    page.click("#submit")
    page.wait_for_function("document.getElementById('kit-status').textContent.includes('审核')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    kit.refresh_from_db()
    draft = kit.latest_revision.as_object()
    assert draft.tagline == "外婆的糍粑辣椒" and draft.palette.startswith("#")
    assert [link.role for link in draft.kit_photos.all()] == ["main", "detail"]
    assert kit.approval_requested_at is not None

    kit.latest_revision.publish(user=facilitator)  # the facilitator approves
    page.reload()
    with page.expect_download() as download:
        page.click("#download")
    path = tmp_path / "kit.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        assert "packaging/label.pdf" in bundle.namelist()
        assert "王秀英" in bundle.read("credits.txt").decode()
        assert "外婆说，辣子鸡全看糍粑辣椒。" in bundle.read("story.md").decode()
    (quoted,) = manifest["snippets"]
    assert quoted["text"] == "外婆说，辣子鸡全看糍粑辣椒。" and quoted["source"]["kind"] == "segments"
    # Public display and commercial use rest on archive consent: the manifest names all three.
    assert {c["scope"] for c in quoted["consent"]} == {"archive", "public", "commercial"}
    assert manifest["revision_id"] == BrandKit.objects.get(pk=kit.pk).live_revision_id
    context.close()


def test_select_words_on_an_oral_history_page_to_make_a_snippet(browser, live_server, workshop_kit):
    kit, participant, _facilitator = workshop_kit
    context = _signed_in_phone(browser, live_server, participant)
    page = context.new_page()
    oral = f.OralHistoryPage.objects.get(title="王秀英讲辣子鸡")
    page.goto(live_server.url + oral.url)
    page.evaluate(
        """() => {
            const text = document.querySelectorAll('#transcript li .text')[1].firstChild;
            const range = document.createRange();
            range.setStart(text, 4);
            range.setEnd(text, 14);
            document.getSelection().removeAllRanges();
            document.getSelection().addRange(range);
        }"""
    )
    page.wait_for_selector("#snippet-maker:not([hidden])")
    page.click("#snippet-make")
    page.wait_for_function("document.getElementById('snippet-said').textContent.includes('已摘为片段')")
    snippet = StorySnippet.objects.get()
    assert snippet.text == "外婆说，辣子鸡全看糍粑辣椒。"[4:14]
    assert snippet.first_segment.text == "外婆说，辣子鸡全看糍粑辣椒。" and snippet.narrators.get().name == "王秀英"
    context.close()


def test_make_a_snippet_in_the_transcript_editor(browser, live_server, workshop_kit):
    _kit, _participant, facilitator = workshop_kit
    context = _signed_in_phone(browser, live_server, facilitator)
    page = context.new_page()
    oral = f.OralHistoryPage.objects.get(title="王秀英讲辣子鸡")
    page.goto(f"{live_server.url}/admin/transcripts/{oral.recording_id}/")
    box = page.locator("#te-segments textarea").nth(1)
    box.focus()
    box.evaluate("(el) => el.setSelectionRange(4, 7)")
    page.click("#snippet-make")
    page.wait_for_function("document.getElementById('snippet-said').textContent.includes('已摘为片段')")
    snippet = StorySnippet.objects.get()
    assert snippet.text == "辣子鸡" and snippet.created_by == facilitator
    context.close()

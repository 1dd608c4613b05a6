"""A workshop participant assembles a kit on a phone; once approved, its zip downloads whole."""

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.core.files.images import ImageFile
from django.test import Client
from PIL import Image

from heritage.models import HeritageImage, RecipePage
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
    f.item(index, RecipePage, narrators=[wang], title="王家辣子鸡", steps=[("step", {"text": "糍粑辣椒要自己舂。"})])
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
    # Oral-history sentences and recipes alike; feedback beside the control tapped.
    page.wait_for_selector("#results .kind-recipe")
    sentence = page.locator("#results li", has=page.locator(".kind-segment")).first
    sentence.locator("button", has_text="加入候选").click()
    sentence.locator(".said", has_text="已加入候选").wait_for()
    recipe = page.locator("#results li", has=page.locator(".kind-recipe")).first
    recipe.locator("button", has_text="加入候选").click()
    recipe.locator(".said", has_text="已加入候选").wait_for()
    assert "糍粑辣椒要自己舂。" in page.locator("#candidates").inner_text()

    page.locator("#candidates li", has_text="外婆说").locator("button", has_text="加入故事").click()
    assert "外婆说，辣子鸡全看糍粑辣椒。" in page.locator("#story").inner_text()
    # The candidate list does not repeat a quote the story holds; search marks it as used.
    assert "外婆说" not in page.locator("#candidates").inner_text()
    page.click("#search button[type=submit]")
    page.locator("#results li", has_text="外婆说").locator(".used", has_text="已在故事里").wait_for()
    # The clip player shows the clip's own length, not the recording's.
    assert page.locator("#story .clip-controls .time").first.inner_text() == "0:00 / 0:02"

    page.locator("#candidates button[title='投一票']").first.click()
    page.wait_for_selector("#candidates button[title='取消投票']")
    # 评论 opens the box beside the quote; the comment shows under it.
    story_quote = page.locator("#story li", has_text="外婆说")
    story_quote.locator("button", has_text="评论").click()
    story_quote.locator(".comment-box input").fill("这句好，放开头")
    story_quote.locator(".comment-box button").click()
    page.locator("#story li .comments", has_text="这句好，放开头").wait_for()

    page.fill("#f-tagline", "外婆的糍粑辣椒")
    page.fill("#f-short_story", "外婆说，辣子鸡好不好吃，全看糍粑辣椒。")
    assert page.inner_text("#short-count").startswith("19 / 100")
    # Exactly one main photo: the first chosen is main; making another main asks which to keep.
    photos = page.locator("#photos button")
    photos.nth(0).click()
    page.locator("#photos .said", has_text="已选为主图").wait_for()
    photos.nth(1).click()
    photos.nth(1).click()
    page.locator("#photo-ask button", has_text="设为主图").click()
    assert "只能有一张主图" in page.inner_text("#photo-ask")
    page.locator("#photo-ask button", has_text="换成").click()
    assert page.locator("#photos .main").count() == 1
    page.click("#extract")
    page.locator(".palette-row .said", has_text="已从照片取了").wait_for()
    assert page.evaluate("document.getElementById('f-palette').value.startsWith('#')")
    assert page.locator("#swatches button").count() >= 7  # the photos' colours and the designed ones
    page.click("#save")
    page.locator("#message", has_text="已保存").wait_for()
    page.click("#submit")
    page.locator("#message", has_text="已请协作者审核").wait_for()
    assert page.inner_text("#kit-status").startswith("等待审核")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    kit.refresh_from_db()
    draft = kit.latest_revision.as_object()
    assert draft.tagline == "外婆的糍粑辣椒" and draft.palette.startswith("#")
    assert [link.role for link in draft.kit_photos.all()] == ["detail", "main"]
    assert kit.approval_requested_at is not None

    kit.latest_revision.publish(user=facilitator)  # the facilitator approves
    page.reload()
    # The sticky action bar: its three controls (保存, 请审核, 下载) on one row at 360 px.
    boxes = [control.bounding_box() for control in page.locator(".actions > button, .actions > a").all()]
    centres = [box["y"] + box["height"] / 2 for box in boxes]
    assert len(boxes) == 3 and max(centres) - min(centres) < 2, boxes
    assert max(box["x"] + box["width"] for box in boxes) <= 360
    # The zip (label PDF and all) is built on this first request: slow on a loaded machine.
    with page.expect_download(timeout=180_000) as download:
        page.click("#download", no_wait_after=True)
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

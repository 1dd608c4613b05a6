"""Choosing a file reads in Chinese (not the browser's "Choose File") and works from the keyboard."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from heritage.models import Consent
from heritage.roles import Role
from media.models import AudioRecording

from .. import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser, live_server, user, width: int):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="en-US", bypass_csp=True, device_scale_factor=1
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def choose_with_keyboard(page, input_id: str, path) -> None:
    """Focus the hidden input as Tab would, open the picker with Space, choose ``path``."""
    # The admin's own scripts move focus while they load (two busy cores are slow to run them).
    page.wait_for_load_state("networkidle")
    # In the tab order: not display:none, not hidden from focus.
    assert page.evaluate(
        f"(() => {{ const el = document.getElementById('{input_id}'), s = getComputedStyle(el);"
        " return el.tabIndex === 0 && s.display !== 'none' && s.visibility === 'visible'; })()"
    )
    page.locator(f"#{input_id}").focus()
    assert page.evaluate("document.activeElement.id") == input_id
    # The focus ring is drawn on the visible button, the input itself takes no room.
    assert (
        page.evaluate(f"getComputedStyle(document.querySelector('#{input_id} + .file-pick-button')).outlineStyle")
        == "solid"
    )
    assert page.locator(f"#{input_id}").bounding_box()["width"] <= 1
    # A late admin script may still take the focus between the check and the key: focus and
    # press again then (the picker never opens from anywhere but the focused input).
    for attempt in range(3):
        page.locator(f"#{input_id}").focus()
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    chooser.value.set_files(str(path))


def test_the_station_asks_for_the_consent_photo_in_chinese(browser, live_server, tmp_path):
    f.site_tree()
    recorder = f.person(Role.RECORDER)
    elder = f.narrator("张德明")
    photo = tmp_path / "同意书.jpg"
    from PIL import Image

    Image.new("RGB", (40, 30), (200, 200, 200)).save(photo, "JPEG")
    context = signed_in_page(browser, live_server, recorder, 360)
    page = context.new_page()
    page.goto(f"{live_server.url}/station/?narrator={elder.pk}")
    button = page.locator("label.file-pick-button[for=photo]")
    assert button.text_content() == "拍照或选择照片" and button.is_visible()
    assert page.locator("#photo-chosen").text_content() == "还没有选文件"
    box = button.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 360  # a finger's size, on the screen
    choose_with_keyboard(page, "photo", photo)
    assert page.locator("#photo-chosen").text_content() == "已选：同意书.jpg"
    page.get_by_role("button", name="上传同意书照片").click()
    page.wait_for_url("**agreed=1**")
    assert Consent.objects.filter(narrator=elder, method="signed_form").exists()
    context.close()


def test_the_admin_upload_of_a_recording_reads_in_chinese(browser, live_server, make_audio):
    f.site_tree()
    user = f.person()
    user.is_superuser = True
    user.save()
    audio = make_audio("ogg", seconds=2.0)
    context = signed_in_page(browser, live_server, user, 1280)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/snippets/media/audiorecording/add/")
    assert page.locator("label.file-pick-button[for=id_upload]").text_content() == "选择录音文件"
    page.fill("#id_title", "外婆讲辣子鸡")
    choose_with_keyboard(page, "id_upload", audio)
    assert page.locator("#id_upload-chosen").text_content() == f"已选：{audio.name}"
    with page.expect_navigation():
        page.locator("form[method=post] button[type=submit]").filter(has_text="保存").first.click()
    errors = [e.strip() for e in page.locator(".error-message, .w-field__errors").all_text_contents() if e.strip()]
    assert errors == [] and AudioRecording.objects.get().title == "外婆讲辣子鸡"
    context.close()

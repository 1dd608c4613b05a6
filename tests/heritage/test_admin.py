"""Facilitators work in the Wagtail admin: recordings, narrators with consent, every page type."""

import pytest

from heritage.models import FamilyMemoryPage, Narrator, OralHistoryPage, RecipePage
from media.models import AudioRecording

from .. import factories as f
from ..clock import ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("facilitator", password="pw")
    client.force_login(user)
    return client


def test_a_facilitator_uploads_a_recording_in_the_admin(admin_client, make_audio, settings):
    path = make_audio("webm", seconds=2.0)
    with path.open("rb") as stream:
        response = admin_client.post(
            "/admin/snippets/media/audiorecording/add/", {"title": "王奶奶讲辣子鸡", "upload": stream, "notes": ""}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    recording = AudioRecording.objects.get()
    assert recording.title == "王奶奶讲辣子鸡" and recording.codec == "opus"
    assert (settings.MEDIA_ROOT / recording.original.name).read_bytes() == path.read_bytes()


def test_a_bad_upload_shows_the_reason_in_both_languages(admin_client, tmp_path):
    path = tmp_path / "recipe.mp3"
    path.write_text("不是录音")
    with path.open("rb") as stream:
        response = admin_client.post("/admin/snippets/media/audiorecording/add/", {"title": "x", "upload": stream})
    html = response.content.decode()
    assert response.status_code == 200
    assert "这不是音频文件" in html and "not an audio file" in html
    assert AudioRecording.objects.count() == 0


def test_a_recording_original_cannot_be_replaced(admin_client, make_audio):
    with make_audio("wav").open("rb") as stream:
        admin_client.post("/admin/snippets/media/audiorecording/add/", {"title": "原始", "upload": stream})
    recording = AudioRecording.objects.get()
    sha = recording.sha256
    with make_audio("flac", seconds=3.0).open("rb") as stream:
        response = admin_client.post(
            f"/admin/snippets/media/audiorecording/edit/{recording.pk}/", {"title": "改名", "upload": stream}
        )
    assert response.status_code == 302
    recording.refresh_from_db()
    assert (recording.title, recording.sha256) == ("改名", sha)


def test_a_narrator_is_created_with_consent_records(admin_client):
    data = {
        "name": "王秀英",
        "credit_name": "",
        "village": "立碑村",
        "birth_year": "1954",
        "dialect": "贵州话",
        "biography": "",
        "consents-TOTAL_FORMS": "1",
        "consents-INITIAL_FORMS": "0",
        "consents-MIN_NUM_FORMS": "0",
        "consents-MAX_NUM_FORMS": "1000",
        "consents-0-scope": "public",
        "consents-0-method": "spoken",
        "consents-0-given_at": f"{ago(days=14):%Y-%m-%d %H:%M}",
        "consents-0-withdrawn_at": "",
        "consents-0-withdrawal_note": "",
        "consents-0-ORDER": "1",
        "consents-0-id": "",
        "consents-0-DELETE": "",
    }
    response = admin_client.post("/admin/snippets/heritage/narrator/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    narrator = Narrator.objects.get()
    assert narrator.has_consent("public") and not narrator.has_consent("commercial")


@pytest.mark.parametrize("model", [OralHistoryPage, RecipePage, FamilyMemoryPage])
def test_every_page_type_opens_in_the_editor(admin_client, model):
    _, index = f.site_tree()
    page = f.item(index, model, [f.full_consent()])
    assert admin_client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    app, name = model._meta.app_label, model._meta.model_name
    assert admin_client.get(f"/admin/pages/add/{app}/{name}/{index.pk}/").status_code == 200


def test_the_admin_speaks_simplified_chinese_by_default(admin_client):
    assert 'lang="zh-hans"' in admin_client.get("/admin/").content.decode()
    assert "<title>讲述人 - Wagtail</title>" in admin_client.get("/admin/snippets/heritage/narrator/").content.decode()

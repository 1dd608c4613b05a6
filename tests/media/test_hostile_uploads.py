"""Uploads made to harm: whatever a recorder names the file, or hides in it, the archive
serves only an allow-listed audio type, never sniffed, sandboxed, originals as attachments."""

import hashlib
import io
import json
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings

from heritage.roles import Role, grant
from media import ingest
from media.exceptions import RecordingRejected, TooLarge
from media.formats import AUDIO_FORMATS
from media.models import AudioRecording

from .. import factories as f

pytestmark = pytest.mark.django_db

AUDIO_TYPES = {known.content_type for known in AUDIO_FORMATS.values()}
AUDIO_SUFFIXES = {known.suffix for known in AUDIO_FORMATS.values()}
HOSTILE_NAMES = ["elder.html", "x.svg", "a.js", "recording", "ELDER.HTML", "a\x00.html", "../../etc/passwd", "x.php5"]


@pytest.fixture
def index():
    return f.site_tree()[1]


def page_for(index, recording):
    return f.item(index, narrators=[f.full_consent()], recording=recording, title=f"讲述{recording.pk}")


def assert_guarded(response, *, original: bool):
    assert response.status_code in (200, 206), response
    assert response["Content-Type"] in AUDIO_TYPES | {"application/octet-stream"}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    if original:
        assert disposition.startswith("attachment")
        assert Path(disposition.split("filename=")[1].strip('"')).suffix in AUDIO_SUFFIXES | {".bin"}
    else:
        assert disposition.startswith("inline")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_real_audio_under_any_name_is_stored_and_served_as_audio(name, make_audio, index, client):
    data = make_audio("ogg", seconds=1.0).read_bytes()
    recording = ingest.ingest(io.BytesIO(data), name, "录音")
    assert Path(recording.original.name).suffix == ".ogg" and recording.container == "ogg"
    assert "\x00" not in recording.original_filename and "/" not in recording.original_filename
    page = page_for(index, recording)
    response = client.get(f"/archive-audio/{page.pk}/original/")
    assert_guarded(response, original=True)
    assert response["Content-Type"] == "audio/ogg"
    assert b"".join(response.streaming_content) == data
    assert_guarded(client.get(f"/archive-audio/{page.pk}/derivative/"), original=False)


@pytest.mark.parametrize("kind", ["wav", "flac", "mp3", "m4a", "webm"])
def test_each_allowed_container_gets_its_own_suffix_and_type(kind, make_audio, index, client):
    recording = ingest.ingest(make_audio(kind, seconds=1.0).open("rb"), "evil.html", "录音")
    known = AUDIO_FORMATS[recording.container]
    assert recording.original.name.endswith(known.suffix)
    response = client.get(f"/archive-audio/{page_for(index, recording).pk}/original/")
    assert_guarded(response, original=True)
    assert response["Content-Type"] == known.content_type


def polyglots(wav: bytes) -> dict[str, bytes]:
    script = b"<html><body><script>alert(document.cookie)</script><svg onload=alert(1)></svg></body></html>"
    return {
        # A WAV whose declared data is followed by markup: FFmpeg plays it, browsers would render it.
        "wav-then-html": wav + script,
        # Markup first, an audio header after it.
        "html-then-wav": script + wav,
        # An ID3 tag (the MP3 header) wrapping markup.
        "id3-html": b"ID3\x03\x00\x00\x00\x00\x00\x10" + script,
        "svg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' + wav,
        "truncated": wav[: len(wav) // 3],
        "riff-only": wav[:44],
    }


@pytest.mark.parametrize("variant", list(polyglots(b"")))
def test_polyglots_and_truncated_files_are_refused_or_served_only_as_audio(variant, make_audio, index, client):
    data = polyglots(make_audio("wav", seconds=1.0).read_bytes())[variant]
    try:
        recording = ingest.ingest(io.BytesIO(data), f"{variant}.html", "录音")
    except RecordingRejected:
        assert not AudioRecording.objects.exists()
        return
    assert Path(recording.original.name).suffix in AUDIO_SUFFIXES
    assert_guarded(client.get(f"/archive-audio/{page_for(index, recording).pk}/original/"), original=True)


def test_a_huge_declared_size_is_refused_before_a_byte_is_kept(settings):
    class Bomb(io.BytesIO):
        size = 50 * 1024**4  # what a client may claim; nothing of it is read

    with pytest.raises(TooLarge):
        ingest.ingest(Bomb(b"RIFF"), "bomb.wav", "炸弹")
    assert not AudioRecording.objects.exists()
    assert list((Path(settings.MEDIA_ROOT) / "tmp").glob("*")) == []


def test_a_recording_stored_before_the_allow_list_is_served_by_its_probed_container(make_audio, index, client):
    recording = ingest.ingest(make_audio("ogg", seconds=1.0).open("rb"), "old.ogg", "旧录音")
    media_root = Path(django_settings.MEDIA_ROOT)
    legacy = Path(recording.original.name).with_name("original.html")
    (media_root / recording.original.name).rename(media_root / legacy)
    AudioRecording.objects.filter(pk=recording.pk).update(original=str(legacy))
    page = page_for(index, recording)
    response = client.get(f"/archive-audio/{page.pk}/original/")
    assert_guarded(response, original=True)
    assert response["Content-Type"] == "audio/ogg"
    # A container the allow-list does not know goes out as bytes to download.
    AudioRecording.objects.filter(pk=recording.pk).update(container="html")
    response = client.get(f"/archive-audio/{page.pk}/original/")
    assert_guarded(response, original=True)
    assert response["Content-Type"] == "application/octet-stream"
    assert 'filename="recording-' in response["Content-Disposition"]


def test_behind_nginx_the_audio_view_hands_over_with_x_accel_redirect(make_audio, index, client, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/_protected/"
    recording = ingest.ingest(make_audio("webm", seconds=1.0).open("rb"), "take one.html", "录音")
    response = client.get(f"/archive-audio/{page_for(index, recording).pk}/original/", HTTP_RANGE="bytes=0-9")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/_protected/" + quote(recording.original.name)
    assert response["Content-Type"] == "audio/webm"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_duplicate_upload_does_not_name_the_recording_it_repeats(make_audio, client):
    data = make_audio("webm", seconds=1.0).read_bytes()
    ingest.ingest(io.BytesIO(data), "secret.webm", "协作者专用：李桂芬谈家事")
    recorder = f.villager()
    grant(recorder, Role.RECORDER)
    client.force_login(recorder)
    narrator = f.narrator("王秀英", scopes=("archive",))
    upload_id = uuid.uuid4()
    url = f"/station/uploads/{upload_id}/chunks/0?offset=0"
    assert client.put(url, data, content_type="application/octet-stream").status_code == 200
    body = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "chunks": 1,
        "filename": "take.webm",
        "meta": {"narrator": narrator.pk, "kind": "story"},
    }
    response = client.post(f"/station/uploads/{upload_id}/commit", json.dumps(body), content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"] == "duplicate" and "已经在档案里" in response.json()["zh"]
    status = client.get(f"/station/uploads/{upload_id}/").json()
    text = json.dumps([response.json(), status], ensure_ascii=False)
    assert "李桂芬" not in text and "家事" not in text

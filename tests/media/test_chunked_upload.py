"""Recordings arriving in chunks: resumable, idempotent, verified before they are kept."""

import hashlib
import json
import os
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command

from heritage.models import Consent, StationRecording
from heritage.roles import Role, grant
from media import uploads
from media.models import AudioRecording, UploadSession, UploadState

from .. import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder(client):
    user = f.villager()
    grant(user, Role.RECORDER)
    client.force_login(user)
    return user


@pytest.fixture
def narrator():
    return f.narrator("王秀英", scopes=("archive",))


def split(data: bytes, size: int) -> list[tuple[int, bytes]]:
    return [(offset, data[offset : offset + size]) for offset in range(0, len(data), size)]


def put(client, upload_id, index, offset, data):
    return client.put(
        f"/recorder/uploads/{upload_id}/chunks/{index}?offset={offset}", data, content_type="application/octet-stream"
    )


def commit(client, upload_id, data, count, narrator, filename="take.webm", **meta):
    body = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "chunks": count,
        "filename": filename,
        "meta": {"narrator": narrator.pk, "kind": "story", **meta},
    }
    return client.post(f"/recorder/uploads/{upload_id}/commit", json.dumps(body), content_type="application/json")


def send_whole(client, data, narrator, **meta):
    """One chunk, then the commit."""
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    return commit(client, upload_id, data, 1, narrator, **meta)


@pytest.mark.parametrize("kind", ["webm", "m4a"])
def test_chunks_sent_out_of_order_and_twice_become_one_recording_byte_for_byte(
    kind, make_audio, client, recorder, narrator, settings
):
    data = make_audio(kind, seconds=3.0).read_bytes()
    upload_id = uuid.uuid4()
    pieces = split(data, 4096)
    for index in [*reversed(range(len(pieces))), 0, 1]:
        offset, piece = pieces[index]
        assert put(client, upload_id, index, offset, piece).status_code == 200
    status = client.get(f"/recorder/uploads/{upload_id}/").json()
    assert status["received"] == len(data) and len(status["chunks"]) == len(pieces)

    response = commit(client, upload_id, data, len(pieces), narrator, filename=f"take.{kind}")
    assert response.status_code == 200, response.content
    recording = AudioRecording.objects.get(pk=response.json()["recording"])
    assert (Path(settings.MEDIA_ROOT) / recording.original.name).read_bytes() == data
    assert recording.sha256 == hashlib.sha256(data).hexdigest() and recording.uploaded_by == recorder
    assert recording.codec in {"opus", "aac"} and recording.duration == pytest.approx(3.0, abs=0.1)
    assert StationRecording.objects.get(recording=recording).narrator == narrator
    # Partial chunks are gone; a commit sent again (its answer was lost) gives the same recording.
    assert not (uploads.partial_root() / str(upload_id)).exists()
    again = commit(client, upload_id, data, len(pieces), narrator)
    assert again.status_code == 200 and again.json()["recording"] == recording.pk


def test_status_tells_which_bytes_arrived_so_the_phone_resumes_after_a_drop(make_audio, client, recorder, narrator):
    data = make_audio("webm", seconds=2.0).read_bytes()
    upload_id = uuid.uuid4()
    pieces = split(data, 2048)
    for index in (0, 1, 3):
        put(client, upload_id, index, *pieces[index])
    status = client.get(f"/recorder/uploads/{upload_id}/").json()
    assert status["received"] == 2 * 2048 and [c[0] for c in status["chunks"]] == [0, 1, 3]

    response = commit(client, upload_id, data, len(pieces), narrator)
    assert response.status_code == 409 and 2 in response.json()["missing"]
    assert not AudioRecording.objects.exists()
    for index in range(len(pieces)):
        put(client, upload_id, index, *pieces[index])
    assert commit(client, upload_id, data, len(pieces), narrator).status_code == 200


def test_a_checksum_that_differs_stores_nothing_and_keeps_the_chunks(make_audio, client, recorder, narrator):
    data = make_audio("webm", seconds=2.0).read_bytes()
    upload_id = uuid.uuid4()
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0xFF
    for index, (offset, piece) in enumerate(split(bytes(damaged), 4096)):
        put(client, upload_id, index, offset, piece)
    response = commit(client, upload_id, data, len(split(data, 4096)), narrator)
    body = response.json()
    assert response.status_code == 409 and body["error"] == "checksum" and body["zh"] and body["en"]
    assert not AudioRecording.objects.exists()
    assert UploadSession.objects.get(pk=upload_id).state == UploadState.OPEN


def test_the_usual_refusals_apply_to_a_station_upload(make_audio, client, recorder, narrator):
    response = send_whole(client, make_audio("webm", seconds=2.0, amplitude=0).read_bytes(), narrator)
    assert response.status_code == 422 and response.json()["error"] == "silent"
    assert not AudioRecording.objects.exists()


def test_a_story_needs_the_narrators_archive_consent_first(make_audio, client, recorder):
    stranger = f.narrator("张德明")
    response = send_whole(client, make_audio("webm", seconds=2.0).read_bytes(), stranger)
    assert response.status_code == 403 and response.json()["error"] == "consent_missing"
    assert not AudioRecording.objects.exists()


def test_spoken_consent_becomes_consent_records_with_the_recording_as_evidence(make_audio, client, recorder):
    elder = f.narrator("李桂芬")
    data = make_audio("m4a", seconds=2.0).read_bytes()
    scopes = ["archive", "public"]
    response = send_whole(client, data, elder, filename="consent.m4a", kind="consent", scopes=scopes)
    assert response.status_code == 200, response.content
    recording = AudioRecording.objects.get(pk=response.json()["recording"])
    consents = Consent.objects.filter(narrator=elder)
    assert sorted(c.scope for c in consents) == ["archive", "public"]
    assert all(c.method == "spoken" and c.evidence_recording == recording for c in consents)
    assert all(c.witnessed_by == recorder for c in consents)


def test_another_users_upload_is_not_found_and_cannot_be_added_to(make_audio, client, recorder):
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, b"abc")
    other = f.villager()
    grant(other, Role.RECORDER)
    client.force_login(other)
    assert client.get(f"/recorder/uploads/{upload_id}/").status_code == 404
    assert put(client, upload_id, 1, 3, b"def").status_code == 404


def test_a_chunk_written_twice_leaves_one_file_and_no_temporary(client, recorder):
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, b"first")
    put(client, upload_id, 0, 0, b"first")
    folder = uploads.partial_root() / str(upload_id)
    assert sorted(p.name for p in folder.iterdir()) == ["000000-0.part"]


def test_a_redone_take_is_forgotten(client, recorder):
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, b"abc")
    assert client.delete(f"/recorder/uploads/{upload_id}/").status_code == 200
    assert not UploadSession.objects.filter(pk=upload_id).exists()
    assert not (uploads.partial_root() / str(upload_id)).exists()


def test_stale_unfinished_uploads_are_cleaned_up(client, recorder, settings):
    old, fresh = uuid.uuid4(), uuid.uuid4()
    put(client, old, 0, 0, b"old")
    put(client, fresh, 0, 0, b"new")
    week_ago = UploadSession.objects.get(pk=old).updated_at - timedelta(days=8)
    UploadSession.objects.filter(pk=old).update(updated_at=week_ago)
    orphan = uploads.partial_root() / str(uuid.uuid4())
    orphan.mkdir(parents=True)
    month_ago = time.time() - 30 * 86400
    os.utime(orphan, (month_ago, month_ago))
    call_command("recorder_uploads", "--clean")
    assert list(UploadSession.objects.values_list("pk", flat=True)) == [fresh]
    assert not (uploads.partial_root() / str(old)).exists() and not orphan.exists()
    assert (uploads.partial_root() / str(fresh)).exists()

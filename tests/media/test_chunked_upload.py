"""Recordings arriving in chunks: resumable, idempotent, verified before they are kept."""

import hashlib
import io
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
from heritage.station.rules import StationHooks
from media import uploads
from media.models import AudioRecording, UploadSession, UploadState

from .. import factories as f
from .conftest import put

pytestmark = pytest.mark.django_db


def split(data: bytes, size: int) -> list[tuple[int, bytes]]:
    return [(offset, data[offset : offset + size]) for offset in range(0, len(data), size)]


def commit(client, upload_id, data, count, narrator, filename="take.webm", **meta):
    body = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "chunks": count,
        "filename": filename,
        "meta": {"narrator": narrator.pk, "kind": "story", **meta},
    }
    return client.post(f"/station/uploads/{upload_id}/commit", json.dumps(body), content_type="application/json")


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
    status = client.get(f"/station/uploads/{upload_id}/").json()
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
    status = client.get(f"/station/uploads/{upload_id}/").json()
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
    assert client.get(f"/station/uploads/{upload_id}/").status_code == 404
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
    assert client.delete(f"/station/uploads/{upload_id}/").status_code == 200
    assert UploadSession.objects.get(pk=upload_id).state == UploadState.DISCARDED
    assert not (uploads.partial_root() / str(upload_id)).exists()
    # A chunk of the old take still on its way does not start it again under the same id.
    late = put(client, upload_id, 1, 3, b"def")
    assert (late.status_code, late.json()["error"]) == (410, "upload_discarded")
    assert not (uploads.partial_root() / str(upload_id)).exists()


def test_stale_unfinished_uploads_are_cleaned_up(client, recorder, settings, clock):
    old, fresh = uuid.uuid4(), uuid.uuid4()
    put(client, old, 0, 0, b"old")
    clock.shift(timedelta(days=8))
    put(client, fresh, 0, 0, b"new")
    orphan = uploads.partial_root() / str(uuid.uuid4())
    orphan.mkdir(parents=True)
    month_ago = time.time() - 30 * 86400
    os.utime(orphan, (month_ago, month_ago))
    call_command("recorder_uploads", "--clean")
    assert list(UploadSession.objects.values_list("pk", flat=True)) == [fresh]
    assert not (uploads.partial_root() / str(old)).exists() and not orphan.exists()
    assert (uploads.partial_root() / str(fresh)).exists()


def part_files(upload_id) -> list[str]:
    folder = uploads.partial_root() / str(upload_id)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def refused(response, zh: str) -> None:
    body = response.json()
    assert response.status_code == 400 and body["error"] == "bad_chunk" and zh in body["zh"] and body["en"], body


def test_a_chunk_larger_than_the_limit_is_refused_and_leaves_nothing(client, recorder, settings):
    settings.RECORDING_CHUNK_MAX_BYTES = 16
    upload_id = uuid.uuid4()
    assert put(client, upload_id, 0, 0, b"x" * 16).status_code == 200
    refused(put(client, upload_id, 1, 16, b"y" * 17), "这一段太大了")
    assert part_files(upload_id) == ["000000-0.part"]
    assert client.get(f"/station/uploads/{upload_id}/").json()["received"] == 16


def test_a_chunk_that_arrives_shorter_than_announced_is_refused(client, recorder):
    """The phone lost the signal mid-chunk: fewer bytes than Content-Length arrive."""
    upload_id = uuid.uuid4()
    response = client.put(
        f"/station/uploads/{upload_id}/chunks/0?offset=0",
        content_type="application/octet-stream",
        CONTENT_LENGTH="10",
        **{"wsgi.input": io.BytesIO(b"abc")},
    )
    refused(response, "没有收完整")
    assert part_files(upload_id) == []  # neither the chunk nor a temporary file


@pytest.mark.parametrize("upload_id", ["not-a-uuid", "123", "g" * 32])
def test_a_chunk_for_an_id_that_is_not_a_uuid_is_refused(upload_id, client, recorder):
    refused(put(client, upload_id, 0, 0, b"abc"), "上传编号不正确")
    assert not UploadSession.objects.exists()


def test_a_chunk_after_the_upload_is_done_is_refused(make_audio, client, recorder, narrator):
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    assert commit(client, upload_id, data, 1, narrator).status_code == 200
    refused(put(client, upload_id, 1, len(data), b"late"), "已经收齐了")
    assert part_files(upload_id) == []
    session = UploadSession.objects.get(pk=upload_id)
    assert session.state == UploadState.DONE and AudioRecording.objects.get().pk == session.recording_id


class FailingOnceHooks(StationHooks):
    """The station's own hooks, except that attaching fails the first time (a database
    hiccup, a bug): what the commit leaves behind is then what a retry finds."""

    failures = 1

    @staticmethod
    def attach(recording, meta, user):
        if FailingOnceHooks.failures:
            FailingOnceHooks.failures -= 1
            raise RuntimeError("the station record could not be written")
        StationHooks.attach(recording, meta, user)


def test_a_commit_whose_station_hook_fails_leaves_nothing_and_can_be_retried(
    make_audio, client, recorder, narrator, settings
):
    settings.RECORDING_STATION_HOOKS = "tests.media.test_chunked_upload.FailingOnceHooks"
    FailingOnceHooks.failures = 1
    client.raise_request_exception = False
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)

    assert commit(client, upload_id, data, 1, narrator).status_code == 500
    # All or nothing: no recording, no station record, no stored file; the upload is open again.
    assert not AudioRecording.objects.exists() and not StationRecording.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert UploadSession.objects.get(pk=upload_id).state == UploadState.OPEN
    assert "000000-0.part" in part_files(upload_id)  # the chunk is kept for the retry

    retried = commit(client, upload_id, data, 1, narrator)
    assert retried.status_code == 200, retried.content
    recording = AudioRecording.objects.get(pk=retried.json()["recording"])
    assert StationRecording.objects.get().recording == recording
    assert UploadSession.objects.get(pk=upload_id).state == UploadState.DONE
    assert (Path(settings.MEDIA_ROOT) / recording.original.name).read_bytes() == data

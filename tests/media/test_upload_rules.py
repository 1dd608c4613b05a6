"""The chunked-upload protocol's promises one by one: the exact answers a phone gets, the
limits at their edges, what a failed or interrupted commit leaves, and what cleanup removes."""

import hashlib
import io
import json
import os
import shutil
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from heritage.models import StationRecording
from heritage.station.rules import StationHooks
from media import ingest, uploads
from media.exceptions import TooLong
from media.models import AudioRecording, TranscriptionJob, UploadSession, UploadState

from ..clock import NOW
from .conftest import put

pytestmark = pytest.mark.django_db


def story(narrator, **extra) -> dict:
    return {"narrator": narrator.pk, "kind": "story", **extra}


def put_announced(client, upload_id, index, offset, announced: int, body: bytes):
    """A chunk whose Content-Length says ``announced`` while ``body`` is what arrives."""
    return client.put(
        f"/station/uploads/{upload_id}/chunks/{index}?offset={offset}",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(announced),
        **{"wsgi.input": io.BytesIO(body)},
    )


def commit(client, upload_id, data: bytes, meta: dict, count=1, sha256=None, filename="take.webm"):
    body = {
        "sha256": sha256 or hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "chunks": count,
        "filename": filename,
        "meta": meta,
    }
    return client.post(f"/station/uploads/{upload_id}/commit", json.dumps(body), content_type="application/json")


def status(client, upload_id) -> dict:
    return client.get(f"/station/uploads/{upload_id}/").json()


def folder_of(upload_id) -> Path:
    return uploads.partial_root() / str(upload_id)


def part_files(upload_id) -> list[str]:
    folder = folder_of(upload_id)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


BAD_CHUNK = "bad_chunk"


# --- status and where chunks live ---


def test_an_upload_nothing_has_arrived_for_reports_exactly_that(client, recorder):
    upload_id = uuid.uuid4()
    assert status(client, upload_id) == {
        "id": str(upload_id),
        "state": "open",
        "received": 0,
        "chunks": [],
        "recording": None,
        "error": "",
    }
    # A chunk that does not start at byte 0 leaves a gap: still nothing counts as received.
    put(client, upload_id, 1, 4, b"efgh")
    assert status(client, upload_id)["received"] == 0


def test_chunks_wait_under_the_data_folder_named_by_index_and_offset(client, recorder, settings):
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, b"abcd")
    put(client, upload_id, 1, 4, b"ef")
    folder = Path(settings.DATA_DIR) / "partial-uploads" / str(upload_id)
    assert sorted(p.name for p in folder.iterdir()) == ["000000-0.part", "000001-4.part"]
    assert (folder / "000000-0.part").read_bytes() == b"abcd"
    assert status(client, upload_id)["chunks"] == [[0, 0, 4], [1, 4, 2]]


def test_a_chunk_longer_than_one_read_is_kept_whole(client, recorder):
    data = bytes(range(256)) * 2400  # 614 400 bytes: more than two 256 KB reads
    upload_id = uuid.uuid4()
    assert put(client, upload_id, 0, 0, data).status_code == 200
    assert status(client, upload_id)["received"] == 614_400
    assert (folder_of(upload_id) / "000000-0.part").read_bytes() == data


# --- chunks refused, in the words the phone shows ---


def refusal(response) -> tuple[int, dict]:
    return response.status_code, response.json()


def test_a_chunk_for_an_upload_already_stored_is_refused_in_both_languages(client, recorder):
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, b"abc")
    UploadSession.objects.filter(pk=upload_id).update(state=UploadState.DONE)
    assert refusal(put(client, upload_id, 1, 3, b"late")) == (
        400,
        {"error": BAD_CHUNK, "zh": "这段录音已经收齐了", "en": "this upload is already complete"},
    )


def test_an_upload_id_that_is_not_a_uuid_is_refused_in_both_languages(client, recorder):
    assert refusal(put(client, "take-1", 0, 0, b"abc")) == (
        400,
        {"error": BAD_CHUNK, "zh": "上传编号不正确", "en": "the upload id is not a UUID"},
    )


OUT_OF_RANGE = {"error": BAD_CHUNK, "zh": "分段编号不正确", "en": "the chunk index or offset is out of range"}


def test_chunk_numbers_run_from_0_to_999999_and_offsets_are_never_negative(client, recorder):
    upload_id = uuid.uuid4()
    assert put(client, upload_id, 999_999, 0, b"last").status_code == 200
    assert part_files(upload_id) == ["999999-0.part"]
    assert refusal(put(client, upload_id, 1_000_000, 0, b"one too many")) == (400, OUT_OF_RANGE)
    assert refusal(put(client, upload_id, 3, -1, b"before the start")) == (400, OUT_OF_RANGE)
    assert part_files(upload_id) == ["999999-0.part"]


def test_a_negative_chunk_number_is_refused(recorder):
    session = uploads.open_session(uuid.uuid4(), recorder)
    with pytest.raises(uploads.ChunkRejected) as raised:
        uploads.write_chunk(session, -1, 0, io.BytesIO(b"abc"), 3)
    assert (raised.value.zh, raised.value.en) == (OUT_OF_RANGE["zh"], OUT_OF_RANGE["en"])
    assert part_files(session.pk) == []


def test_a_chunk_announced_larger_than_the_limit_is_refused_as_too_large_whatever_arrives(client, recorder, settings):
    settings.RECORDING_CHUNK_MAX_BYTES = 16
    upload_id = uuid.uuid4()
    # 100 bytes announced, 10 arrive: the announcement alone is refused.
    assert refusal(put_announced(client, upload_id, 0, 0, 100, b"0123456789")) == (
        400,
        {"error": BAD_CHUNK, "zh": "这一段太大了", "en": "a chunk may hold at most 16 bytes"},
    )
    assert part_files(upload_id) == []


def test_a_chunk_that_arrives_short_is_refused_in_both_languages(client, recorder):
    upload_id = uuid.uuid4()
    assert refusal(put_announced(client, upload_id, 0, 0, 10, b"abc")) == (
        400,
        {"error": BAD_CHUNK, "zh": "这一段没有收完整", "en": "the chunk arrived incomplete"},
    )


def test_chunks_may_reach_the_recording_size_limit_but_not_cross_it(client, recorder, settings):
    settings.RECORDING_MAX_BYTES = 100
    upload_id = uuid.uuid4()
    assert put(client, upload_id, 9, 90, b"x" * 10).status_code == 200  # ends at byte 100
    assert put(client, upload_id, 10, 100, b"").status_code == 200  # an empty closing chunk at the limit
    assert refusal(put(client, upload_id, 11, 95, b"y" * 10)) == (
        400,
        {"error": BAD_CHUNK, "zh": "录音超过了大小上限", "en": "the recording is larger than the upload limit"},
    )
    assert part_files(upload_id) == ["000009-90.part", "000010-100.part"]


def test_an_unannounced_chunk_is_cut_off_soon_after_the_limit(recorder, settings):
    settings.RECORDING_CHUNK_MAX_BYTES = 300_000
    session = uploads.open_session(uuid.uuid4(), recorder)
    stream = io.BytesIO(b"z" * 600_000)
    with pytest.raises(uploads.ChunkRejected) as raised:
        uploads.write_chunk(session, 0, 0, stream, None)
    assert (raised.value.zh, raised.value.en) == ("这一段太大了", "a chunk may hold at most 300000 bytes")
    assert stream.tell() <= 2 * 256 * 1024  # read in 256 KB pieces, not to its end
    assert part_files(session.pk) == []


def test_a_written_chunk_reports_its_number_offset_size_and_file(recorder, settings):
    session = uploads.open_session(uuid.uuid4(), recorder)
    chunk = uploads.write_chunk(session, 3, 8192, io.BytesIO(b"hello"), 5)
    folder = Path(settings.DATA_DIR) / "partial-uploads" / str(session.pk)
    assert chunk == uploads.Chunk(3, 8192, 5, folder / "000003-8192.part")
    assert chunk.path.read_bytes() == b"hello"


class Watched(io.BytesIO):
    """A chunk's bytes, noting what its upload folder holds once the last one is read."""

    def __init__(self, data: bytes, folder: Path):
        super().__init__(data)
        self.folder = folder
        self.seen: list[str] | None = None

    def read(self, size=-1):
        data = super().read(size)
        if not data and self.seen is None:
            self.seen = sorted(p.name for p in self.folder.iterdir())
        return data


def test_a_chunk_still_arriving_is_a_temporary_file_beside_the_chunks_never_a_chunk(recorder):
    session = uploads.open_session(uuid.uuid4(), recorder)
    uploads.write_chunk(session, 0, 0, io.BytesIO(b"abc"), 3)
    stream = Watched(b"def", folder_of(session.pk))
    uploads.write_chunk(session, 1, 3, stream, 3)
    assert len(stream.seen) == 2 and stream.seen[0] == "000000-0.part" and stream.seen[1].endswith(".tmp")
    assert part_files(session.pk) == ["000000-0.part", "000001-3.part"]


def test_a_chunk_resent_while_its_first_copy_is_being_replaced_lands_once(client, recorder, monkeypatch):
    """The phone resent a chunk it thought lost; the two requests overlap, and the first copy
    is already gone when this one comes to replace it."""
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, b"first")
    real_unlink = Path.unlink

    def unlink(self, missing_ok=False):
        if self.suffix == ".part" and self.exists():
            os.unlink(self)  # the overlapping request got there first
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    assert put(client, upload_id, 0, 0, b"first").status_code == 200
    assert part_files(upload_id) == ["000000-0.part"]
    assert (folder_of(upload_id) / "000000-0.part").read_bytes() == b"first"


class FirstRead(io.BytesIO):
    """A chunk whose first read lets something else happen to its upload first (``outcome``
    keeps what that returned)."""

    def __init__(self, data: bytes, happen):
        super().__init__(data)
        self.happen, self.outcome = happen, None

    def read(self, size=-1):
        if self.happen is not None:
            self.outcome = self.happen()
            self.happen = None
        return super().read(size)


def take_redone_midway(data: bytes, session) -> FirstRead:
    """The recorder redoes the take while a chunk of it is still arriving."""
    return FirstRead(data, lambda: uploads.discard(session))


def cleanup_midway(data: bytes) -> FirstRead:
    """The daily cleanup takes an upload untouched for a week just as the phone, back online,
    sends its next chunk."""
    return FirstRead(data, lambda: uploads.clean_stale(timedelta(days=7)))


def test_a_chunk_cut_off_after_its_take_was_redone_is_refused_cleanly(recorder):
    session = uploads.open_session(uuid.uuid4(), recorder)
    uploads.write_chunk(session, 0, 0, io.BytesIO(b"abc"), 3)
    with pytest.raises(uploads.ChunkRejected) as raised:
        uploads.write_chunk(session, 1, 3, take_redone_midway(b"de", session), 10)
    assert raised.value.zh == "这一段没有收完整"
    assert not folder_of(session.pk).exists()
    assert UploadSession.objects.get(pk=session.pk).state == UploadState.DISCARDED


def test_a_whole_chunk_arriving_as_its_take_is_redone_is_refused_in_words_not_a_server_error(recorder):
    session = uploads.open_session(uuid.uuid4(), recorder)
    uploads.write_chunk(session, 0, 0, io.BytesIO(b"abc"), 3)
    with pytest.raises(uploads.UploadDiscarded) as raised:
        uploads.write_chunk(session, 1, 3, take_redone_midway(b"de", session), 2)
    assert (raised.value.status, raised.value.code) == (410, "upload_discarded")
    assert raised.value.zh == "这一遍录音已经重录，旧的分段不再上传"
    assert raised.value.en == "this take was redone; its chunks are no longer kept"
    assert not folder_of(session.pk).exists()  # nothing of the old take comes back
    assert UploadSession.objects.get(pk=session.pk).state == UploadState.DISCARDED


def test_a_chunk_whose_folder_the_cleanup_took_is_sent_again_never_forgotten(recorder, clock):
    session = uploads.open_session(uuid.uuid4(), recorder)
    uploads.write_chunk(session, 0, 0, io.BytesIO(b"abc"), 3)
    clock.shift(timedelta(days=8))
    stream = cleanup_midway(b"def")
    with pytest.raises(uploads.UploadInterrupted) as raised:
        uploads.write_chunk(session, 1, 3, stream, 3)
    assert stream.outcome == 1
    # Not "discarded": the phone keeps the take and sends it again (503, like a dropped line).
    assert (raised.value.status, raised.value.code) == (503, "interrupted")
    assert raised.value.zh == "上传被打断了，手机会稍后重新发送这一段"
    assert raised.value.en == "the upload's folder went away while this chunk arrived (the cleanup); send it again"


def other_upload(user, state) -> UploadSession:
    return UploadSession.objects.create(pk=uuid.uuid4(), owner=user, state=state)


def test_the_cleanup_under_a_chunk_is_told_apart_from_someone_elses_redo(recorder, clock):
    other_upload(recorder, UploadState.DISCARDED)  # another take, redone: not this one
    session = uploads.open_session(uuid.uuid4(), recorder)
    uploads.write_chunk(session, 0, 0, io.BytesIO(b"abc"), 3)
    clock.shift(timedelta(days=8))
    other_upload(recorder, UploadState.DISCARDED)  # redone today: the cleanup leaves it
    with pytest.raises(uploads.UploadInterrupted):
        uploads.write_chunk(session, 1, 3, cleanup_midway(b"def"), 3)


def test_a_chunk_that_loses_its_folder_to_a_finished_commit_is_sent_again_not_discarded(recorder):
    session = uploads.open_session(uuid.uuid4(), recorder)
    uploads.write_chunk(session, 0, 0, io.BytesIO(b"abc"), 3)

    def committed():  # another request of the phone's finished the commit and removed the folder
        UploadSession.objects.filter(pk=session.pk).update(state=UploadState.DONE)
        shutil.rmtree(folder_of(session.pk))

    with pytest.raises(uploads.UploadInterrupted):
        uploads.write_chunk(session, 1, 3, FirstRead(b"def", committed), 3)


def test_a_chunk_stored_as_its_upload_is_committed_is_kept_whatever_other_takes_were_redone(recorder):
    other_upload(recorder, UploadState.DISCARDED)
    session = uploads.open_session(uuid.uuid4(), recorder)

    def committed():
        UploadSession.objects.filter(pk=session.pk).update(state=UploadState.DONE)

    chunk = uploads.write_chunk(session, 0, 0, FirstRead(b"abc", committed), 3)
    assert chunk.path.read_bytes() == b"abc"


def test_the_folder_vanishing_before_a_chunk_is_opened_is_named_as_well(recorder, monkeypatch, clock):
    session = uploads.open_session(uuid.uuid4(), recorder)
    uploads.write_chunk(session, 0, 0, io.BytesIO(b"abc"), 3)
    mkstemp = uploads.tempfile.mkstemp
    monkeypatch.setattr(uploads.tempfile, "mkstemp", lambda **kw: (uploads.discard(session), mkstemp(**kw))[1])
    with pytest.raises(uploads.UploadDiscarded):
        uploads.write_chunk(session, 1, 3, io.BytesIO(b"def"), 3)
    other = uploads.open_session(uuid.uuid4(), recorder)
    uploads.write_chunk(other, 0, 0, io.BytesIO(b"abc"), 3)
    clock.shift(timedelta(days=8))
    monkeypatch.setattr(
        uploads.tempfile, "mkstemp", lambda **kw: (uploads.clean_stale(timedelta(days=7)), mkstemp(**kw))[1]
    )
    with pytest.raises(uploads.UploadInterrupted):
        uploads.write_chunk(other, 1, 3, io.BytesIO(b"def"), 3)


def test_a_take_redone_just_after_its_chunk_was_stored_keeps_nothing(recorder, monkeypatch):
    session = uploads.open_session(uuid.uuid4(), recorder)
    replace = uploads.os.replace

    def stored_then_redone(source, target):
        replace(source, target)
        uploads.discard(UploadSession.objects.get(pk=session.pk))  # removes the folder too

    monkeypatch.setattr(uploads.os, "replace", stored_then_redone)
    with pytest.raises(uploads.UploadDiscarded):
        uploads.write_chunk(session, 0, 0, io.BytesIO(b"abc"), 3)
    assert not folder_of(session.pk).exists()


def test_a_redo_clears_the_last_refusal_and_counts_as_activity_for_the_cleanup(recorder, clock):
    session = uploads.open_session(uuid.uuid4(), recorder)
    UploadSession.objects.filter(pk=session.pk).update(state=UploadState.FAILED, error="不是音频")
    clock.shift(timedelta(days=8))
    uploads.discard(session)
    discarded = UploadSession.objects.get(pk=session.pk)
    assert (discarded.state, discarded.error) == (UploadState.DISCARDED, "")
    assert uploads.clean_stale(timedelta(days=7)) == 0  # redone today: kept, late chunks still refused


def test_a_chunk_that_began_before_its_take_was_redone_keeps_nothing(recorder):
    session = uploads.open_session(uuid.uuid4(), recorder)
    uploads.write_chunk(session, 0, 0, io.BytesIO(b"abc"), 3)
    read_before = UploadSession.objects.get(pk=session.pk)  # the chunk's request read it "open"
    uploads.discard(session)
    with pytest.raises(uploads.UploadDiscarded):
        uploads.write_chunk(read_before, 1, 3, io.BytesIO(b"def"), 3)
    assert not folder_of(session.pk).exists()
    assert UploadSession.objects.get(pk=session.pk).state == UploadState.DISCARDED


def test_each_chunk_keeps_the_upload_alive_for_the_cleanup(client, recorder, clock):
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, b"abc")
    clock.shift(timedelta(days=8))
    put(client, upload_id, 1, 3, b"def")  # the phone came back after a week away
    uploads.clean_stale(timedelta(days=7))
    assert UploadSession.objects.filter(pk=upload_id).exists()
    assert part_files(upload_id) == ["000000-0.part", "000001-3.part"]


# --- the commit ---


def test_missing_and_misplaced_chunks_are_named_and_the_upload_stays_open(client, recorder, narrator):
    upload_id = uuid.uuid4()
    data = b"abcdefghijkl"
    put(client, upload_id, 0, 0, data[:4])
    put(client, upload_id, 2, 8, data[8:])
    expected = {
        "error": "missing_chunks",
        "zh": "还缺 1 段录音没有收到",
        "en": "1 chunk(s) have not arrived yet",
        "missing": [1],
    }
    assert refusal(commit(client, upload_id, data, story(narrator), count=3)) == (409, expected)
    answer = status(client, upload_id)
    assert (answer["state"], answer["error"]) == ("open", "还缺 1 段录音没有收到（1 chunk(s) have not arrived yet）")

    # Chunk 1 arrives, but at the wrong offset: the bytes would not line up.
    put(client, upload_id, 1, 5, data[4:8])
    assert refusal(commit(client, upload_id, data, story(narrator), count=3)) == (409, expected)
    assert not AudioRecording.objects.exists()


def test_a_differing_checksum_keeps_the_chunks_and_a_correct_commit_then_clears_the_error(
    client, recorder, narrator, make_audio
):
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    wrong = commit(client, upload_id, data, story(narrator), sha256="0" * 64)
    assert refusal(wrong) == (
        409,
        {
            "error": "checksum",
            "zh": "服务器收到的录音与手机上的不一致，请重新发送",
            "en": "the file the server assembled differs from the phone's copy",
        },
    )
    answer = status(client, upload_id)
    assert (answer["state"], answer["error"]) == (
        "open",
        "服务器收到的录音与手机上的不一致，请重新发送（the file the server assembled differs from the phone's copy）",
    )
    assert "000000-0.part" in part_files(upload_id)

    assert commit(client, upload_id, data, story(narrator)).status_code == 200
    answer = status(client, upload_id)
    recording = AudioRecording.objects.get()
    assert (answer["state"], answer["error"], answer["recording"]) == ("done", "", recording.pk)


def test_a_station_recording_keeps_the_phones_file_name_title_and_cleaned_details(
    client, recorder, narrator, make_audio, clock
):
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    clock.move_to(NOW)
    response = commit(client, upload_id, data, story(narrator, prompt="腊月"), filename="采访.webm")
    assert response.status_code == 200, response.content

    recording = AudioRecording.objects.get()
    title = "王秀英：腊月 2027-01-15 10:00"
    assert (recording.title, recording.original_filename, recording.uploaded_by) == (title, "采访.webm", recorder)
    session = UploadSession.objects.get(pk=upload_id)
    assert session.meta == {"narrator": narrator.pk, "kind": "story", "prompt": "腊月", "title": title}
    assert not folder_of(upload_id).exists()


@pytest.fixture(params=["empty", "unset"])
def without_station(request, settings):
    """The archive used without the recording station's rules: no hooks named."""
    if request.param == "empty":
        settings.RECORDING_STATION_HOOKS = ""
    else:
        del settings.RECORDING_STATION_HOOKS


@pytest.mark.usefixtures("without_station")
@pytest.mark.parametrize(
    ("meta", "title"),
    [
        ({"title": "外婆的歌"}, "外婆的歌"),
        ({}, "录音 2027-01-15 10:00"),
        ({"title": "长" * 300}, "长" * 255),
    ],
    ids=["titled", "untitled", "long title"],
)
def test_without_station_rules_the_phones_title_or_the_time_names_the_recording(
    meta, title, client, recorder, make_audio, clock
):
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    clock.move_to(NOW)
    response = commit(client, upload_id, data, meta)
    assert response.status_code == 200, response.content
    assert AudioRecording.objects.get().title == title
    assert UploadSession.objects.get(pk=upload_id).meta == meta
    assert not StationRecording.objects.exists()


def test_a_stored_recording_is_queued_for_transcription_in_the_recorders_name(
    client, recorder, narrator, make_audio, settings
):
    settings.TRANSCRIBE_ON_UPLOAD = True
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    assert commit(client, upload_id, data, story(narrator)).status_code == 200
    job = TranscriptionJob.objects.get()
    assert (job.recording, job.requested_by) == (AudioRecording.objects.get(), recorder)


def test_the_same_recording_sent_again_is_refused_and_that_upload_marked_failed(client, recorder, narrator, make_audio):
    data = make_audio("webm", seconds=1.0).read_bytes()
    first, second = uuid.uuid4(), uuid.uuid4()
    for upload_id in (first, second):
        put(client, upload_id, 0, 0, data)
    assert commit(client, first, data, story(narrator)).status_code == 200
    zh = "这段录音已经在档案里了（同样的文件上传过），不用再传"
    en = "this recording is already in the archive (the same file was uploaded before)"
    assert refusal(commit(client, second, data, story(narrator))) == (409, {"error": "duplicate", "zh": zh, "en": en})
    answer = status(client, second)
    assert (answer["state"], answer["error"]) == ("failed", f"{zh}（{en}）")
    assert AudioRecording.objects.count() == 1


def test_a_silent_recording_is_refused_and_that_upload_marked_failed(client, recorder, narrator, make_audio):
    data = make_audio("webm", seconds=1.0, amplitude=0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    assert commit(client, upload_id, data, story(narrator)).status_code == 422
    answer = status(client, upload_id)
    assert (answer["state"], answer["error"]) == (
        "failed",
        "录音里听不到声音（全是静音），请检查话筒后重新录制"
        "（the recording is silent; check the microphone and record again）",
    )


def test_a_recording_over_a_limit_lowered_meanwhile_is_refused_with_its_real_size(client, recorder, narrator, settings):
    data = bytes(range(256)) * 13_108  # 3 355 648 bytes, about 3.2 MB
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    settings.RECORDING_MAX_BYTES = 1024 * 1024  # the archive's limit was lowered while the phone sent
    assert refusal(commit(client, upload_id, data, story(narrator))) == (
        422,
        {
            "error": "too_large",
            "zh": "文件太大（3 MB），上限是 1 MB",
            "en": "the file is too large (3 MB; the limit is 1 MB)",
        },
    )
    assert status(client, upload_id)["state"] == "failed"


def test_a_commit_already_under_way_answers_wait_in_both_languages(client, recorder, narrator):
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, b"abc")
    UploadSession.objects.filter(pk=upload_id).update(state=UploadState.COMMITTING)
    assert refusal(commit(client, upload_id, b"abc", story(narrator))) == (
        202,
        {"error": "committing", "zh": "录音正在入库，请稍候", "en": "the recording is being stored, ask again shortly"},
    )


# Station hooks that let something happen while a commit is under way.


class Meanwhile(StationHooks):
    """The station's own hooks; ``during`` runs once the upload is claimed, before its chunks are joined."""

    during = None
    users: list = []

    @staticmethod
    def clean(meta, user):
        Meanwhile.users.append(user)
        if Meanwhile.during:
            Meanwhile.during()
        return StationHooks.clean(meta, user)


@pytest.fixture
def meanwhile(settings):
    settings.RECORDING_STATION_HOOKS = "tests.media.test_upload_rules.Meanwhile"
    Meanwhile.during, Meanwhile.users = None, []
    yield Meanwhile
    Meanwhile.during, Meanwhile.users = None, []


def test_a_commit_resent_while_the_first_runs_is_told_to_wait_and_nothing_is_stored_twice(
    client, recorder, narrator, make_audio, meanwhile
):
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    answers = []

    def the_phone_resends_the_commit():
        meanwhile.during = None
        try:
            answers.append(
                uploads.commit_upload(
                    UploadSession.objects.get(pk=upload_id), hashlib.sha256(data).hexdigest(), len(data), 1, "t", {}
                )
            )
        except uploads.UploadRefused as error:
            answers.append(error)

    meanwhile.during = the_phone_resends_the_commit
    response = commit(client, upload_id, data, story(narrator))
    assert response.status_code == 200, response.content
    assert [type(a) for a in answers] == [uploads.StillCommitting] and answers[0].status == 202
    assert AudioRecording.objects.count() == 1
    assert meanwhile.users == [recorder]  # the station's rules are told who uploads


def test_cleanup_running_during_a_commit_leaves_that_upload_alone(
    client, recorder, narrator, make_audio, clock, meanwhile
):
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    clock.shift(timedelta(days=8))  # the phone commits after a week without signal
    meanwhile.during = lambda: uploads.clean_stale(timedelta(days=7))
    response = commit(client, upload_id, data, story(narrator))
    assert response.status_code == 200, response.content
    assert AudioRecording.objects.get().pk == response.json()["recording"]


def test_committing_one_take_leaves_the_recorders_other_takes_open(client, recorder, narrator, make_audio):
    first, second = uuid.uuid4(), uuid.uuid4()
    data = make_audio("webm", seconds=1.0).read_bytes()
    put(client, first, 0, 0, data)
    put(client, second, 0, 0, b"the next take, still arriving")
    assert commit(client, first, data, story(narrator)).status_code == 200
    assert status(client, second)["state"] == "open"
    assert part_files(second) == ["000000-0.part"]


def test_a_long_commit_counts_as_activity_when_it_ends_stored_or_refused(
    client, recorder, narrator, make_audio, clock, meanwhile
):
    data = make_audio("webm", seconds=1.0).read_bytes()
    stored, refused = uuid.uuid4(), uuid.uuid4()
    put(client, stored, 0, 0, data)
    put(client, refused, 1, 3, b"def")  # chunk 0 never arrived
    clock.move_to(NOW)
    meanwhile.during = lambda: clock.shift(timedelta(hours=2))  # joining and probing took two hours
    assert commit(client, stored, data, story(narrator)).status_code == 200
    assert UploadSession.objects.get(pk=stored).updated_at >= NOW + timedelta(hours=2)

    clock.move_to(NOW + timedelta(days=1))
    assert commit(client, refused, b"abcdef", story(narrator), count=2).status_code == 409
    assert UploadSession.objects.get(pk=refused).updated_at >= NOW + timedelta(days=1, hours=2)


class AttachFails(StationHooks):
    """The station's own hooks, except that filing the recording fails with ``error()``."""

    error = None

    @staticmethod
    def attach(recording, meta, user):
        raise AttachFails.error()


@pytest.fixture
def attach_fails(settings):
    settings.RECORDING_STATION_HOOKS = "tests.media.test_upload_rules.AttachFails"
    yield AttachFails
    AttachFails.error = None


def test_an_unexpected_failure_leaves_the_upload_open_with_no_error_to_show(
    client, recorder, narrator, make_audio, attach_fails, settings
):
    attach_fails.error = lambda: RuntimeError("the station record could not be written")
    client.raise_request_exception = False
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    UploadSession.objects.filter(pk=upload_id).update(error="an earlier refusal")
    assert commit(client, upload_id, data, story(narrator)).status_code == 500
    answer = status(client, upload_id)
    assert (answer["state"], answer["error"]) == ("open", "")
    assert stored_files(settings) == []


def test_a_recording_the_station_refuses_after_probing_leaves_no_files(
    client, recorder, narrator, make_audio, attach_fails, settings
):
    # A station rule that looks at the probed recording (say, a story at most ten minutes).
    attach_fails.error = lambda: TooLong("故事录音最长十分钟", "a story may be at most ten minutes long")
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    assert refusal(commit(client, upload_id, data, story(narrator))) == (
        422,
        {"error": "too_long", "zh": "故事录音最长十分钟", "en": "a story may be at most ten minutes long"},
    )
    assert not AudioRecording.objects.exists()
    assert stored_files(settings) == []
    assert status(client, upload_id)["state"] == "failed"


def test_files_another_upload_of_the_same_bytes_kept_meanwhile_are_not_removed(
    client, recorder, narrator, make_audio, attach_fails, settings
):
    """This commit fails after its files were moved into place; before it removes them, the
    same file is taken in through the admin. Those paths now belong to that recording."""
    attach_fails.error = lambda: RuntimeError("the station record could not be written")
    client.raise_request_exception = False
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    other = []

    def the_admin_upload_lands(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not other and sql.upper().startswith("ROLLBACK TO SAVEPOINT"):
            other.append(None)
            other[0] = ingest.ingest(io.BytesIO(data), "admin.webm", "后台上传的")
        return result

    with connection.execute_wrapper(the_admin_upload_lands):
        assert commit(client, upload_id, data, story(narrator)).status_code == 500

    kept = AudioRecording.objects.get()
    assert kept.title == "后台上传的"
    assert (Path(settings.MEDIA_ROOT) / kept.original.name).read_bytes() == data
    assert (Path(settings.MEDIA_ROOT) / kept.derivative.name).exists()


def test_a_stored_recording_is_answered_as_stored_even_if_its_chunk_folder_cannot_be_removed(
    client, recorder, narrator, make_audio, monkeypatch
):
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    real_rmdir = os.rmdir

    def rmdir(path, *args, **kwargs):
        if kwargs.get("dir_fd") is None and Path(path) == folder_of(upload_id):
            raise PermissionError(13, "the folder is in use", str(path))
        return real_rmdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "rmdir", rmdir)
    response = commit(client, upload_id, data, story(narrator))
    assert response.status_code == 200, response.content
    assert response.json()["recording"] == AudioRecording.objects.get().pk


def test_a_commit_sent_again_is_answered_from_the_upload_with_one_query(
    client, recorder, narrator, make_audio, django_assert_num_queries
):
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    assert commit(client, upload_id, data, story(narrator)).status_code == 200
    session = UploadSession.objects.get(pk=upload_id)
    with django_assert_num_queries(1):  # the recording; the upload is not claimed again
        again = uploads.commit_upload(session, hashlib.sha256(data).hexdigest(), len(data), 1, "t", {})
    assert again == AudioRecording.objects.get()


def test_a_commit_that_waited_while_the_first_finished_answers_with_its_recording(
    client, recorder, narrator, make_audio
):
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    waiting = UploadSession.objects.get(pk=upload_id)  # read while the upload was still open
    assert commit(client, upload_id, data, story(narrator)).status_code == 200
    again = uploads.commit_upload(waiting, hashlib.sha256(data).hexdigest(), len(data), 1, "t", {})
    assert again == AudioRecording.objects.get()


@pytest.mark.parametrize("read", ["after", "before"], ids=["read after", "read before it finished"])
def test_a_finished_upload_whose_recording_was_deleted_never_answers_with_a_recording(read, recorder):
    upload_id = uuid.uuid4()
    UploadSession.objects.create(pk=upload_id, owner=recorder)
    before = UploadSession.objects.get(pk=upload_id)
    # Stored, then the recording deleted by a facilitator (the link is set to NULL).
    UploadSession.objects.filter(pk=upload_id).update(state=UploadState.DONE, recording=None)
    session = UploadSession.objects.get(pk=upload_id) if read == "after" else before
    with pytest.raises(uploads.UploadRefused):
        uploads.commit_upload(session, "0" * 64, 3, 1, "t", {})


def test_a_commit_interrupted_by_a_crash_is_taken_back_by_the_phones_retry(
    client, recorder, narrator, make_audio, clock
):
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    # What a server process killed mid-commit leaves: the claim was written, nothing else.
    UploadSession.objects.filter(pk=upload_id).update(state=UploadState.COMMITTING, updated_at=timezone.now())
    clock.shift(timedelta(minutes=5))  # may still be running (a request lives 120 s, nginx waits 300 s)
    response = commit(client, upload_id, data, story(narrator))
    assert (response.status_code, response.json()["error"]) == (202, "committing")
    clock.shift(timedelta(minutes=6))  # now surely cut off
    response = commit(client, upload_id, data, story(narrator))
    assert response.status_code == 200
    assert UploadSession.objects.get(pk=upload_id).state == UploadState.DONE
    assert AudioRecording.objects.filter(pk=response.json()["recording"]).exists()


def test_a_repeated_commit_after_the_recording_was_deleted_says_so_once_and_for_all(
    client, recorder, narrator, make_audio, clock
):
    data = make_audio("webm", seconds=1.0).read_bytes()
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, data)
    first = commit(client, upload_id, data, story(narrator))
    assert first.status_code == 200
    AudioRecording.objects.filter(pk=first.json()["recording"]).delete()
    again = commit(client, upload_id, data, story(narrator))
    assert (again.status_code, again.json()["error"]) == (410, "recording_deleted")
    assert again.json()["zh"] == "这段录音已经入库，后来被协作者删除了；手机上的录音还在，需要时请联系协作者"
    assert (
        again.json()["en"] == "this recording was stored and later deleted by a facilitator; the phone keeps its copy"
    )
    clock.shift(timedelta(hours=1))  # long past the time a commit may take: still no second life
    later = commit(client, upload_id, data, story(narrator))
    assert (later.status_code, later.json()["error"]) == (410, "recording_deleted")
    assert UploadSession.objects.get(pk=upload_id).state == UploadState.DONE
    assert not AudioRecording.objects.exists()


# --- the take redone, and the cleanup ---


def test_a_take_redone_before_any_chunk_arrived_is_forgotten(client, recorder):
    upload_id = uuid.uuid4()
    status(client, upload_id)  # the phone asked about it: the upload exists, no folder yet
    response = client.delete(f"/station/uploads/{upload_id}/")
    assert (response.status_code, response.json()) == (200, {"id": str(upload_id), "state": "discarded"})
    assert UploadSession.objects.get(pk=upload_id).state == UploadState.DISCARDED
    assert status(client, upload_id)["state"] == "discarded"


def test_a_take_redone_while_it_is_being_stored_leaves_no_recording(
    client, recorder, narrator, monkeypatch, make_audio, settings
):
    upload_id = uuid.uuid4()
    data = make_audio("webm", seconds=1.0).read_bytes()
    put(client, upload_id, 0, 0, data)
    prepare = ingest.prepare

    def redone_meanwhile(*args, **kwargs):
        uploads.discard(UploadSession.objects.get(pk=upload_id))
        return prepare(*args, **kwargs)

    monkeypatch.setattr(ingest, "prepare", redone_meanwhile)
    refused = commit(client, upload_id, data, story(narrator))
    assert (refused.status_code, refused.json()["error"]) == (410, "upload_discarded")
    assert not AudioRecording.objects.exists() and not StationRecording.objects.exists()
    assert UploadSession.objects.get(pk=upload_id).state == UploadState.DISCARDED
    assert stored_files(settings) == []


def test_a_refused_commit_of_a_take_redone_meanwhile_does_not_reopen_it(client, recorder, narrator, monkeypatch):
    upload_id = uuid.uuid4()
    put(client, upload_id, 0, 0, b"abc")
    assemble = uploads._assemble

    def redone_meanwhile(session_id, expected, size):
        uploads.discard(UploadSession.objects.get(pk=session_id))
        return assemble(session_id, expected, size)  # its chunks are gone: "missing"

    monkeypatch.setattr(uploads, "_assemble", redone_meanwhile)
    refused = commit(client, upload_id, b"abc", story(narrator))
    assert (refused.status_code, refused.json()["error"]) == (409, "missing_chunks")
    assert UploadSession.objects.get(pk=upload_id).state == UploadState.DISCARDED
    assert put(client, upload_id, 0, 0, b"abc").status_code == 410


def test_a_commit_finishing_marks_only_its_own_upload_done(client, recorder, narrator, make_audio):
    elsewhere = other_upload(recorder, UploadState.COMMITTING)  # another take, being stored now
    upload_id = uuid.uuid4()
    data = make_audio("webm", seconds=1.0).read_bytes()
    put(client, upload_id, 0, 0, data)
    assert commit(client, upload_id, data, story(narrator)).status_code == 200
    elsewhere.refresh_from_db()
    assert (elsewhere.state, elsewhere.recording_id) == (UploadState.COMMITTING, None)


def test_a_redo_that_read_the_upload_before_its_commit_finished_keeps_it_stored(client, recorder, narrator, make_audio):
    upload_id = uuid.uuid4()
    data = make_audio("webm", seconds=1.0).read_bytes()
    put(client, upload_id, 0, 0, data)
    read_before = UploadSession.objects.get(pk=upload_id)  # the DELETE's request read it "open"
    stored = commit(client, upload_id, data, story(narrator))
    assert stored.status_code == 200
    uploads.discard(read_before)
    assert UploadSession.objects.get(pk=upload_id).state == UploadState.DONE
    again = commit(client, upload_id, data, story(narrator))
    assert (again.status_code, again.json()["recording"]) == (200, stored.json()["recording"])


def test_a_commit_of_a_redone_take_is_refused_and_its_cleanup_forgets_it(client, recorder, narrator, clock):
    upload_id = uuid.uuid4()
    data = b"abcdef"
    put(client, upload_id, 0, 0, data)
    client.delete(f"/station/uploads/{upload_id}/")
    refused = commit(client, upload_id, data, story(narrator))
    assert (refused.status_code, refused.json()["error"]) == (410, "upload_discarded")
    assert not AudioRecording.objects.exists()
    clock.shift(timedelta(days=8))
    assert uploads.clean_stale(timedelta(days=7)) == 1
    assert not UploadSession.objects.filter(pk=upload_id).exists()


def age(folder: Path, days: float) -> None:
    """Set a folder's modification time ``days`` before the suite's clock."""
    then = time.time() - days * 86400
    os.utime(folder, (then, then))


def test_cleanup_removes_stale_uploads_and_leftover_folders_and_says_how_many(client, recorder, clock):
    stale = [uuid.uuid4(), uuid.uuid4()]
    for upload_id in stale:
        put(client, upload_id, 0, 0, b"old")
    asked_only = uuid.uuid4()
    status(client, asked_only)  # never sent a chunk: no folder
    finished = UploadSession.objects.create(pk=uuid.uuid4(), owner=recorder, state=UploadState.DONE)
    leftover = folder_of(finished.pk)  # kept after its commit (it could not be removed then)
    leftover.mkdir(parents=True)
    clock.shift(timedelta(days=8))

    fresh = uuid.uuid4()
    put(client, fresh, 0, 0, b"new")
    orphans = [folder_of(uuid.uuid4()) for _ in range(2)]
    for folder in orphans:
        folder.mkdir()
        age(folder, 30)
    for upload_id in stale:
        age(folder_of(upload_id), 8)
    age(leftover, 8)
    age(folder_of(fresh), 0)

    out = io.StringIO()
    call_command("recorder_uploads", "--clean", stdout=out)
    # Two stale uploads, one asked about only, two orphan folders, the finished upload's leftover.
    assert out.getvalue() == "已清理 6 个未完成的上传（removed 6 stale upload(s)）\n"
    assert set(UploadSession.objects.values_list("pk", flat=True)) == {fresh, finished.pk}
    assert sorted(p.name for p in uploads.partial_root().iterdir()) == [str(fresh)]


def test_cleanup_before_any_upload_ever_arrived_removes_nothing(recorder):
    assert not uploads.partial_root().exists()
    assert uploads.clean_stale(timedelta(days=7)) == 0


def test_a_leftover_folder_last_touched_exactly_at_the_cutoff_is_kept(recorder, clock):
    clock.move_to(NOW, tick=False)
    folder = folder_of(uuid.uuid4())
    folder.mkdir(parents=True)
    age(folder, 7)
    assert uploads.clean_stale(timedelta(days=7)) == 0
    assert folder.exists()
    clock.shift(timedelta(seconds=1))
    assert uploads.clean_stale(timedelta(days=7)) == 1
    assert not folder.exists()


def test_cleanup_carries_on_past_a_folder_it_cannot_remove(recorder, monkeypatch):
    stuck, other = folder_of(uuid.uuid4()), folder_of(uuid.uuid4())
    for folder in (stuck, other):
        folder.mkdir(parents=True)
        (folder / "000000-0.part").write_bytes(b"abc")
        age(folder, 30)
    real_rmdir = os.rmdir

    def rmdir(path, *args, **kwargs):
        if kwargs.get("dir_fd") is None and Path(path) == stuck:
            raise PermissionError(13, "the folder is in use", str(path))
        return real_rmdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "rmdir", rmdir)
    uploads.clean_stale(timedelta(days=7))
    assert not other.exists()
    assert list(stuck.iterdir()) == []

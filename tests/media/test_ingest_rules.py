"""What ingest promises beyond "the file is kept": where it is filed, what the uploader's
name becomes, how the size limit reads, and what is left behind when something goes wrong."""

import hashlib
import io
import os
from pathlib import Path

import av
import numpy as np
import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.db import IntegrityError, connection

from media import ingest
from media.exceptions import DuplicateRecording, EmptyAudio, NotAudio, TooLarge
from media.models import AudioRecording

from .. import factories as f

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def staged(settings) -> list[str]:
    """Everything in the staging folder, relative to it: a finished upload leaves nothing."""
    root = Path(settings.MEDIA_ROOT) / "tmp"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_kept_recording_is_filed_by_its_checksum_with_title_uploader_and_every_byte(make_audio, settings):
    # Twelve seconds of 48 kHz WAV are more than one read of the stream (1 MB).
    path = make_audio("wav", seconds=12.0)
    data = path.read_bytes()
    assert len(data) > MB
    elder = f.villager()
    digest = sha256(data)

    with path.open("rb") as stream:
        recording = ingest.ingest(stream, "外婆讲辣子鸡.wav", "外婆讲辣子鸡", uploaded_by=elder)

    recording.refresh_from_db()
    folder = f"recordings/{digest[:2]}/{digest}"
    assert recording.original.name == f"{folder}/original.wav"
    assert recording.derivative.name == f"{folder}/derivative.flac"
    assert (Path(settings.MEDIA_ROOT) / folder / "original.wav").read_bytes() == data
    assert (Path(settings.MEDIA_ROOT) / folder / "derivative.flac").read_bytes()[:4] == b"fLaC"
    assert recording.sha256 == digest and recording.size_bytes == len(data)
    assert (recording.title, recording.uploaded_by, recording.original_filename) == (
        "外婆讲辣子鸡",
        elder,
        "外婆讲辣子鸡.wav",
    )
    assert (recording.container, recording.channels, recording.sample_rate) == ("wav", 1, 48_000)
    # The private staging folder is gone: nothing waits in MEDIA_ROOT/tmp.
    assert staged(settings) == []


def test_an_upload_waits_in_the_archives_own_staging_folder_named_after_what_it_is(make_audio, settings):
    """Staged inside MEDIA_ROOT (the final move is a rename), in a folder recognisable as an
    upload, holding the original under the probed container's suffix, never the uploader's."""
    path = make_audio("ogg", seconds=1.0)
    with path.open("rb") as stream:
        prepared = ingest.prepare(stream, "elder.html")

    assert prepared.workdir.parent == Path(settings.MEDIA_ROOT) / "tmp"
    assert prepared.workdir.name.startswith("upload-")
    assert sorted(p.name for p in prepared.workdir.iterdir()) == ["derivative.flac", "original.ogg"]
    assert prepared.original.read_bytes() == path.read_bytes()
    assert prepared.filename == "elder.html"
    prepared.discard()
    assert staged(settings) == []


class Watched(io.BytesIO):
    """An upload stream that notes what the staging folder holds once its last byte is read."""

    def __init__(self, data: bytes, staging: Path):
        super().__init__(data)
        self.staging = staging
        self.seen: list[str] = []

    def read(self, size=-1):
        data = super().read(size)
        if not data and not self.seen:
            self.seen = sorted(p.name for p in self.staging.rglob("*") if p.is_file())
        return data


def test_while_bytes_arrive_they_are_written_under_a_neutral_name_not_the_uploaders(make_audio, settings):
    stream = Watched(make_audio("wav").read_bytes(), Path(settings.MEDIA_ROOT) / "tmp")
    prepared = ingest.prepare(stream, "elder.html")
    prepared.discard()
    assert stream.seen == ["received"]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\阿妹\\Desktop\\外婆.wav", "外婆.wav"),
        ("/sdcard/Recordings/外婆.m4a", "外婆.m4a"),
        ("../../etc/passwd", "passwd"),
        ("外婆\x00\x1b[31m.wav", "外婆[31m.wav"),
        ("\x00\x07\n", "recording"),
        ("", "recording"),
        ("长" * 300 + ".wav", "长" * 255),
    ],
    ids=["windows path", "phone path", "climbing path", "control characters", "only control", "empty", "too long"],
)
def test_the_uploaders_file_name_is_kept_only_as_a_short_printable_note(given, kept, make_audio):
    with make_audio("wav").open("rb") as stream:
        prepared = ingest.prepare(stream, given)
    prepared.discard()
    assert prepared.filename == kept


def test_a_recording_exactly_at_the_size_limit_is_kept_whether_announced_or_not(make_audio, settings):
    first, second = make_audio("wav", seconds=1.0), make_audio("wav", seconds=1.5)
    # Announced (a Django upload knows its size) and exactly at the limit.
    settings.RECORDING_MAX_BYTES = first.stat().st_size
    announced = SimpleUploadedFile("first.wav", first.read_bytes())
    assert ingest.ingest(announced, "first.wav", "整好").size_bytes == first.stat().st_size
    # Not announced (a bare stream), and exactly at the limit.
    settings.RECORDING_MAX_BYTES = second.stat().st_size
    bare = io.BytesIO(second.read_bytes())
    assert ingest.ingest(bare, "second.wav", "整好").size_bytes == second.stat().st_size
    assert AudioRecording.objects.count() == 2


def test_an_upload_announced_as_too_large_is_refused_unread_with_both_sizes_in_mb(make_audio, settings):
    settings.RECORDING_MAX_BYTES = 300 * MB
    data = make_audio("wav").read_bytes()
    # Django's upload handler says how large the file is before anything is read.
    upload = InMemoryUploadedFile(io.BytesIO(data), "upload", "huge.wav", "audio/wav", 700 * MB, None)

    with pytest.raises(TooLarge) as raised:
        ingest.ingest(upload, "huge.wav", "太大")

    assert raised.value.zh == "文件太大（700 MB），上限是 300 MB"
    assert raised.value.en == "the file is too large (700 MB; the limit is 300 MB)"
    assert upload.file.tell() == 0
    assert not AudioRecording.objects.exists() and staged(settings) == []


def test_an_endless_upload_is_cut_off_soon_after_the_limit_not_read_to_its_end(settings):
    settings.RECORDING_MAX_BYTES = 50_000
    stream = io.BytesIO(b"\0" * (8 * MB))
    with pytest.raises(TooLarge):
        ingest.prepare(stream, "endless.wav")
    # One read beyond the limit at most (reads are 1 MB), not the whole 8 MB.
    assert stream.tell() <= 2 * MB
    assert staged(settings) == []


def test_an_empty_upload_says_so_in_both_languages(settings):
    with pytest.raises(EmptyAudio) as raised:
        ingest.prepare(io.BytesIO(b""), "empty.wav")
    assert (raised.value.zh, raised.value.en) == ("文件是空的（0 字节）", "the file is empty (0 bytes)")
    assert staged(settings) == []


def aiff(path: Path) -> Path:
    """One second of a tone in AIFF: real audio that FFmpeg reads, in a container the archive does not keep."""
    tone = (0.3 * np.sin(2 * np.pi * 330 * np.arange(48_000) / 48_000) * 32767).astype(np.int16)
    with av.open(str(path), "w", format="aiff") as out:
        stream = out.add_stream("pcm_s16be", rate=48_000, layout="mono")
        frame = av.AudioFrame.from_ndarray(tone.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = 48_000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return path


def test_audio_in_a_container_the_archive_does_not_keep_is_refused_with_the_list_of_kept_ones(tmp_path, settings):
    path = aiff(tmp_path / "recorder.aiff")
    with path.open("rb") as stream, pytest.raises(NotAudio) as raised:
        ingest.ingest(stream, path.name, "苹果录音机")
    assert raised.value.zh == "这种文件格式不能存档，请上传 wav、flac、mp3、m4a、ogg 或 webm 录音"
    assert raised.value.en == "this container is not one the archive keeps; upload wav, flac, mp3, m4a, ogg or webm"
    assert not AudioRecording.objects.exists() and staged(settings) == []


@pytest.fixture
def staging_folders_cannot_be_removed(settings, monkeypatch):
    """The staging folder itself cannot be removed (a virus scanner or a network share holds
    it): its files go, the empty folder stays, and the upload's outcome must not change."""
    staging = Path(settings.MEDIA_ROOT) / "tmp"
    real_rmdir = os.rmdir

    def rmdir(path, *args, **kwargs):
        if kwargs.get("dir_fd") is None and Path(path).parent == staging:
            raise PermissionError(13, "the folder is in use", str(path))
        return real_rmdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "rmdir", rmdir)


@pytest.mark.usefixtures("staging_folders_cannot_be_removed")
def test_a_recording_is_kept_even_when_its_staging_folder_cannot_be_removed(make_audio, settings):
    path = make_audio("flac", seconds=1.0)
    with path.open("rb") as stream:
        recording = ingest.ingest(stream, "clip.flac", "留下")
    assert AudioRecording.objects.get().pk == recording.pk
    assert (Path(settings.MEDIA_ROOT) / recording.original.name).read_bytes() == path.read_bytes()


@pytest.mark.usefixtures("staging_folders_cannot_be_removed")
def test_a_refusal_stays_a_refusal_when_its_staging_folder_cannot_be_removed(settings):
    with pytest.raises(EmptyAudio):
        ingest.ingest(io.BytesIO(b""), "empty.wav", "空")
    assert not AudioRecording.objects.exists()


def test_when_the_same_bytes_are_kept_by_another_upload_meanwhile_this_one_is_a_duplicate(make_audio, settings):
    """Two uploads of one file pass the duplicate check together; the other one saves first.
    This one's save then fails (same checksum): it is refused as a duplicate (409, not a
    server error), and it must not delete the files the other recording now points to
    (the same paths, the same bytes)."""
    data = make_audio("mp3", seconds=1.5).read_bytes()
    mine = ingest.prepare(io.BytesIO(data), "mine.mp3")
    theirs = ingest.prepare(io.BytesIO(data), "theirs.mp3")
    other: list[AudioRecording] = []

    def the_other_upload_saves_first(execute, sql, params, many, context):
        # Right after this upload's duplicate check, as its transaction begins.
        if not other and sql.lstrip().upper().startswith(("SAVEPOINT", "BEGIN")):
            other.append(None)
            other[0] = ingest.commit(theirs, AudioRecording(title="先到的"))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(the_other_upload_saves_first), pytest.raises(DuplicateRecording) as refused:
        ingest.commit(mine, AudioRecording(title="后到的"))
    assert refused.value.existing == other[0] and isinstance(refused.value.__cause__, IntegrityError)

    kept = AudioRecording.objects.get()
    assert kept.title == "先到的"
    digest = sha256(data)
    folder = Path(settings.MEDIA_ROOT) / "recordings" / digest[:2] / digest
    assert (folder / "original.mp3").read_bytes() == data
    assert (folder / "derivative.flac").exists()
    assert staged(settings) == []


def test_the_same_bytes_again_are_refused_before_the_archives_copy_is_touched(make_audio, settings):
    """The kept original is never rewritten, not even with identical bytes: a fixity audit
    and a backup see the file they saw before (same inode, same modification time)."""
    data = make_audio("mp3", seconds=1.5).read_bytes()
    kept = ingest.ingest(io.BytesIO(data), "first.mp3", "第一次")
    original = Path(kept.original.path)
    before = original.stat()
    with pytest.raises(DuplicateRecording) as refused:
        ingest.ingest(io.BytesIO(data), "again.mp3", "又传一次")
    after = original.stat()
    assert refused.value.existing == kept
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert AudioRecording.objects.count() == 1 and staged(settings) == []

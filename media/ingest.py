"""Take an upload into the archive: all of it, checksummed and probed, or nothing."""

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import IntegrityError, transaction

from .decoding import AudioFacts, analyse
from .exceptions import DuplicateRecording, EmptyAudio, NotAudio, RecordingRejected, TooLarge
from .formats import audio_format
from .models import AudioRecording

CHUNK = 1024 * 1024


@dataclass
class PreparedRecording:
    """An upload that passed every check, waiting in a private temporary folder."""

    workdir: Path
    original: Path
    derivative: Path
    filename: str
    sha256: str
    size_bytes: int
    facts: AudioFacts

    def discard(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


def _metadata_name(filename: str) -> str:
    """The uploader's file name, kept only as a note (never a path): no control characters
    (PostgreSQL refuses NUL), at most 255 characters; templates escape it on display."""
    name = "".join(ch for ch in Path(str(filename).replace("\\", "/")).name if ch.isprintable())
    return name[:255] or "recording"


def _too_large(size: int, limit: int) -> TooLarge:
    return TooLarge(
        f"文件太大（{size / 1024**2:.0f} MB），上限是 {limit / 1024**2:.0f} MB",
        f"the file is too large ({size / 1024**2:.0f} MB; the limit is {limit / 1024**2:.0f} MB)",
    )


def staging_dir() -> Path:
    # Inside MEDIA_ROOT so the final move is a rename on one file system.
    path = Path(settings.MEDIA_ROOT) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def prepare(stream: BinaryIO, filename: str, declared_size: int | None = None) -> PreparedRecording:
    """Copy, hash and check an upload; raise :class:`RecordingRejected` if it cannot be kept."""
    limit = settings.RECORDING_MAX_BYTES
    if declared_size is not None and declared_size > limit:
        raise _too_large(declared_size, limit)
    workdir = Path(tempfile.mkdtemp(dir=staging_dir(), prefix="upload-"))
    try:
        # No suffix of the uploader's choosing: the stored name is set from the probed
        # container below, once FFmpeg has said what the bytes are.
        received = workdir / "received"
        digest = hashlib.sha256()
        size = 0
        with received.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _too_large(size, limit)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise EmptyAudio("文件是空的（0 字节）", "the file is empty (0 bytes)")
        derivative = workdir / "derivative.flac"
        facts = analyse(
            received,
            derivative,
            max_seconds=settings.RECORDING_MAX_SECONDS,
            silence_dbfs=settings.RECORDING_SILENCE_DBFS,
        )
        known = audio_format(facts.container)
        if known is None:
            raise NotAudio(
                "这种文件格式不能存档，请上传 wav、flac、mp3、m4a、ogg 或 webm 录音",
                "this container is not one the archive keeps; upload wav, flac, mp3, m4a, ogg or webm",
            )
        original = received.rename(workdir / f"original{known.suffix}")
        return PreparedRecording(
            workdir=workdir,
            original=original,
            derivative=derivative,
            filename=_metadata_name(filename),
            sha256=digest.hexdigest(),
            size_bytes=size,
            facts=facts,
        )
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def _fsync_replace(source: Path, target: Path) -> None:
    with source.open("rb") as handle:
        os.fsync(handle.fileno())
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def refuse_duplicate(prepared: PreparedRecording) -> None:
    existing = AudioRecording.objects.filter(sha256=prepared.sha256).first()
    if existing is not None:
        prepared.discard()
        raise DuplicateRecording(existing)


def commit(prepared: PreparedRecording, recording: AudioRecording) -> AudioRecording:
    """Move the checked files into place and save ``recording`` with what was learnt.

    The database row and the files appear together: if saving fails, the moved
    files are removed again and the archive is as it was.
    """
    refuse_duplicate(prepared)
    media_root = Path(settings.MEDIA_ROOT)
    folder = Path("recordings") / prepared.sha256[:2] / prepared.sha256
    original_name = str(folder / f"original{prepared.original.suffix}")
    derivative_name = str(folder / "derivative.flac")
    facts = prepared.facts
    recording.original.name = original_name
    recording.derivative.name = derivative_name
    recording.original_filename = prepared.filename
    recording.sha256 = prepared.sha256
    recording.size_bytes = prepared.size_bytes
    recording.container = facts.container
    recording.codec = facts.codec
    recording.channels = facts.channels
    recording.sample_rate = facts.sample_rate
    recording.duration = facts.duration
    recording.peak_dbfs = facts.peak_dbfs
    recording.waveform = facts.waveform
    moved: list[Path] = []
    try:
        with transaction.atomic():
            for source, name in ((prepared.original, original_name), (prepared.derivative, derivative_name)):
                _fsync_replace(source, media_root / name)
                moved.append(media_root / name)
            recording.save()
    except BaseException as error:
        # A concurrent upload of the same bytes may own these paths now: same
        # checksum, same content, so leave them to it.
        winner = AudioRecording.objects.filter(sha256=prepared.sha256).first()
        if winner is None:
            for path in moved:
                path.unlink(missing_ok=True)
        elif isinstance(error, IntegrityError):
            # Both passed refuse_duplicate at once and the other saved first: this one is a
            # duplicate like any other, not a server error.
            raise DuplicateRecording(winner) from error
        raise
    finally:
        prepared.discard()
    return recording


def ingest(stream: BinaryIO, filename: str, title: str, uploaded_by=None) -> AudioRecording:
    """Check and store one recording; raise :class:`RecordingRejected` and store nothing if it is refused."""
    size = getattr(stream, "size", None)
    prepared = prepare(stream, filename, declared_size=size)
    return commit(prepared, AudioRecording(title=title, uploaded_by=uploaded_by))


__all__ = ["PreparedRecording", "RecordingRejected", "commit", "ingest", "prepare"]

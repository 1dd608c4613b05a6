"""Recordings that arrive in chunks from a phone with a weak signal.

The protocol (README, "Recording station"):

* ``PUT  …/uploads/<id>/chunks/<index>?offset=<n>`` — one chunk; sending it again is
  harmless (same index, same bytes: the same file on disk, written atomically).
* ``GET  …/uploads/<id>/`` — which chunks, and how many contiguous bytes, the server has.
* ``POST …/uploads/<id>/commit`` — ``sha256``, ``size``, ``chunks`` (their number) and
  ``meta``: the server joins the chunks in order, checks size and SHA-256 against what
  the phone computed, and only then takes the file in through :mod:`media.ingest`, so
  every usual refusal applies. A commit sent twice answers with the same recording.

The phone chooses the id (a UUID), so it can record, and keep its chunks, before the
server is reachable. Partial uploads live under ``DATA_DIR/partial-uploads/<id>/``.
"""

import hashlib
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from . import ingest
from .exceptions import BilingualError, DuplicateRecording, RecordingRejected
from .models import AudioRecording, UploadSession, UploadState
from .tasks import start_transcription

CHUNK_NAME = re.compile(r"(\d{6})-(\d+)\.part$")
READ = 256 * 1024


class UploadRefused(BilingualError):
    """A chunk or commit the server cannot accept; nothing already received is lost."""

    code = "refused"
    status = 400


class ChunkRejected(UploadRefused):
    code = "bad_chunk"


class MissingChunks(UploadRefused):
    code = "missing_chunks"
    status = 409

    def __init__(self, missing: list[int]):
        self.missing = missing
        super().__init__(f"还缺 {len(missing)} 段录音没有收到", f"{len(missing)} chunk(s) have not arrived yet")


class ChecksumMismatch(UploadRefused):
    code = "checksum"
    status = 409

    def __init__(self):
        super().__init__(
            "服务器收到的录音与手机上的不一致，请重新发送",
            "the file the server assembled differs from the phone's copy",
        )


class StillCommitting(UploadRefused):
    code = "committing"
    status = 202

    def __init__(self):
        super().__init__("录音正在入库，请稍候", "the recording is being stored, ask again shortly")


class RecordingDeleted(UploadRefused):
    code = "recording_deleted"
    status = 410

    def __init__(self):
        super().__init__(
            "这段录音已经入库，后来被协作者删除了；手机上的录音还在，需要时请联系协作者",
            "this recording was stored and later deleted by a facilitator; the phone keeps its copy",
        )


class UploadDiscarded(UploadRefused):
    code = "upload_discarded"
    status = 410

    def __init__(self):
        super().__init__(
            "这一遍录音已经重录，旧的分段不再上传",
            "this take was redone; its chunks are no longer kept",
        )


class UploadInterrupted(UploadRefused):
    code = "interrupted"
    status = 503

    def __init__(self):
        super().__init__(
            "上传被打断了，手机会稍后重新发送这一段",
            "the upload's folder went away while this chunk arrived (the cleanup); send it again",
        )


# A commit is one web request: gunicorn ends it after WEB_TIMEOUT (120 s) and nginx waits 300 s
# at most. An upload still "committing" after this long was cut off (a crash, a restart, the
# OOM killer) and is taken back by the phone's next retry instead of answering "wait" for good.
ABANDONED_COMMIT = timedelta(minutes=10)


@dataclass
class Chunk:
    index: int
    offset: int
    size: int
    path: Path = field(repr=False)


def partial_root() -> Path:
    return Path(settings.DATA_DIR) / "partial-uploads"


def _folder(session_id: uuid.UUID) -> Path:
    return partial_root() / str(session_id)


def parse_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise ChunkRejected("上传编号不正确", "the upload id is not a UUID") from error


def open_session(session_id: uuid.UUID, user) -> UploadSession:
    """The user's session with this id, made on first use. Another user's id is not found."""
    session, _created = UploadSession.objects.get_or_create(pk=session_id, defaults={"owner": user})
    if session.owner_id != user.pk:
        raise UploadSession.DoesNotExist
    return session


def chunks(session_id: uuid.UUID) -> list[Chunk]:
    folder = _folder(session_id)
    found = []
    for path in folder.glob("*.part") if folder.is_dir() else ():
        match = CHUNK_NAME.fullmatch(path.name)
        if match:
            found.append(Chunk(int(match[1]), int(match[2]), path.stat().st_size, path))
    return sorted(found, key=lambda c: c.index)


def received_bytes(found: list[Chunk]) -> int:
    """Bytes the server holds without a gap from the start of the file."""
    end = 0
    for chunk in sorted(found, key=lambda c: c.offset):
        if chunk.offset > end:
            break
        end = max(end, chunk.offset + chunk.size)
    return end


def describe(session: UploadSession) -> dict:
    found = chunks(session.pk)
    return {
        "id": str(session.pk),
        "state": session.state,
        "received": received_bytes(found),
        "chunks": [[c.index, c.offset, c.size] for c in found],
        "recording": session.recording_id,
        "error": session.error,
    }


def write_chunk(session: UploadSession, index: int, offset: int, stream: BinaryIO, length: int | None) -> Chunk:
    """Store one chunk atomically; the same index sent again replaces it with the same bytes."""
    if session.state == UploadState.DISCARDED:
        raise UploadDiscarded()
    if session.state != UploadState.OPEN:
        raise ChunkRejected("这段录音已经收齐了", "this upload is already complete")
    if index < 0 or offset < 0 or index > 999_999:
        raise ChunkRejected("分段编号不正确", "the chunk index or offset is out of range")
    limit = settings.RECORDING_CHUNK_MAX_BYTES
    if length is not None and length > limit:
        raise ChunkRejected("这一段太大了", f"a chunk may hold at most {limit} bytes")
    if offset + (length or 0) > settings.RECORDING_MAX_BYTES:
        raise ChunkRejected("录音超过了大小上限", "the recording is larger than the upload limit")
    folder = _folder(session.pk)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except FileNotFoundError as gone:  # removed just now
        raise _folder_gone(session) from gone
    size = 0
    try:
        with os.fdopen(handle, "wb") as out:
            while data := stream.read(READ):
                size += len(data)
                if size > limit:
                    raise ChunkRejected("这一段太大了", f"a chunk may hold at most {limit} bytes")
                out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if length is not None and size != length:
            raise ChunkRejected("这一段没有收完整", "the chunk arrived incomplete")
        for old in folder.glob(f"{index:06d}-*.part"):
            old.unlink(missing_ok=True)
        target = folder / f"{index:06d}-{offset}.part"
        try:
            os.replace(temporary, target)
        except FileNotFoundError as gone:  # removed while this chunk arrived
            raise _folder_gone(session) from gone
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    # Touch the session so the cleanup command sees it is alive.
    if not UploadSession.objects.filter(pk=session.pk, state=UploadState.OPEN).update(updated_at=timezone.now()):
        if _redone(session):
            shutil.rmtree(folder, ignore_errors=True)  # redone after this request began: keep nothing
            raise UploadDiscarded()
    return Chunk(index, offset, size, target)


def _redone(session: UploadSession) -> bool:
    """Whether the take was redone since this request read its upload."""
    return UploadSession.objects.filter(pk=session.pk, state=UploadState.DISCARDED).exists()


def _folder_gone(session: UploadSession) -> UploadRefused:
    """Why an upload's folder went away under a chunk: the take was redone, or the cleanup
    took an upload untouched for days. Only the first lets the phone forget the take; in
    the second it sends the chunk again (the audio is never dropped on a guess)."""
    return UploadDiscarded() if _redone(session) else UploadInterrupted()


def _assemble(session_id: uuid.UUID, expected: int, size: int) -> tuple[Path, str]:
    found = chunks(session_id)
    have = {c.index: c for c in found}
    missing = [n for n in range(expected) if n not in have]
    if missing:
        raise MissingChunks(missing)
    position = 0
    for n in range(expected):
        if have[n].offset != position:
            raise MissingChunks([n])
        position += have[n].size
    if position != size:
        raise ChecksumMismatch()
    target = _folder(session_id) / "assembled.bin"
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for n in range(expected):
            with have[n].path.open("rb") as part:
                while data := part.read(READ):
                    digest.update(data)
                    out.write(data)
    return target, digest.hexdigest()


def _hooks():
    path = getattr(settings, "RECORDING_STATION_HOOKS", "")
    return import_string(path) if path else None


def commit_upload(
    session: UploadSession, sha256: str, size: int, expected_chunks: int, filename: str, meta: dict
) -> AudioRecording:
    """Join, verify and ingest; raise :class:`UploadRefused` or :class:`RecordingRejected`."""
    if session.state == UploadState.DONE and session.recording_id:
        return session.recording
    now = timezone.now()
    claimable = Q(state__in=[UploadState.OPEN, UploadState.FAILED]) | Q(
        state=UploadState.COMMITTING, updated_at__lt=now - ABANDONED_COMMIT
    )
    claimed = UploadSession.objects.filter(claimable, pk=session.pk).update(
        state=UploadState.COMMITTING, updated_at=now
    )
    if not claimed:
        session.refresh_from_db()
        if session.state == UploadState.DONE:
            if session.recording_id:
                return session.recording
            raise RecordingDeleted()  # not "wait": the phone would ask again forever
        if session.state == UploadState.DISCARDED:
            raise UploadDiscarded()
        raise StillCommitting()
    user = session.owner
    recording = None
    try:
        hooks = _hooks()
        meta = hooks.clean(meta, user) if hooks else meta
        assembled, digest = _assemble(session.pk, expected_chunks, size)
        if digest != sha256.lower():
            raise ChecksumMismatch()
        with assembled.open("rb") as stream:
            prepared = ingest.prepare(stream, filename, declared_size=size)
        title = str(meta.get("title") or timezone.localtime().strftime("录音 %Y-%m-%d %H:%M"))[:255]
        # The recording, the station's record of it and the session's "done" are one
        # transaction: when the hook fails, none of them stays behind (a recording with no
        # station record, a session stuck in "committing") and the phone's retry starts over.
        with transaction.atomic():
            recording = ingest.commit(prepared, AudioRecording(title=title, uploaded_by=user))
            if hooks:
                hooks.attach(recording, meta, user)
            done = UploadSession.objects.filter(pk=session.pk, state=UploadState.COMMITTING).update(
                state=UploadState.DONE, recording=recording, meta=meta, error="", updated_at=timezone.now()
            )
            if not done:  # the take was redone while it was being stored: nothing of it stays
                raise UploadDiscarded()
            if settings.TRANSCRIBE_ON_UPLOAD:
                start_transcription(recording, user=user)
    except DuplicateRecording as error:
        _settle(session, UploadState.FAILED, error=error.message)
        raise
    except (UploadRefused, RecordingRejected) as error:
        # Keep the chunks for a bad checksum or a missing chunk: the phone sends again.
        _forget_files(recording)
        _settle(session, UploadState.OPEN if isinstance(error, UploadRefused) else UploadState.FAILED, error.message)
        raise
    except BaseException:
        _forget_files(recording)
        _settle(session, UploadState.OPEN, "")
        raise
    shutil.rmtree(_folder(session.pk), ignore_errors=True)
    session.refresh_from_db()
    return recording


def _forget_files(recording: AudioRecording | None) -> None:
    """The files :func:`ingest.commit` moved into place for a row that was rolled back;
    kept when another row (an upload of the same bytes) owns them."""
    if recording is None or AudioRecording.objects.filter(sha256=recording.sha256).exists():
        return
    for stored in (recording.original, recording.derivative):
        if stored.name:
            stored.storage.delete(stored.name)


def _settle(session: UploadSession, state: str, error: str) -> None:
    """A failed commit's outcome, unless the take was redone meanwhile (that stays)."""
    UploadSession.objects.filter(pk=session.pk).exclude(state=UploadState.DISCARDED).update(
        state=state, error=error, updated_at=timezone.now()
    )


def discard(session: UploadSession) -> None:
    """The take was redone: forget its chunks (a stored recording stays).

    The session stays, marked, until the cleanup: a chunk of the old take still on its way
    is refused instead of starting the upload afresh under the same id.
    """
    shutil.rmtree(_folder(session.pk), ignore_errors=True)
    # Decided on the row as it is now: a commit may have finished since this request read it.
    UploadSession.objects.filter(pk=session.pk).exclude(state=UploadState.DONE).update(
        state=UploadState.DISCARDED, error="", updated_at=timezone.now()
    )


def clean_stale(older_than: timedelta) -> int:
    """Remove unfinished uploads untouched for ``older_than`` and folders without a session."""
    cutoff = timezone.now() - older_than
    stale = UploadSession.objects.exclude(state=UploadState.DONE).filter(updated_at__lt=cutoff)
    removed = 0
    for session in stale:
        shutil.rmtree(_folder(session.pk), ignore_errors=True)
        session.delete()
        removed += 1
    root = partial_root()
    open_ids = {str(pk) for pk in UploadSession.objects.exclude(state=UploadState.DONE).values_list("pk", flat=True)}
    for folder in root.iterdir() if root.is_dir() else ():
        modified = datetime.fromtimestamp(folder.stat().st_mtime, tz=UTC)
        if folder.name not in open_ids and modified < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed

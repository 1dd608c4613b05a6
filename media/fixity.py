"""Fixity: are the files on disk still the bytes the archive recorded?

Every recording's original (sha256 recorded at ingest) and its derivative (sha256
recorded when it was saved, or on its first audit), every Wagtail image and document
that carries Wagtail's own ``file_hash`` (sha1), re-hashed while streaming, so a 4-hour
recording never sits in memory. Each audit is kept with one row per file found
missing, changed or unreadable (``FixityAudit``, ``FixityProblem``).
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from .models import AudioRecording, FixityAudit, FixityProblem, FixityProblemKind

CHUNK = 1024 * 1024


def hash_file(path: Path, algorithm: str = "sha256", progress: Callable[[int], None] | None = None) -> str:
    """The hex digest of ``path``, read in 1 MiB chunks; ``progress`` is told each chunk's size."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if progress is not None:
                progress(len(chunk))
    return digest.hexdigest()


@dataclass(frozen=True)
class Target:
    """One file to check: what it belongs to, where it is and the checksum on record."""

    subject: str
    name: str  # storage name, relative to MEDIA_ROOT
    algorithm: str
    expected: str  # empty: nothing recorded yet
    record: Callable[[str], None] | None = None  # stores a first checksum when none was recorded

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.name


def _recording_targets() -> Iterator[Target]:
    rows = AudioRecording.objects.order_by("pk").values_list("pk", "title", "original", "sha256")
    for pk, title, original, sha256 in rows.iterator():
        yield Target(f"录音 #{pk}《{title}》原始文件", original, "sha256", sha256)
    for pk, title, derivative, derivative_sha256 in (
        AudioRecording.objects.exclude(derivative="")
        .order_by("pk")
        .values_list("pk", "title", "derivative", "derivative_sha256")
        .iterator()
    ):

        def record(digest: str, pk=pk) -> None:
            AudioRecording.objects.filter(pk=pk, derivative_sha256="").update(derivative_sha256=digest)

        yield Target(f"录音 #{pk}《{title}》16 kHz 副本", derivative, "sha256", derivative_sha256, record)


def _wagtail_targets(model, label: str) -> Iterator[Target]:
    # Wagtail records file_hash (sha1) on upload through its own forms; files added by
    # code may have none, and are counted as unhashed rather than trusted blindly.
    for pk, title, name, file_hash in model.objects.order_by("pk").values_list("pk", "title", "file", "file_hash"):
        yield Target(f"{label} #{pk}《{title}》", name, "sha1", file_hash or "")


def targets() -> Iterator[Target]:
    yield from _recording_targets()
    yield from _wagtail_targets(get_image_model(), "图片")
    yield from _wagtail_targets(get_document_model(), "文档")


def derivative_checksum(recording: AudioRecording) -> str:
    """The derivative's sha256, for recording beside the original's (empty when there is no file)."""
    if not recording.derivative.name:
        return ""
    path = Path(settings.MEDIA_ROOT) / recording.derivative.name
    return hash_file(path) if path.is_file() else ""


def record_derivative_checksum(sender, instance: AudioRecording, raw: bool = False, **kwargs) -> None:
    """pre_save: a recording saved with a derivative and no checksum for it gets one.

    Ingest moves the derivative into place before saving the row, so new recordings
    have their derivative's checksum from the start, as the original has.
    """
    if not raw and not instance.derivative_sha256:
        instance.derivative_sha256 = derivative_checksum(instance)


def _size(target: Target) -> int:
    try:
        return target.path.stat().st_size
    except OSError:
        return 0


def run_audit(progress_factory: Callable[[int], Callable[[int], None]] | None = None) -> FixityAudit:
    """Check every target and keep the audit; ``progress_factory(total_bytes)`` returns a per-chunk callback."""
    audit = FixityAudit.objects.create(started_at=timezone.now())
    found = list(targets())
    progress = progress_factory(sum(_size(t) for t in found if t.expected or t.record)) if progress_factory else None
    problems: list[FixityProblem] = []

    def problem(target: Target, kind: str, found_digest: str = "", detail: str = "") -> None:
        problems.append(
            FixityProblem(
                audit=audit,
                kind=kind,
                subject=target.subject[:255],
                path=target.name[:500],
                algorithm=target.algorithm,
                expected=target.expected,
                found=found_digest,
                detail=detail[:255],
            )
        )

    for target in found:
        if not target.expected and target.record is None:
            audit.unhashed += 1
            continue
        if not target.name or not target.path.is_file():
            problem(target, FixityProblemKind.MISSING)
            continue
        try:
            digest = hash_file(target.path, target.algorithm, progress)
        except OSError as error:
            problem(target, FixityProblemKind.UNREADABLE, detail=str(error))
            continue
        audit.files_checked += 1
        audit.bytes_checked += _size(target)
        if not target.expected:
            target.record(digest)
            audit.newly_recorded += 1
        elif digest != target.expected:
            problem(target, FixityProblemKind.CHANGED, digest)
    with transaction.atomic():
        FixityProblem.objects.bulk_create(problems)
        audit.problem_count = len(problems)
        audit.finished_at = timezone.now()
        audit.save()
    return audit


def latest_audit() -> FixityAudit | None:
    return FixityAudit.objects.filter(finished_at__isnull=False).first()

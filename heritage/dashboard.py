"""What a facilitator has to do today, as plain queries the admin dashboard shows.

Each function answers one question and already passes the consent gate: a recording,
transcript or file whose narrator withdrew archive consent is counted but never named
(media.access.withheld is the rule for recordings, heritage.consent for narrators).
Kits waiting for approval are the stories app's (stories/approval.py): heritage does
not import stories.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from media.access import withheld
from media.fixity import latest_audit
from media.models import FixityAudit, JobStatus, Transcript, TranscriptionJob

from .models import Consent, ConsentChange, ConsentChangeAction, ConsentScope, Narrator

WITHHELD = "（讲述人已撤回存档同意，不显示标题）"
RECENT = timedelta(days=30)


@dataclass(frozen=True)
class Transcribing:
    recording_id: int
    title: str
    status: str
    progress: float


@dataclass(frozen=True)
class ToReview:
    recording_id: int
    title: str
    unreviewed: int
    segments: int


@dataclass(frozen=True)
class Hidden:
    """How many items a panel left out because their narrator withdrew archive consent."""

    count: int


def recordings_transcribing() -> tuple[list[Transcribing], Hidden]:
    """Recordings queued or being transcribed, with the job's progress (latest job of each)."""
    jobs = TranscriptionJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).select_related("recording")
    latest = {}
    for job in jobs.order_by("recording_id", "-created_at", "-pk"):
        latest.setdefault(job.recording_id, job)
    hidden = withheld(latest)
    rows = [
        Transcribing(job.recording_id, job.recording.title, job.get_status_display(), job.progress)
        for pk, job in sorted(latest.items())
        if pk not in hidden
    ]
    return rows, Hidden(len(hidden))


def transcripts_to_review() -> tuple[list[ToReview], Hidden]:
    """Transcripts with sentences no person has reviewed yet, most unreviewed first."""
    transcripts = (
        Transcript.objects.annotate(
            total=Count("segments"), unreviewed=Count("segments", filter=Q(segments__reviewed=False))
        )
        .filter(unreviewed__gt=0)
        .exclude(recording__transcription_jobs__status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .select_related("recording")
    )
    found = {t.recording_id: t for t in transcripts}
    hidden = withheld(found)
    rows = [
        ToReview(t.recording_id, t.recording.title, t.unreviewed, t.total)
        for pk, t in found.items()
        if pk not in hidden
    ]
    rows.sort(key=lambda row: (-row.unreviewed, row.recording_id))
    return rows, Hidden(len(hidden))


def pending_consents() -> list[Consent]:
    """Re-grants waiting for a facilitator to check their evidence (heritage.consent_log)."""
    return list(Consent.objects.pending().select_related("narrator").order_by("given_at"))


def recent_consent_changes(days: timedelta = RECENT) -> list[ConsentChange]:
    """Withdrawals and confirmations of the last 30 days: what may have to be taken down or put back."""
    since = timezone.now() - days
    return list(
        ConsentChange.objects.filter(
            changed_at__gte=since, action__in=[ConsentChangeAction.WITHDRAW, ConsentChangeAction.CONFIRM]
        ).select_related("narrator", "changed_by")[:20]
    )


def narrators_without_archive_consent() -> int:
    return Narrator.objects.lacking_consent(ConsentScope.ARCHIVE).count()


_RECORDING_SUBJECT = re.compile(r"^录音 #(\d+)")


@dataclass(frozen=True)
class FixityFailure:
    kind: str
    subject: str
    path: str


def fixity_failures(shown: int = 50) -> tuple[FixityAudit | None, list[FixityFailure]]:
    """The latest audit and the files it found missing, changed or unreadable.

    A problem's subject names the recording's title; a withheld recording is shown by
    its number only, and its path (which may carry the uploaded file's name) not at all.
    """
    audit = latest_audit()
    if audit is None:
        return None, []
    problems = list(audit.problems.all()[:shown])
    ids = {int(m.group(1)) for p in problems if (m := _RECORDING_SUBJECT.match(p.subject))}
    hidden = withheld(ids)
    failures = []
    for problem in problems:
        match = _RECORDING_SUBJECT.match(problem.subject)
        if match and int(match.group(1)) in hidden:
            failures.append(FixityFailure(problem.get_kind_display(), f"录音 #{match.group(1)}{WITHHELD}", "—"))
        else:
            failures.append(FixityFailure(problem.get_kind_display(), problem.subject, problem.path))
    return audit, failures

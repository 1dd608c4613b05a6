"""Where each recording's transcription stands, in the one shape every progress view answers with.

The station (its page and 我的录音) and the admin's recording list poll for this every few
seconds, so a job's progress shows as the worker writes it, not "排队中 0%" until a reload.
Who may ask about which recording is the views' business; this module only reads.
"""

from .models import JobStatus, TranscriptionJob

RUNNING = (JobStatus.QUEUED, JobStatus.RUNNING)
# A poll asks about a page's worth of recordings at most (the station lists 100, the admin 20).
MAX_IDS = 100


def job_state(job: TranscriptionJob | None) -> dict | None:
    """One job as JSON: its status, label, progress and the error a person can act on."""
    if job is None:
        return None
    return {
        "status": job.status,
        "label": job.get_status_display(),
        "progress": job.progress,
        "error": job.error,
        "engine": job.engine,
    }


def parse_ids(values) -> list[int]:
    """Recording ids from a query string (``?id=1&id=2`` or ``?ids=1,2``); junk is dropped."""
    ids = []
    for value in values:
        ids += [int(part) for part in str(value).split(",") if part.strip().isdigit()]
    return list(dict.fromkeys(ids))[:MAX_IDS]


def latest_jobs(recording_ids) -> dict[int, TranscriptionJob]:
    """The newest job of each recording (the one its list shows), in one query."""
    latest: dict[int, TranscriptionJob] = {}
    for job in TranscriptionJob.objects.filter(recording_id__in=list(recording_ids)).order_by("-created_at", "-pk"):
        latest.setdefault(job.recording_id, job)
    return latest


def progress(recording_ids) -> list[dict]:
    """For each recording: its id, its latest job, the words to show and whether polling may stop."""
    jobs = latest_jobs(recording_ids)
    answer = []
    for pk in recording_ids:
        job = jobs.get(pk)
        answer.append(
            {
                "id": pk,
                "job": job_state(job),
                "text": job.summary if job else "—",
                "finished": job is None or job.status not in RUNNING,
            }
        )
    return answer

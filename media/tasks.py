"""The media app's background tasks, and the one way to queue a transcription.

``start_transcription`` lives beside the task it queues, so the job runner
(transcription/jobs.py) never imports this module back (issue 10: no import circles).
"""

from django.conf import settings
from django.db import transaction
from django_tasks import task

from .models import AudioRecording, TranscriptionJob
from .transcription.jobs import run_job


@task()
def transcribe_recording(job_id: int) -> str:
    """Transcribe one recording with Whisper (see media.transcription.jobs.run_job)."""
    return run_job(job_id)


def start_transcription(
    recording: AudioRecording,
    engine: str | None = None,
    model: str | None = None,
    language: str | None = None,
    user=None,
) -> TranscriptionJob:
    """Queue a run of Whisper over ``recording``; it starts once the current transaction commits."""
    job = TranscriptionJob.objects.create(
        recording=recording,
        engine=engine or settings.TRANSCRIPTION_ENGINE,
        model_name=model or "base",
        language=language or settings.TRANSCRIPTION_LANGUAGE,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
    )
    transaction.on_commit(lambda: transcribe_recording.enqueue(job.pk))
    return job

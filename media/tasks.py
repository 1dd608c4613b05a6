from django_tasks import task

from .transcription.jobs import run_job


@task()
def transcribe_recording(job_id: int) -> str:
    """Transcribe one recording with Whisper (see media.transcription.jobs.run_job)."""
    return run_job(job_id)

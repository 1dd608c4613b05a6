"""Transcription as a background job: queued → running (progress %) → done / failed."""

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ..exceptions import RecordingRejected
from ..models import JobStatus, TranscriptionJob
from .glossary import item_terms
from .service import transcribe
from .store import store_machine_transcript
from .weights import ModelMissing

logger = logging.getLogger(__name__)


def _fail(job: TranscriptionJob, message: str) -> None:
    TranscriptionJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error=message, finished_at=timezone.now()
    )


def run_job(job_id: int) -> str:
    """Run one job. Safe to retry: a failure leaves the previous transcript as it was."""
    job = TranscriptionJob.objects.select_related("recording").get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job.status
    TranscriptionJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, progress=0.0, error="", started_at=timezone.now(), finished_at=None
    )
    last = [0.0]

    def progress(percent: float) -> None:
        if percent - last[0] >= 1.0:
            last[0] = percent
            TranscriptionJob.objects.filter(pk=job.pk).update(progress=round(percent, 1))

    recording = job.recording
    source = Path(settings.MEDIA_ROOT) / (recording.derivative.name or recording.original.name)
    try:
        terms = item_terms(recording)
        result = transcribe(
            source,
            engine=job.engine,
            model=None if job.model_name == "base" else job.model_name,
            language=job.language,
            terms=terms,
            on_progress=progress,
        )
        # The same terms offer alternatives for the words Whisper was unsure of.
        store_machine_transcript(recording, result, terms)
    except (ModelMissing, RecordingRejected) as error:
        _fail(job, error.message)
        return JobStatus.FAILED
    except Exception as error:
        logger.exception("transcription job %s failed", job.pk)
        _fail(job, f"转写失败，原有文字稿保持不变：{error}（transcription failed, the previous transcript is kept）")
        return JobStatus.FAILED
    TranscriptionJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        progress=100.0,
        finished_at=timezone.now(),
        audio_seconds=result.audio_seconds,
        elapsed_seconds=result.elapsed_seconds,
    )
    return JobStatus.DONE

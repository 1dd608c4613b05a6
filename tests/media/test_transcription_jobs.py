"""Transcription as a job: progress, results, retries, reviewed text kept, exports, the command line."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from heritage.models import GlossaryTerm
from media.ingest import ingest
from media.models import JobStatus, TranscriptionJob, TranscriptRevision
from media.tasks import start_transcription
from media.transcription import exports

from .. import factories as f
from .conftest import demo_clip

pytestmark = [pytest.mark.usefixtures("whisper_models"), pytest.mark.django_db]


@pytest.fixture
def recording(demo_terms):
    for term in demo_terms:
        GlossaryTerm.objects.create(term=term)
    audio, _ = demo_clip("li-guifen-married-into-libei")
    with audio.open("rb") as stream:
        return ingest(stream, audio.name, "嫁到立碑村的那一年")


def run(recording, **options) -> TranscriptionJob:
    from django.db import transaction

    with transaction.atomic():
        job = start_transcription(recording, **options)
    job.refresh_from_db()
    return job


def test_a_job_runs_to_done_and_stores_clean_segments(recording, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_transcription(recording)
    job.refresh_from_db()
    assert (job.status, job.progress, job.error) == (JobStatus.DONE, 100.0, "")
    assert job.audio_seconds == pytest.approx(recording.duration, abs=0.1) and job.elapsed_seconds > 0
    segments = list(recording.transcript.segments.all())
    assert len(segments) >= 3 and not any(s.reviewed for s in segments)
    assert "立碑村" in "".join(s.text for s in segments)
    assert [s.position for s in segments] == list(range(len(segments)))
    assert TranscriptRevision.objects.filter(transcript=recording.transcript, source="machine").count() == 1


def test_progress_is_reported_as_segments_arrive(recording, django_capture_on_commit_callbacks, monkeypatch):
    seen = []
    original = TranscriptionJob.objects.filter

    def spy(*args, **kwargs):
        queryset = original(*args, **kwargs)
        update = queryset.update

        def record(**values):
            if "progress" in values and values.get("status") is None:
                seen.append(values["progress"])
            return update(**values)

        queryset.update = record
        return queryset

    monkeypatch.setattr(TranscriptionJob.objects, "filter", spy)
    with django_capture_on_commit_callbacks(execute=True):
        start_transcription(recording)
    assert len(seen) >= 2 and seen == sorted(seen) and 0 < seen[0] < 100


def test_a_rerun_keeps_what_a_person_reviewed(recording, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start_transcription(recording)
    first = recording.transcript.segments.first()
    first.text, first.reviewed, first.speaker = "我是一九七八年嫁到立碑村来的。", True, "李桂芬"
    first.save()
    with django_capture_on_commit_callbacks(execute=True):
        start_transcription(recording)
    segments = list(recording.transcript.segments.all())
    kept = [s for s in segments if s.reviewed]
    assert [(s.pk, s.text, s.speaker) for s in kept] == [(first.pk, "我是一九七八年嫁到立碑村来的。", "李桂芬")]
    # Nothing the machine wrote overlaps the reviewed sentence, and order follows time.
    assert all(s.end <= first.start + 0.05 or s.start >= first.end - 0.05 for s in segments if s.pk != first.pk)
    assert [s.start for s in segments] == sorted(s.start for s in segments)


def test_a_failed_run_keeps_the_previous_transcript_and_says_why(recording, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start_transcription(recording)
    before = list(recording.transcript.segments.values_list("text", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        job = start_transcription(recording, model="/nonexistent/model")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "找不到模型" in job.error and "model not found" in job.error
    assert list(recording.transcript.segments.values_list("text", flat=True)) == before
    # Retrying with a model that exists succeeds.
    with django_capture_on_commit_callbacks(execute=True):
        retry = start_transcription(recording)
    retry.refresh_from_db()
    assert retry.status == JobStatus.DONE


def test_exports_carry_every_segment(recording, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start_transcription(recording)
    transcript = recording.transcript
    segments = list(transcript.segments.all())
    vtt = exports.to_webvtt(transcript)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:") and vtt.count(" --> ") == len(segments)
    srt = exports.to_srt(transcript)
    assert srt.startswith("1\n00:00:") and "," in srt.splitlines()[1]
    assert exports.to_text(transcript).splitlines() == [s.text for s in segments]
    data = json.loads(exports.to_json(transcript))
    assert data["sha256"] == recording.sha256 and len(data["segments"]) == len(segments)


def test_visitors_get_captions_and_downloads_only_for_stories_they_may_see(recording, client, clock):
    f.transcript(recording, ["第一句。", "第二句。"])
    _, index = f.site_tree()
    public = f.item(index, narrators=[f.full_consent()], recording=recording)
    response = client.get(f"/archive-audio/{public.pk}/transcript.vtt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/vtt")
    assert "第一句。" in response.content.decode()
    assert 'kind="captions"' in client.get(public.url).content.decode()
    # The narrator withdraws public consent, dated two days ahead (the record is kept, as in life).
    consent = public.narrators[0].consents.get(scope="public")
    consent.withdrawn_at = timezone.now() + timedelta(days=2)
    consent.save()
    assert client.get(f"/archive-audio/{public.pk}/transcript.txt").status_code == 200
    clock.shift(timedelta(days=3))
    for fmt in ("vtt", "srt", "txt", "json"):
        assert client.get(f"/archive-audio/{public.pk}/transcript.{fmt}").status_code == 404


def test_the_command_line_prints_one_json_object(recording, capsys):
    call_command("transcribe", str(recording.pk), "--json")
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert set(data) == {
        "text",
        "language",
        "segments",
        "engine",
        "model",
        "audio_seconds",
        "load_seconds",
        "elapsed_seconds",
        "reheard",
    }
    assert data["engine"] == "faster-whisper" and data["model"] == "base" and data["language"] == "zh"
    assert set(data["segments"][0]) == {"start", "end", "text", "confidence", "words"}
    assert 0 < data["segments"][0]["confidence"] <= 1 and "立碑村" in data["text"]
    words = data["segments"][0]["words"]  # each word as written, with the model's probability
    assert words and all(set(w) == {"text", "probability"} and 0 <= w["probability"] <= 1 for w in words)
    assert "100%" in captured.err


def test_the_command_line_explains_bad_input(tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        call_command("transcribe", str(tmp_path / "missing.wav"))
    with pytest.raises(CommandError, match="no recording with id 999"):
        call_command("transcribe", "999")
    text = tmp_path / "notes.wav"
    text.write_text("不是录音")
    with pytest.raises(CommandError, match="not an audio file"):
        call_command("transcribe", str(text))


def test_whisper_models_lists_both_engines(capsys):
    call_command("whisper_models")
    out = capsys.readouterr().out
    assert "faster-whisper" in out and "openai-whisper" in out and "ready" in out

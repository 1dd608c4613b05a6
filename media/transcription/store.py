"""Save a machine transcript without losing what people did."""

from collections.abc import Iterable

from django.db import transaction

from ..models import AudioRecording, Transcript, TranscriptRevision, TranscriptSegment
from .service import Transcription
from .word_marks import known_corrections, word_rows


def snapshot(transcript: Transcript) -> list[dict]:
    return list(
        transcript.segments.order_by("position").values(
            "position",
            "start",
            "end",
            "text",
            "speaker",
            "reviewed",
            "low_confidence",
            "avg_logprob",
            "no_speech_prob",
            "words",
        )
    )


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return min(a_end, b_end) - max(a_start, b_start) > 0.05


@transaction.atomic
def store_machine_transcript(recording: AudioRecording, result: Transcription, terms: Iterable[str] = ()) -> Transcript:
    """Replace the machine's segments with ``result``; reviewed segments stay exactly as they are.

    Each segment keeps its words, with alternatives for the unsure ones from ``terms`` (the
    recording's glossary terms) and the corrections facilitators made before (word_marks.py).

    Machine segments that overlap a reviewed one in time are left out: the person's
    version of that stretch of audio wins.
    """
    transcript, _ = Transcript.objects.select_for_update().get_or_create(recording=recording)
    transcript.segments.filter(reviewed=False).delete()
    reviewed = list(transcript.segments.order_by("start"))
    terms, corrections = list(terms), known_corrections()
    new = [
        TranscriptSegment(
            transcript=transcript,
            start=s.start,
            end=s.end,
            text=s.text,
            avg_logprob=s.avg_logprob,
            no_speech_prob=s.no_speech_prob,
            low_confidence=s.low_confidence,
            words=word_rows(s, terms, corrections),
        )
        for s in result.segments
        if not any(_overlaps(s.start, s.end, r.start, r.end) for r in reviewed)
    ]
    # Positions are unique: park the kept segments out of the way, then number everything in time order.
    offset = 1_000_000
    for n, segment in enumerate(reviewed):
        segment.position = offset + n
    TranscriptSegment.objects.bulk_update(reviewed, ["position"])
    ordered = sorted(reviewed + new, key=lambda s: (s.start, s.end))
    for n, segment in enumerate(ordered):
        segment.position = n
    TranscriptSegment.objects.bulk_update(reviewed, ["position"])
    TranscriptSegment.objects.bulk_create(new)
    transcript.language = result.language
    transcript.engine = result.engine
    transcript.model_name = result.model
    transcript.save()
    TranscriptRevision.objects.create(transcript=transcript, source="machine", segments=snapshot(transcript))
    return transcript

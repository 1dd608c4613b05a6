"""A transcript as WebVTT, SRT, plain text or JSON."""

import json

from django.http import HttpResponse

from ..models import Transcript


def _stamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _rows(transcript: Transcript):
    return transcript.segments.order_by("position").values_list("start", "end", "text", "speaker", "reviewed")


def _line(text: str, speaker: str) -> str:
    # A cue's text must not contain a blank line or "-->" (WebVTT §4.1).
    text = " ".join(text.split()).replace("-->", "→")
    return f"{speaker}：{text}" if speaker else text


def to_webvtt(transcript: Transcript) -> str:
    cues = [
        f"{n}\n{_stamp(start, '.')} --> {_stamp(end, '.')}\n{_line(text, speaker)}"
        for n, (start, end, text, speaker, _) in enumerate(_rows(transcript), start=1)
    ]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def to_srt(transcript: Transcript) -> str:
    cues = [
        f"{n}\n{_stamp(start, ',')} --> {_stamp(end, ',')}\n{_line(text, speaker)}"
        for n, (start, end, text, speaker, _) in enumerate(_rows(transcript), start=1)
    ]
    return "\n\n".join(cues) + "\n"


def to_text(transcript: Transcript) -> str:
    return "\n".join(_line(text, speaker) for _, _, text, speaker, _ in _rows(transcript)) + "\n"


def to_json(transcript: Transcript) -> str:
    recording = transcript.recording
    return json.dumps(
        {
            "recording": recording.title,
            "sha256": recording.sha256,
            "duration": recording.duration,
            "language": transcript.language,
            "engine": transcript.engine,
            "model": transcript.model_name,
            "segments": [
                {"start": start, "end": end, "text": text, "speaker": speaker, "reviewed": reviewed}
                for start, end, text, speaker, reviewed in _rows(transcript)
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


FORMATS = {
    "vtt": (to_webvtt, "text/vtt; charset=utf-8"),
    "srt": (to_srt, "application/x-subrip; charset=utf-8"),
    "txt": (to_text, "text/plain; charset=utf-8"),
    "json": (to_json, "application/json; charset=utf-8"),
}


def export_response(transcript: Transcript, fmt: str, filename: str, download: bool = True) -> HttpResponse:
    """The transcript in ``fmt`` (a key of FORMATS), as a download unless it feeds a player."""
    render, content_type = FORMATS[fmt]
    response = HttpResponse(render(transcript), content_type=content_type)
    if download:
        response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response

"""The audio containers the archive keeps, and the one type each is served as.

A recording's stored name and served type come from what FFmpeg found inside the file
(PyAV's format name, recorded on the row as ``container``), never from the name the
uploader gave it: a file named ``elder.html`` must not become a web page (issue 10,
finding 1). Anything not listed here is refused at upload as not audio.
"""

from dataclasses import dataclass
from pathlib import Path

from PIL import Image


@dataclass(frozen=True)
class AudioFormat:
    suffix: str
    content_type: str


# PyAV ``container.format.name`` -> how the original is stored and served.
AUDIO_FORMATS = {
    "ogg": AudioFormat(".ogg", "audio/ogg"),
    "matroska,webm": AudioFormat(".webm", "audio/webm"),
    "mov,mp4,m4a,3gp,3g2,mj2": AudioFormat(".m4a", "audio/mp4"),
    "mp3": AudioFormat(".mp3", "audio/mpeg"),
    "flac": AudioFormat(".flac", "audio/flac"),
    "wav": AudioFormat(".wav", "audio/wav"),
}
# What nothing else matches is served as bytes to download, never as something a browser runs.
UNKNOWN_TYPE = "application/octet-stream"
# The 16 kHz mono copy is always written by media/decoding.py as FLAC.
DERIVATIVE_TYPE = "audio/flac"


def audio_format(container: str) -> AudioFormat | None:
    return AUDIO_FORMATS.get(container)


def audio_type(container: str) -> str:
    """The served Content-Type of an original recorded with this container (allow-list)."""
    known = audio_format(container)
    return known.content_type if known else UNKNOWN_TYPE


# Pillow's name for what an image file is -> its served type (images are served through
# heritage's gate with media/serving.py; SVG and anything else go out as bytes).
IMAGE_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "AVIF": "image/avif",
}


def image_type(path: Path) -> str:
    """The served Content-Type of an image file, from what Pillow reads in it."""
    try:
        with Image.open(path) as image:
            kind = image.format
    except (OSError, ValueError, Image.DecompressionBombError):
        return UNKNOWN_TYPE
    return IMAGE_TYPES.get(kind or "", UNKNOWN_TYPE)

"""Send one stored file (a recording, an image) after the gate has said yes.

Every media response carries the same guards (issue 10, finding 1): the type the caller
determined from what the file *is* (never its name), ``nosniff`` so browsers keep to it,
and a sandboxing Content-Security-Policy so even a file a browser did render could run
nothing. Consent may change at any moment, so browsers must ask again each time
(``private, no-cache``).

Players seek with HTTP ranges (``?t=93``), served here; behind nginx,
``settings.MEDIA_ACCEL_REDIRECT`` (e.g. ``/_protected/``) hands the bytes, and ranges, to
nginx with ``X-Accel-Redirect`` (SERVING-AND-ARCHIVING.md §2). nginx drops our CSP and
nosniff headers on that redirect and keeps Content-Type and Content-Disposition, so its
internal location must add the guards again (README, "Serving media").
"""

import re
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

from .formats import DERIVATIVE_TYPE, audio_format, audio_type

RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
GUARD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, no-cache",
}


class _Window:
    """A read-only view of ``length`` bytes of an open file, starting at ``start``."""

    def __init__(self, handle, start: int, length: int):
        handle.seek(start)
        self.handle, self.remaining = handle, length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size < 0 else min(size, self.remaining)
        data = self.handle.read(size)
        self.remaining -= len(data)
        return data

    def close(self):
        self.handle.close()


def stored_path(name: str) -> Path:
    """The file of a storage name, or 404: missing, or anywhere outside MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if not name or "\x00" in name or not path.is_relative_to(root) or not path.is_file():
        raise Http404
    return path


def serve_media(request, name: str, content_type: str, *, download_as: str | None = None) -> HttpResponse:
    """The stored file ``name`` (relative to MEDIA_ROOT) as ``content_type``, with the guards.

    ``download_as`` makes it an attachment under that file name (originals); otherwise
    it is inline (what pages play and show).
    """
    path = stored_path(name)
    prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if prefix:
        response = HttpResponse(b"", content_type=content_type)
        response["X-Accel-Redirect"] = prefix + quote(name)
    else:
        response = _ranged(request, path, content_type)
    response["Content-Disposition"] = content_disposition_header(download_as is not None, download_as or path.name)
    for header, value in GUARD_HEADERS.items():
        response[header] = value
    return response


def serve_recording(request, recording, variant: str = "original") -> HttpResponse:
    """A recording's original (an attachment, typed by its probed container) or its
    16 kHz derivative (inline, for players). The stored suffix is not trusted: rows
    from before the allow-list may carry whatever suffix their uploader named."""
    if variant == "derivative":
        return serve_media(request, recording.derivative.name, DERIVATIVE_TYPE)
    known = audio_format(recording.container)
    download_as = f"recording-{recording.pk}{known.suffix if known else '.bin'}"
    return serve_media(request, recording.original.name, audio_type(recording.container), download_as=download_as)


def _ranged(request, path: Path, content_type: str) -> HttpResponse:
    size = path.stat().st_size
    match = RANGE.match(request.headers.get("Range", "").strip())
    if not match or not any(match.groups()):
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(0, size - int(last)), size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        response = FileResponse(_Window(path.open("rb"), start, end - start + 1), status=206, content_type=content_type)
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response

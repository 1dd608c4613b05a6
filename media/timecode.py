def clock(seconds) -> str:
    """93.4 → "1:33"; 3725 → "1:02:05" (as players show time)."""
    total = int(float(seconds or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def fragment(seconds: float) -> str:
    """5.678 → "5.68", 12.0 → "12": a time for ``?t=`` and ``#t=`` (media fragments), to the
    hundredth, so a link lands on its own sentence rather than the one before."""
    return f"{float(seconds):.2f}".rstrip("0").rstrip(".")

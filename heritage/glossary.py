"""The glossary facilitators keep: terms Whisper should spell the archive's way."""

from .models import GlossaryTerm


def prompt_terms() -> list[str]:
    """Terms for the transcription prompt, most important first."""
    return list(GlossaryTerm.objects.order_by("-priority", "term").values_list("term", flat=True))


def suggestions(min_count: int = 2) -> list:
    """Words facilitators corrected at least ``min_count`` times that the glossary does not hold yet."""
    from media.models import Correction

    known = set(GlossaryTerm.objects.values_list("term", flat=True))
    return [
        correction
        for correction in Correction.objects.filter(count__gte=min_count).order_by("-count", "right")
        if correction.right not in known
    ]

"""The glossary facilitators keep: terms Whisper should spell the archive's way."""

from .models import GlossaryTerm


def prompt_terms() -> list[str]:
    """Terms for the transcription prompt, most important first."""
    return list(GlossaryTerm.objects.order_by("-priority", "term").values_list("term", flat=True))

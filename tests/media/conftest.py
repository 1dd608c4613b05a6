import json
from pathlib import Path

import pytest

from heritage.demo.content import GLOSSARY
from heritage.demo.loader import AUDIO_DIR


@pytest.fixture(scope="session")
def whisper_models(django_db_blocker):
    """Assemble (once per checkout) the base model for both engines from the installed packages."""
    from media.transcription import weights

    weights.assemble_base()
    weights.ensure_openai_checkpoint()


@pytest.fixture(scope="session")
def demo_terms():
    return [term for term, *_ in sorted(GLOSSARY, key=lambda g: -g[2])]


def demo_clip(slug: str) -> tuple[Path, list[dict]]:
    script = json.loads((AUDIO_DIR / f"{slug}.json").read_text(encoding="utf-8"))
    return AUDIO_DIR / f"{slug}.ogg", script["sentences"]

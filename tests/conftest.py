import pytest

from .audio import write_audio


@pytest.fixture
def make_audio(tmp_path):
    """Write a real audio file: ``make_audio("ogg", seconds=2)``."""
    counter = iter(range(10_000))

    def make(kind="wav", **options):
        from .audio import FORMATS

        return write_audio(tmp_path / f"clip{next(counter)}{FORMATS[kind][2]}", kind, **options)

    return make


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("uploads")

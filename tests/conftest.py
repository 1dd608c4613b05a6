import os

import pytest
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from .audio import write_audio
from .clock import NOW

# Property tests: the same examples on every run and machine (a suite that passes must pass
# again); HYPOTHESIS_PROFILE=explore searches afresh. No deadline: two shared cores.
hypothesis_settings.register_profile(
    "suite", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile("explore", deadline=None, max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture
def make_audio(tmp_path):
    """Write a real audio file: ``make_audio("ogg", seconds=2)``."""
    counter = iter(range(10_000))

    def make(kind="wav", **options):
        from .audio import FORMATS

        return write_audio(tmp_path / f"clip{next(counter)}{FORMATS[kind][2]}", kind, **options)

    return make


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path_factory):
    """Each test its own data folder: exports, partial uploads and media written by one test
    are never found by the next (database ids repeat after a rollback, so a kit zip named by
    id would otherwise be served to a different kit)."""
    from django.core.cache import caches

    data = tmp_path_factory.mktemp("data")
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = data / "uploads"
    # Wagtail caches renditions by image id, and ids repeat after a rollback: a cached
    # rendition would name a file in another test's data folder.
    for cache in caches.all():
        cache.clear()
    return data


@pytest.fixture(autouse=True)
def _fresh_search_backend():
    """The service keeps one backend per process, and with it a facet cache keyed by the
    index's generation number, which the rollback after each test sets back: a cache
    from the previous test would pass for current. Each test starts without one."""
    from search.service import get_backend

    get_backend.cache_clear()
    yield
    get_backend.cache_clear()


@pytest.fixture(autouse=True)
def _empty_search_index_after_transactional_tests(request, django_db_blocker):
    """A transactional test's database is emptied by TRUNCATE of Django's tables, which the
    search index's own tables are not: its documents would meet the next test on the worker
    (a title the next test never made, suggested to it). Emptied the way a rebuild does it."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        from search.service import get_backend

        with django_db_blocker.unblock():
            get_backend().rebuild([])
            get_backend.cache_clear()


@pytest.fixture(autouse=True)
def clock(request):
    """Every test starts at tests.clock.NOW with the clock ticking; ``clock.shift(timedelta(...))``
    moves it. Browser tests keep real time: Chromium's cookie expiry runs on the real clock."""
    if request.node.get_closest_marker("browser"):
        yield None
        return
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller

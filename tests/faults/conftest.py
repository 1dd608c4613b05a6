import resource
import signal
from contextlib import contextmanager

import pytest

# The kit fixtures (an archive, its people, a published kit) are the stories suite's own.
from ..stories.conftest import archive, make_kit, people  # noqa: F401


@contextmanager
def file_size_limit(max_bytes: int):
    """The disk fills up: from here on no file this process writes may grow past ``max_bytes``.

    RLIMIT_FSIZE makes the kernel refuse the write (EFBIG) as a full disk refuses it
    (ENOSPC): a real failed write() in the middle of the product's own code, with no root
    and no loop device needed. SIGXFSZ is ignored so the write fails instead of the process.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


@pytest.fixture
def disk_full():
    return file_size_limit

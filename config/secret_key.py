"""The install's SECRET_KEY: from the environment, or made once into the data folder.

A fixed key in the code signs every install's sessions alike; a key drawn at each import
differs between gunicorn workers and logs everyone out at each restart. So the first
process to need it writes one to ``DATA_DIR/secret_key`` (mode 0600) and every later
process reads that file.
"""

import os
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key


def load_or_create(path: Path) -> str:
    """The key stored at ``path``; created atomically (mode 0600) if there is none yet.

    The key is written to a private temporary file that is then hard-linked into place:
    ``link`` fails if the name exists, so two workers starting together cannot both write,
    and nobody ever reads a half-written key.
    """
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    # mkstemp: a fresh name for each caller, created with mode 0600.
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(get_random_secret_key() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process was first: its key wins
    finally:
        temporary.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ImproperlyConfigured(f"{path} 是空的，请删除它后重启 / is empty: delete it and restart")
    return key

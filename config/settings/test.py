"""Test settings: a throw-away data folder, fast hashing, tasks run at once."""

import os
import tempfile

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="libei-test-"))

from .base import *  # noqa: E402,F403
from .base import DATA_DIR, DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = DATA_DIR / "uploads"
# Models are assembled once per checkout (make test), not once per test run.
WHISPER_MODEL_DIR = BASE_DIR / "var" / "models"  # noqa: F405
# Tests that want Whisper to run ask for it.
TRANSCRIBE_ON_UPLOAD = False

# Mutation runs (tools/mutation.py) start pytest once per mutant: one migrated database file,
# reused (--reuse-db), spares a migration each time. On PostgreSQL --reuse-db keeps the test
# database on the server instead, under its usual name.
if os.environ.get("TEST_DATABASE_FILE") and DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_FILE"]}

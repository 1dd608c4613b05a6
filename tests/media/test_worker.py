"""The real task worker: `manage.py db_worker` (django-tasks-db) in its own process, on a
database file, runs a transcription job and a search sync as in production.

Everywhere else the suite runs tasks at once (the immediate backend). Here the test's
database (migrated, holding the queued tasks) is copied to a file, the worker is started
on it with the production settings module, and the test watches the file: the job goes
queued → running (with progress) → done, the tasks are picked up and succeed, and the
worker stops cleanly when told to.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from heritage.models import GlossaryTerm
from media.ingest import ingest
from media.models import TranscriptionJob
from media.tasks import start_transcription

from .. import factories as f
from .conftest import demo_clip

pytestmark = [pytest.mark.usefixtures("whisper_models"), pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 600  # two shared cores: Whisper's first load can take a while


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def worker_environment(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATA_DIR": str(data_dir),
        "DEBUG": "1",
        "SECRET_KEY": "worker-test-key",
        "WHISPER_MODEL_DIR": str(settings.WHISPER_MODEL_DIR),
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "SEARCH_BACKEND": "embedded",
    }


class WorkerDatabase:
    """The database the real worker shares with the test. On SQLite the test's database lives in
    memory, so it is copied to the data folder's file, which the worker opens; on PostgreSQL the
    worker opens the test database itself (these tests commit: ``transaction=True``). ``rows``
    reads what the worker wrote, with ``?`` placeholders on both."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.path = data_dir / "archive.sqlite3"
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            with sqlite3.connect(self.path) as target:
                connection.connection.backup(target)

    def environment(self) -> dict:
        env = worker_environment(self.data_dir)
        if connection.vendor != "sqlite":
            db = connection.settings_dict
            password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
            env["DATABASE_URL"] = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        return env

    def rows(self, sql: str, *params) -> list[tuple]:
        if connection.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=30) as db:
                return db.execute(sql, params).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return [tuple(json.dumps(v) if isinstance(v, list) else v for v in row) for row in cursor.fetchall()]


def test_the_db_worker_runs_a_transcription_and_a_search_sync(database_tasks, _data_dir):
    for term in ("立碑村", "辣子鸡"):
        GlossaryTerm.objects.create(term=term)
    audio, _ = demo_clip("li-guifen-married-into-libei")
    with audio.open("rb") as stream:
        recording = ingest(stream, audio.name, "嫁到立碑村的那一年")
    job = start_transcription(recording)  # autocommit here: the task row is written at once
    _, index = f.site_tree()
    page = f.item(index, narrators=[f.full_consent("李桂芬")], title="嫁到立碑村")  # publishing queues a sync
    tasks = DBTaskResult._meta.db_table
    ours = {"media.tasks.transcribe_recording", "search.sync.sync_search_documents"}
    queued = set(DBTaskResult.objects.values_list("task_path", "status"))
    assert ours <= {path for path, _ in queued} and {status for _, status in queued} == {"READY"}  # Wagtail's too
    assert TranscriptionJob.objects.get(pk=job.pk).status == "queued"

    database = WorkerDatabase(_data_dir)
    rows = database.rows
    assert not rows("SELECT 1 FROM search_document WHERE key LIKE ?", f"page:{page.pk}/%")

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"],
        cwd=ROOT,
        env=database.environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen: list[tuple[str, float]] = []
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and worker.poll() is None:
            state = rows("SELECT status, progress FROM media_transcriptionjob WHERE id = ?", job.pk)[0]
            if not seen or seen[-1] != state:
                seen.append(state)
            pending = rows(f"SELECT count(*) FROM {tasks} WHERE status != 'SUCCESSFUL'")[0][0]
            if state[0] in ("done", "failed") and not pending:
                break
            time.sleep(0.05)
        assert worker.poll() is None, worker.stdout.read()
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert worker.returncode == 0, output

    statuses = [status for status, _ in seen]
    assert statuses[0] == "queued" and "running" in statuses and statuses[-1] == "done", (seen, output)
    # Progress only ever grows; on a quiet machine this short clip may finish between two
    # polls, so a value strictly between 0 and 100 is not always seen.
    progress = [value for _, value in seen]
    assert progress == sorted(progress), seen
    assert seen[-1][1] == 100.0
    task_states = rows(f"SELECT task_path, status, worker_ids FROM {tasks}")
    assert ours <= {path for path, _, _ in task_states}
    assert {status for _, status, _ in task_states} == {"SUCCESSFUL"}, task_states
    assert all(workers not in ("", "[]") for *_, workers in task_states)  # a worker took each one
    text = "".join(t for (t,) in rows("SELECT text FROM media_transcriptsegment ORDER BY position"))
    assert "立碑村" in text
    keys = [k for (k,) in rows("SELECT key FROM search_document WHERE key LIKE ?", f"page:{page.pk}/%")]
    assert f"page:{page.pk}/" in keys

"""The worker is killed (SIGKILL) mid-transcription: the job is retried and finishes, and the old
transcript stays exactly as it was meanwhile (heritage/task_recovery.py).

As in tests/media/test_worker.py, the test's database is copied to a file and the real worker
(``manage.py run_worker``, which runs django-tasks-db's ``db_worker``) is started on it in its
own process. Killed while Whisper runs, it leaves the job RUNNING, which db_worker alone never
picks up again; the next ``run_worker`` puts it back in the queue and finishes it.
"""

import json
import signal
import subprocess
import sys
import time

import pytest
from django_tasks_db.models import DBTaskResult

from heritage.task_recovery import is_gone, worker_id
from media.ingest import ingest
from media.tasks import start_transcription

from .. import factories as f
from ..media.conftest import demo_clip, whisper_models  # noqa: F401
from ..media.test_worker import ROOT, WorkerDatabase

pytestmark = [pytest.mark.usefixtures("whisper_models"), pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 600  # two shared cores under load: starting Django and Whisper took 4 min at load 30
OLD = ["老的文字稿，第一句。", "老的文字稿，第二句。"]


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def start_worker(database, *arguments):
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2", *arguments],
        cwd=ROOT,
        env=database.environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(predicate, worker, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped before {what}: {worker.stdout.read()}")
        time.sleep(0.05)
    pytest.fail(f"no {what} within {WAIT_SECONDS} s")


def test_a_worker_killed_mid_transcription_leaves_the_old_transcript_and_the_next_one_finishes(
    database_tasks, _data_dir
):
    audio, _ = demo_clip("li-guifen-married-into-libei")
    with audio.open("rb") as stream:
        recording = ingest(stream, audio.name, "嫁到立碑村的那一年")
    old = f.transcript(recording, OLD)
    job = start_transcription(recording)  # autocommit here: the task row is written at once

    database = WorkerDatabase(_data_dir)
    rows = database.rows
    tasks = DBTaskResult._meta.db_table
    ours = "media.tasks.transcribe_recording"

    def job_status():
        return rows("SELECT status FROM media_transcriptionjob WHERE id = ?", job.pk)[0][0]

    def task_row():
        return rows(f"SELECT status, worker_ids FROM {tasks} WHERE task_path = ?", ours)[0]

    def segments():
        return rows(
            "SELECT s.text FROM media_transcriptsegment s JOIN media_transcript t ON s.transcript_id = t.id "
            "WHERE t.recording_id = ? ORDER BY s.position",
            recording.pk,
        )

    first = start_worker(database)
    try:
        wait_for(lambda: job_status() == "running", first, "running job")
        first.send_signal(signal.SIGKILL)
    finally:
        first.kill()
        first.communicate(timeout=60)  # reaped: the pid names no process now
    killed_status, killed_workers = task_row()
    assert killed_status == "RUNNING" and job_status() == "running"
    (dead,) = json.loads(killed_workers)
    assert dead.startswith("libei:") and dead.split(":")[2] == str(first.pid)
    assert is_gone(dead)
    assert [text for (text,) in segments()] == OLD, "the old transcript is intact while the job waits"
    assert rows("SELECT id FROM media_transcript WHERE recording_id = ?", recording.pk) == [(old.pk,)]

    # The next worker finds the job its predecessor left and runs it again (--batch: then stops).
    second = start_worker(database, "--batch")
    try:
        output, _ = second.communicate(timeout=WAIT_SECONDS)
    finally:
        second.kill()
    assert second.returncode == 0, output
    assert "requeued" in output, output
    status, workers = task_row()
    assert status == "SUCCESSFUL" and job_status() == "done", output
    assert json.loads(workers)[0] == dead and len(json.loads(workers)) == 2
    text = "".join(text for (text,) in segments())
    # No glossary here, so Whisper may spell the village's name by ear; the dish it gets right.
    assert "辣子鸡" in text and "老的文字稿" not in text


def test_a_running_worker_is_not_gone_and_an_unknown_one_is_left_alone():
    assert not is_gone(worker_id())
    assert not is_gone("a-random-id-from-plain-db-worker")
    assert not is_gone("libei:another-host:1:1")

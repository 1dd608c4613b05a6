"""Jobs a dead worker left RUNNING go back in the queue (issue 12, "the worker killed mid-transcription").

django-tasks-db (0.13) claims a job by marking it RUNNING with the worker's id and never looks
at it again: a worker killed by SIGKILL, the out-of-memory killer, a power cut or systemd's
stop timeout (Whisper outlives TimeoutStopSec) leaves the job RUNNING for ever, and no worker
picks it up. So our workers name themselves after their process (:func:`worker_id`: host,
pid and the process's start time, which a reused pid does not share), and before a worker
starts, and every minute from the scheduler, :func:`requeue_orphans` puts back to READY every
RUNNING job whose worker on this host is no longer that process.

Retrying is safe because every task is: a transcription writes the new transcript in one
transaction at its end (media/transcription/jobs.py), so the old one stays as it was while
the job waits and runs again. A worker on another host cannot be checked from here and its
jobs are left alone (the archive runs on one server; deploy/).
"""

import logging
import os
import socket
from pathlib import Path

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

PREFIX = "libei"


def _host() -> str:
    return socket.gethostname().split(".")[0][:32]


def _started(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc), or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) may hold spaces: count fields after its closing bracket.
    state, *fields = stat.rsplit(")", 1)[1].split()
    return None if state in ("Z", "X") else fields[18]


def worker_id(pid: int | None = None) -> str:
    """This process's worker id, ``libei:host:pid:start`` (under django-tasks-db's 64 characters)."""
    pid = pid or os.getpid()
    return f"{PREFIX}:{_host()}:{pid}:{_started(pid)}"


def is_gone(worker: str) -> bool:
    """Is ``worker`` one of ours on this host whose process no longer runs?"""
    parts = worker.split(":")
    if len(parts) != 4 or parts[0] != PREFIX or parts[1] != _host() or not parts[2].isdigit():
        return False  # another host's, or not named by us: nothing here can tell
    return _started(int(parts[2])) != parts[3]


def requeue_orphans() -> list[str]:
    """Put every RUNNING job of a gone worker back to READY; returns their ids."""
    requeued = []
    for result in DBTaskResult.objects.running().only("id", "worker_ids", "task_path"):
        if not result.worker_ids or not is_gone(result.worker_ids[-1]):
            continue
        # One conditional UPDATE: only if still RUNNING under that worker, so a job another
        # recovery took is never taken twice.
        claimed = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, worker_ids=result.worker_ids
        ).update(status=TaskResultStatus.READY, started_at=None)
        if claimed:
            logger.warning(
                "任务 %s（%s）的工作进程 %s 已不在，重新排队 / requeued: its worker is gone",
                result.pk,
                result.task_path,
                result.worker_ids[-1],
            )
            requeued.append(str(result.pk))
    return requeued

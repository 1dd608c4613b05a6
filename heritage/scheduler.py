"""The periodic jobs: run each command named in ``SCHEDULED_COMMANDS`` at its interval.

A plain loop in one process (``manage.py run_scheduler``), no extra dependency:

* one job at a time, in this process, and one scheduler per data folder (a file lock);
* when each job last ran is kept in ``DATA_DIR/scheduler-state.json``, so a restart does
  not re-run the weekly fixity audit;
* a command that is not installed is skipped with a warning (it is checked again at its
  next interval), and a command that fails is logged and tried again at its next interval.
"""

import fcntl
import json
import logging
import os
import shlex
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    line: str  # the command line, e.g. "recorder_uploads --clean"
    every: float  # seconds

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.line)


class SchedulerBusy(Exception):
    """Another scheduler already runs on this data folder."""

    def __init__(self, path: Path):
        super().__init__(f"另一个调度器已在运行（{path}） / another scheduler is already running ({path})")


def configured_jobs() -> list[Job]:
    return [Job(line, float(every)) for line, every in settings.SCHEDULED_COMMANDS]


class Scheduler:
    def __init__(self, jobs: list[Job], state_path: Path):
        self.jobs, self.state_path = jobs, state_path
        self.last_run: dict[str, float] = self._load()

    def _load(self) -> dict[str, float]:
        try:
            return {k: float(v) for k, v in json.loads(self.state_path.read_text(encoding="utf-8")).items()}
        except (FileNotFoundError, ValueError, AttributeError):
            return {}

    def _save(self) -> None:
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.last_run, indent=1), encoding="utf-8")
        os.replace(temporary, self.state_path)

    def due(self, now: float) -> list[Job]:
        return [job for job in self.jobs if now - self.last_run.get(job.line, float("-inf")) >= job.every]

    def tick(self, now: float | None = None) -> dict[str, str]:
        """Run every job that is due, one after the other; returns each job's outcome."""
        now = time.time() if now is None else now
        outcomes = {}
        for job in self.due(now):
            outcomes[job.line] = run(job)
            self.last_run[job.line] = now
            self._save()
        return outcomes

    def run_forever(self, poll: float) -> None:
        while True:
            # A long-lived process: drop connections past their age (or broken by a database
            # restart) before each round. Here, between rounds, and not after each job: inside
            # a transaction (a caller's, a test's) closing would leave "the connection is closed".
            close_old_connections()
            self.tick()
            time.sleep(poll)


def run(job: Job) -> str:
    """Run one job in this process: ``ran``, ``missing`` or ``failed``; each logged."""
    name, *arguments = job.argv
    if name not in get_commands():
        logger.warning("跳过 %s：没有这个命令（尚未安装） / skipped: no such command", job.line)
        return "missing"
    started = time.monotonic()
    logger.info("开始 %s / started", job.line)
    try:
        call_command(name, *arguments)
    except Exception:  # noqa: BLE001 — one failing job must not stop the others
        logger.exception("失败 %s（%.1f 秒） / failed", job.line, time.monotonic() - started)
        return "failed"
    logger.info("完成 %s（%.1f 秒） / finished", job.line, time.monotonic() - started)
    return "ran"


def hold_lock(path: Path):
    """Hold an exclusive lock on ``path`` for the life of the returned file object."""
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as busy:
        handle.close()
        raise SchedulerBusy(path) from busy
    return handle

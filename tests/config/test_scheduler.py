"""The scheduler runs each configured command when it is due, once, and skips missing ones."""

import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from heritage.scheduler import Job, Scheduler, SchedulerBusy, hold_lock

pytestmark = pytest.mark.django_db


def _expired_session():
    return Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1))


def test_a_due_command_runs_once_and_a_missing_one_is_skipped_with_a_warning(tmp_path, caplog):
    _expired_session()
    jobs = [Job("clearsessions", 60), Job("consent_sweep_not_written_yet --now", 60)]
    scheduler = Scheduler(jobs, tmp_path / "state.json")
    with caplog.at_level(logging.INFO, logger="heritage.scheduler"):
        outcomes = scheduler.tick(now=1000.0)
    assert outcomes == {"clearsessions": "ran", "consent_sweep_not_written_yet --now": "missing"}
    assert not Session.objects.exists(), "clearsessions really ran"
    assert any(
        r.levelno == logging.WARNING and "consent_sweep_not_written_yet" in r.getMessage() for r in caplog.records
    )
    assert any("完成 clearsessions" in r.getMessage() for r in caplog.records)

    _expired_session()
    assert scheduler.tick(now=1059.0) == {}, "not due again within its interval"
    assert Session.objects.exists()
    # A restarted scheduler remembers when each job last ran.
    assert Scheduler(jobs, tmp_path / "state.json").due(1059.0) == []
    assert scheduler.tick(now=1060.0) == {"clearsessions": "ran", "consent_sweep_not_written_yet --now": "missing"}
    assert not Session.objects.exists()


def test_a_failing_command_is_logged_and_does_not_stop_the_others(tmp_path, caplog):
    jobs = [Job("check --tag no-such-tag", 60), Job("clearsessions", 60)]
    with caplog.at_level(logging.INFO, logger="heritage.scheduler"):
        outcomes = Scheduler(jobs, tmp_path / "state.json").tick(now=0.0)
    assert outcomes == {"check --tag no-such-tag": "failed", "clearsessions": "ran"}
    assert any(r.levelno == logging.ERROR and "check --tag" in r.getMessage() for r in caplog.records)


def test_only_one_scheduler_runs_on_a_data_folder(tmp_path):
    with hold_lock(tmp_path / "scheduler.lock"):
        with pytest.raises(SchedulerBusy):
            hold_lock(tmp_path / "scheduler.lock")
    hold_lock(tmp_path / "scheduler.lock").close()

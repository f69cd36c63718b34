"""Timed work: jobs run once per slot even with two workers; warnings are written once per level."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from township.cases import timed
from township.cases.models import JobRun
from township.cases.services import case_open


@pytest.fixture
def counting_job():
    calls: list[datetime] = []

    def job(now):
        calls.append(now)
        return {"n": len(calls)}

    timed.register_timed("test.count", job, every_seconds=60)
    yield calls
    timed._JOBS.pop("test.count", None)


def test_two_rounds_in_one_slot_run_the_job_once(db, counting_job):
    now = timezone.now()
    timed.run_due_jobs(now)
    second = timed.run_due_jobs(now + timedelta(seconds=1) if now.second < 58 else now)
    assert len(counting_job) == 1
    assert second["test.count"] == "skipped"
    timed.run_due_jobs(now + timedelta(seconds=61))
    assert len(counting_job) == 2
    assert JobRun.objects.filter(name="test.count").count() == 2


def test_a_failing_job_is_recorded_and_others_still_run(db, counting_job):
    def broken(now):
        raise RuntimeError("boom")

    timed.register_timed("test.broken", broken, every_seconds=60)
    try:
        results = timed.run_due_jobs()
    finally:
        timed._JOBS.pop("test.broken", None)
    assert "boom" in results["test.broken"]["error"]
    assert len(counting_job) == 1
    assert "boom" in JobRun.objects.get(name="test.broken").error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_each_job_once(counting_job):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real parallel connections")
    now = timezone.now()
    barrier = threading.Barrier(2)

    def worker():
        from django.db import connection as conn

        barrier.wait()
        timed.run_due_jobs(now)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(counting_job) == 1


def test_warnings_are_written_once_per_level_and_catch_up(town_a, clerk_a, time_machine):
    time_machine.move_to("2026-11-02 09:00:00+08:00", tick=False)
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, clock_unit="working_days", clock_limit=10)
    timed.raise_warnings(timezone.now())
    assert not case.events.filter(kind="system").exists()
    # The worker was down for weeks: on its first round the case is overdue; one overdue note, no yellow/red spam.
    time_machine.move_to("2026-11-30 09:00:00+08:00", tick=False)
    assert timed.raise_warnings(timezone.now())["overdue"] == 1
    assert timed.raise_warnings(timezone.now())["overdue"] == 0
    assert list(case.events.filter(kind="system").values_list("name", flat=True)) == ["warning_overdue"]


def test_yellow_then_red(town_a, clerk_a, time_machine):
    time_machine.move_to("2026-11-02 09:00:00+08:00", tick=False)
    case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, clock_unit="working_days", clock_limit=10)
    case.refresh_from_db()
    time_machine.move_to(case.yellow_at + timedelta(minutes=1), tick=False)
    assert timed.raise_warnings(timezone.now())["yellow"] == 1
    time_machine.move_to(case.red_at + timedelta(minutes=1), tick=False)
    assert timed.raise_warnings(timezone.now())["red"] == 1
    assert list(case.events.filter(kind="system").values_list("name", flat=True)) == [
        "warning_yellow",
        "warning_red",
    ]


def test_worker_once_runs_registered_jobs(db, counting_job, capsys):
    call_command("worker", "--once")
    assert len(counting_job) == 1
    assert "test.count" in capsys.readouterr().out

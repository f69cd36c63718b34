"""Timed work: deadlines trigger warnings, escalations and the automatic transitions the law prescribes.

Jobs are plain functions ``fn(now) -> dict`` registered by apps in ``AppConfig.ready``. The database is
the coordinator (no broker): a run claims its time slot by inserting a ``JobRun`` row under a unique
constraint, so two workers at once run each job once. Jobs scan for everything due up to ``now``, so a
worker that was down catches up on its first run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from township.cases.errors import TransitionRefused
from township.cases.models import Case, EventKind, JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TimedJob:
    name: str
    fn: Callable[[datetime], dict[str, Any]]
    every_seconds: int


_JOBS: dict[str, TimedJob] = {}


def register_timed(name: str, fn: Callable[[datetime], dict[str, Any]], every_seconds: int = 60) -> None:
    _JOBS[name] = TimedJob(name, fn, every_seconds)


def timed_jobs() -> list[TimedJob]:
    return [_JOBS[k] for k in sorted(_JOBS)]


def claim(job: TimedJob, now: datetime) -> JobRun | None:
    slot = int(now.timestamp()) // job.every_seconds
    try:
        with transaction.atomic():
            return JobRun.objects.create(name=job.name, slot=slot, started_at=now)
    except IntegrityError:
        return None  # another worker has this slot


def run_due_jobs(now: datetime | None = None) -> dict[str, Any]:
    """Run every job whose current slot nobody has claimed yet. Returns {job: result or 'skipped'}."""
    now = now or timezone.now()
    results: dict[str, Any] = {}
    for job in timed_jobs():
        run = claim(job, now)
        if run is None:
            results[job.name] = "skipped"
            continue
        try:
            result = job.fn(now) or {}
            JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=result)
            results[job.name] = result
        except Exception as exc:  # a failing job must not stop the others; it is recorded
            log.exception("timed job %s failed", job.name)
            JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), error=repr(exc)[:2000])
            results[job.name] = {"error": repr(exc)}
    return results


LEVELS = ["", "yellow", "red", "overdue"]


def raise_warnings(now: datetime) -> dict[str, Any]:
    """Write a yellow / red / overdue warning onto each running case's timeline once per level."""
    from township.cases.services import case_note

    running = Q(closed_at__isnull=True, clock_stopped_at__isnull=True, clock_paused_at__isnull=True)
    counts = {"yellow": 0, "red": 0, "overdue": 0}
    wanted = [
        ("overdue", Q(due_at__lt=now), ["", "yellow", "red"]),
        ("red", Q(red_at__lte=now, due_at__gte=now), ["", "yellow"]),
        ("yellow", Q(yellow_at__lte=now, red_at__gt=now), [""]),
    ]
    for level, cond, before in wanted:
        ids = list(
            Case.objects.filter(running, cond, warning_sent__in=before).values_list(
                "jurisdiction_id", "pk", "warning_sent"
            )[:5000]
        )
        for jur, pk, old in ids:  # each case in its own town (Citus: routed to the town's shard)
            with transaction.atomic():
                if not Case.objects.filter(jurisdiction_id=jur, pk=pk, warning_sent=old).update(warning_sent=level):
                    continue  # another worker got it
                case = Case.objects.get(jurisdiction_id=jur, pk=pk)
                case_note(
                    case=case,
                    actor=None,
                    kind=EventKind.SYSTEM,
                    name=f"warning_{level}",
                    label={"yellow": "黄牌预警", "red": "红牌预警", "overdue": "已超期"}[level],
                    data={"level": level, "due_at": case.due_at.isoformat() if case.due_at else None},
                )
                counts[level] += 1
    return counts


def fire_system(case: Case, name: str, data: dict[str, Any] | None = None, comment: str = "") -> bool:
    """Fire a SYSTEM transition for the worker; False when someone else already moved the case."""
    from township.cases.services import case_transition

    try:
        case_transition(case=case, name=name, actor=None, data=data, comment=comment)
        return True
    except TransitionRefused:
        return False


def seal_timeline(now: datetime) -> dict[str, Any]:
    from township.cases.integrity import checkpoint_create

    cp = checkpoint_create()
    return {"checkpoint": cp.pk, "sealed": cp.seal_count}

"""The case clock: due times from the working-time calendar, pauses, extensions and warning levels.

The calendar arithmetic lives in ``township.core.calendar``; this module only applies it to cases.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from township.cases.models import Case, Warning


def compute_due(start: datetime, amount: int, unit: str) -> datetime:
    from township.core.calendar import due_datetime

    return due_datetime(start, amount, unit)


def warning_marks(start: datetime, due: datetime) -> tuple[datetime, datetime]:
    """The moments a case turns yellow and red: shares of the allowed span (settings)."""
    span = due - start
    yellow = start + span * float(settings.TOWNSHIP_WARNING_YELLOW)
    red = start + span * float(settings.TOWNSHIP_WARNING_RED)
    return yellow, red


def start_clock(case: Case, now: datetime, unit: str | None = None, limit: int | None = None) -> None:
    """(Re)start the clock: due = now + limit in unit. Fields are set on ``case``; the caller saves."""
    unit = unit or case.clock_unit
    limit = case.clock_limit if limit is None else limit
    if not unit or limit is None:
        return
    case.clock_unit = unit
    case.clock_limit = limit
    case.clock_started_at = now
    case.clock_paused_at = None
    case.clock_stopped_at = None
    case.due_at = compute_due(now, limit, unit)
    case.yellow_at, case.red_at = warning_marks(now, case.due_at)


def shift_for_pause(case: Case, paused_from: datetime, resumed_at: datetime) -> None:
    """After a pause, move the due time (and warning marks) by the span the clock stood still."""
    from township.core.calendar import elapsed, extend_due

    if case.due_at is None or not case.clock_unit:
        return
    amount = elapsed(paused_from, resumed_at, case.clock_unit)
    if amount <= 0:
        return
    case.due_at = extend_due(case.due_at, amount, case.clock_unit)
    if case.yellow_at:
        case.yellow_at = extend_due(case.yellow_at, amount, case.clock_unit)
    if case.red_at:
        case.red_at = extend_due(case.red_at, amount, case.clock_unit)


def extend(case: Case, amount: int) -> None:
    from township.core.calendar import extend_due

    if case.due_at is None or not case.clock_unit:
        return
    case.due_at = extend_due(case.due_at, amount, case.clock_unit)
    if case.clock_limit is not None:
        case.clock_limit += amount


def warning_level(case: Case, now: datetime | None = None) -> str:
    if case.clock_stopped_at or case.closed_at or case.due_at is None:
        return Warning.LATE if case.finished_late else Warning.NONE
    if case.clock_paused_at:
        return Warning.PAUSED
    now = now or timezone.now()
    if now > case.due_at:
        return Warning.OVERDUE
    if case.red_at and now >= case.red_at:
        return Warning.RED
    if case.yellow_at and now >= case.yellow_at:
        return Warning.YELLOW
    return Warning.NORMAL

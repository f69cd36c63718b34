"""The case clock: due times from the working-time calendar, pauses, extensions and warning levels.

The calendar arithmetic lives in ``township.core.calendar``; this module only applies it to cases.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.utils import timezone

from township.cases.models import Case, Warning


def compute_due(start: datetime, amount: int, unit: str) -> tuple[datetime, bool]:
    """The case's due time and whether it is provisional. The clock measures the agency's own time limit, so past
    the holiday table it is the earliest possible moment (``core.calendar.agency_due_datetime``) rather than a
    refusal; it is recomputed when the year is entered (:func:`recompute_provisional`)."""
    from township.core.calendar import agency_due_datetime

    return agency_due_datetime(start, amount, unit)


def _extend(due: datetime, amount: float, unit: str) -> tuple[datetime, bool]:
    from township.core.calendar import CalendarNotCovered, agency_due_datetime, extend_due

    try:
        return extend_due(due, amount, unit), False
    except CalendarNotCovered:
        return agency_due_datetime(due, math.ceil(amount) if unit != "working_hours" else amount, unit)  # type: ignore[arg-type]


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
    case.due_at, case.due_provisional = compute_due(now, limit, unit)
    case.yellow_at, case.red_at = warning_marks(now, case.due_at)


def shift_for_pause(case: Case, paused_from: datetime, resumed_at: datetime) -> None:
    """After a pause, move the due time (and warning marks) by the span the clock stood still."""
    from township.core.calendar import CalendarNotCovered, elapsed

    if case.due_at is None or not case.clock_unit:
        return
    try:
        amount = elapsed(paused_from, resumed_at, case.clock_unit)
    except CalendarNotCovered:  # a pause reaching past the table: counted in natural days (the shorter shift)
        amount = elapsed(paused_from, resumed_at, "natural_days") if case.clock_unit != "working_hours" else 0
    if amount <= 0:
        return
    case.due_at, provisional = _extend(case.due_at, amount, case.clock_unit)
    case.due_provisional = case.due_provisional or provisional
    if case.yellow_at:
        case.yellow_at = _extend(case.yellow_at, amount, case.clock_unit)[0]
    if case.red_at:
        case.red_at = _extend(case.red_at, amount, case.clock_unit)[0]


def extend(case: Case, amount: int) -> None:
    if case.due_at is None or not case.clock_unit:
        return
    case.due_at, provisional = _extend(case.due_at, amount, case.clock_unit)
    case.due_provisional = case.due_provisional or provisional
    if case.clock_limit is not None:
        case.clock_limit += amount


# The case columns warning_level reads: a consumer that reads cases as plain values (a list's rows) selects these
# and asks warning_of_values.
WARNING_FIELDS = ("due_at", "finished_late", "clock_stopped_at", "closed_at", "clock_paused_at", "red_at", "yellow_at")


def warning_of_values(values: Mapping[str, Any], now: datetime | None = None, prefix: str = "") -> str:
    """``warning_level`` of a case read as values (``prefix`` + each of ``WARNING_FIELDS``, e.g. ``case__due_at``)."""
    case: Any = SimpleNamespace(**{f: values[prefix + f] for f in WARNING_FIELDS})
    return warning_level(case, now)


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


def recompute_provisional(limit: int = 5000) -> int:
    """Once a holiday year is entered, recompute the provisional due times of running cases exactly: from the start
    of the clock, the limit (with extensions), plus the pauses since; a case still past the table stays provisional.
    Returns how many were settled. Each settled case gets a timeline note with the old and new due time."""
    from township.cases.models import ClockPause, EventKind
    from township.cases.services import case_note
    from township.core.calendar import CalendarNotCovered, due_datetime, elapsed, extend_due

    settled = 0
    running = Case.objects.filter(due_provisional=True, closed_at__isnull=True, clock_stopped_at__isnull=True)
    for case in running.order_by("id")[:limit]:
        if case.clock_started_at is None or case.clock_limit is None or not case.clock_unit:
            continue
        try:
            due = due_datetime(case.clock_started_at, case.clock_limit, case.clock_unit)
            for pause in ClockPause.objects.filter(
                case=case, jurisdiction_id=case.jurisdiction_id, started_at__gte=case.clock_started_at
            ).exclude(ended_at=None):
                assert pause.ended_at is not None
                due = extend_due(due, elapsed(pause.started_at, pause.ended_at, case.clock_unit), case.clock_unit)
        except CalendarNotCovered:
            continue  # still past the table: stays provisional
        old = case.due_at
        yellow, red = warning_marks(case.clock_started_at, due)
        Case.objects.filter(pk=case.pk, version=case.version).update(
            due_at=due, yellow_at=yellow, red_at=red, due_provisional=False
        )
        case_note(
            case=case,
            actor=None,
            kind=EventKind.SYSTEM,
            name="due_recomputed",
            label="期限按节假日安排重算",
            data={"old_due_at": old.isoformat() if old else None, "due_at": due.isoformat()},
        )
        settled += 1
    return settled


def remaining_text(case: Case, now: datetime) -> str:
    """剩余 3 个工作日 / 超期 2 天 … in the case's own clock unit ("" without a running clock)."""
    from django.utils.translation import gettext as _

    from township.core import calendar
    from township.core.errors import DomainError

    if case.due_at is None or case.closed_at or case.clock_stopped_at:
        return ""
    if case.clock_paused_at:
        return _("计时暂停中")
    try:
        if case.clock_unit == "working_hours":
            hours = calendar.working_hours_between(now, case.due_at) if now <= case.due_at else 0.0
            if now > case.due_at:
                return _("已超过期限")
            return _("剩余 %(n)s 个工作小时") % {"n": f"{hours:.1f}".rstrip("0").rstrip(".")}
        if case.clock_unit == "natural_hours":
            if now > case.due_at:
                return _("已超过期限")
            hours = (case.due_at - now).total_seconds() / 3600
            return _("剩余 %(n)s 小时") % {"n": f"{hours:.1f}".rstrip("0").rstrip(".")}
        today = timezone.localdate(now)
        due = timezone.localdate(case.due_at)
        if case.clock_unit == "working_days":
            n = calendar.working_days_between(today, due)
            if now > case.due_at:
                return _("超期 %(n)d 个工作日") % {"n": max(-n, 1)}
            return _("剩余 %(n)d 个工作日") % {"n": n}
        n = (due - today).days
        if now > case.due_at:
            return _("超期 %(n)d 天") % {"n": max(-n, 1)}
        return _("剩余 %(n)d 天") % {"n": n}
    except DomainError:  # e.g. CalendarNotCovered
        return ""

"""The working-time clock: working days, natural days and working hours (DOMAIN.md §3.4, §7.1).

Rules
-----
* A day is a **working day** when it is a make-up working day (调休上班日), or when it is Monday–Friday and not a
  statutory holiday (法定节假日). The table ``core.Holiday`` holds every day that differs from the Monday–Friday
  rule; ``core.CalendarYear`` lists the years whose arrangement is entered.
* Any computation that touches a day of a year missing from ``CalendarYear`` raises :class:`CalendarNotCovered`
  — the clock never guesses (the State Council publishes next year's arrangement in November or December).
* **Working days** count from the day after the start (民事诉讼法 Art 85: the start day is not counted).
* **Natural days**: start + n; an end date that is not a working day rolls forward to the next working day.
* **Working hours** run only inside ``settings.TOWNSHIP_OFFICE_HOURS`` (local Asia/Shanghai time) on working days.

The holiday table is read once into an in-process snapshot. The snapshot is dropped when a ``Holiday`` or
``CalendarYear`` row is saved or deleted in this process, when the transaction in which such a change happened
ends (commit or rollback), and in any case after ``TOWNSHIP_CALENDAR_CACHE_SECONDS`` (default 60 s) so that other
processes (the worker) see administrators' edits soon.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext as _

from township.core.errors import DomainError

if TYPE_CHECKING:
    from django.apps import AppConfig
    from django.apps.registry import Apps
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.transaction import Atomic

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
UNITS = ("working_days", "natural_days", "working_hours", "natural_hours")
END_OF_DAY = dt.time(23, 59, 59)


class CalendarNotCovered(DomainError):
    """A date lies in a year whose holiday arrangement has not been entered."""

    status = 422

    def __init__(self, year: int) -> None:
        super().__init__(
            "calendar_not_covered",
            _("%(year)s年节假日安排尚未录入，无法计算期限，请管理员先录入节假日") % {"year": year},
            year=year,
        )
        self.year = year


# --------------------------------------------------------------------------------------------------------------
# The holiday table snapshot
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    years: frozenset[int]
    holidays: frozenset[dt.date]
    makeup: frozenset[dt.date]
    loaded_at: float


_lock = threading.Lock()
_snapshot: _Snapshot | None = None
# Atomic blocks (per database alias) inside which the table was changed: when one of them ends, commit or
# rollback, the snapshot may no longer match the database and is dropped.
_watched_blocks: list[tuple[BaseDatabaseWrapper, Atomic]] = []


def invalidate_cache(**_kwargs: Any) -> None:
    """Drop the snapshot (connected to post_save/post_delete of Holiday and CalendarYear)."""
    global _snapshot
    using: str = _kwargs.get("using") or DEFAULT_DB_ALIAS
    with _lock:
        _snapshot = None
        conn = connections[using]
        if conn.in_atomic_block:
            _watched_blocks.extend((conn, block) for block in conn.atomic_blocks)


for _model in ("core.Holiday", "core.CalendarYear"):
    post_save.connect(invalidate_cache, sender=_model, dispatch_uid=f"township.core.calendar.save.{_model}")
    post_delete.connect(invalidate_cache, sender=_model, dispatch_uid=f"township.core.calendar.delete.{_model}")


# --------------------------------------------------------------------------------------------------------------
# Seed data from the chinesecalendar package (also restored after ``flush``, like content types)
# --------------------------------------------------------------------------------------------------------------

SEED_FIRST_YEAR = 2004
SEED_LAST_YEAR = 2026
SEED_SOURCE = "chinesecalendar 1.11.0 / 国务院办公厅通知"
SEED_MIGRATION = ("core", "0002_seed_holidays")


def package_rows(first_year: int, last_year: int) -> list[tuple[dt.date, str, str]]:
    """(date, kind, Chinese name) for every holiday and make-up day the installed chinesecalendar lists."""
    from chinese_calendar import constants

    rows = []
    for kind, table in (("holiday", constants.holidays), ("makeup_workday", constants.workdays)):
        for day, english in table.items():
            if first_year <= day.year <= last_year:
                try:
                    name = constants.Holiday(english).chinese
                except ValueError:
                    name = english
                rows.append((day, kind, name[:32]))
    return sorted(rows)


def reseed_after_flush(
    *, app_config: AppConfig | None = None, using: str = DEFAULT_DB_ALIAS, apps: Apps | None = None, **_kwargs: object
) -> None:
    """post_migrate handler: ``flush`` (and TransactionTestCase teardown) empties the holiday table without
    signals; put the seeded years back, as Django does for content types. Does nothing while the table has rows
    or when the seed migration is not applied (e.g. after migrating core backwards)."""
    if app_config is None or app_config.label != "core":
        return
    invalidate_cache(using=using)
    from django.db.migrations.recorder import MigrationRecorder

    if SEED_MIGRATION not in MigrationRecorder(connections[using]).applied_migrations():
        return
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    try:
        holiday_model = apps.get_model("core", "Holiday")
        year_model = apps.get_model("core", "CalendarYear")
    except LookupError:
        return
    if holiday_model.objects.using(using).exists() or year_model.objects.using(using).exists():
        return
    holiday_model.objects.using(using).bulk_create(
        holiday_model(date=day, kind=kind, name=name, source=SEED_SOURCE)
        for day, kind, name in package_rows(SEED_FIRST_YEAR, SEED_LAST_YEAR)
    )
    year_model.objects.using(using).bulk_create(
        year_model(year=year, source=SEED_SOURCE) for year in range(SEED_FIRST_YEAR, SEED_LAST_YEAR + 1)
    )
    invalidate_cache(using=using)


post_migrate.connect(reseed_after_flush, dispatch_uid="township.core.calendar.reseed_after_flush")


def _cache_seconds() -> float:
    return float(getattr(settings, "TOWNSHIP_CALENDAR_CACHE_SECONDS", 60))


def _block_alive(conn: BaseDatabaseWrapper, block: Atomic) -> bool:
    return any(b is block for b in conn.atomic_blocks)


def _watched_block_ended() -> bool:
    return not all(_block_alive(conn, block) for conn, block in _watched_blocks)


def _table() -> _Snapshot:
    global _snapshot
    snap = _snapshot
    if snap is not None and (_watched_blocks and _watched_block_ended()):
        with _lock:
            _watched_blocks[:] = [(conn, block) for conn, block in _watched_blocks if _block_alive(conn, block)]
            _snapshot = snap = None
    if snap is not None and time.monotonic() - snap.loaded_at < _cache_seconds():
        return snap

    from township.core.models import CalendarYear, Holiday, HolidayKind

    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    holidays: set[dt.date] = set()
    makeup: set[dt.date] = set()
    for day, kind in Holiday.objects.values_list("date", "kind"):
        (makeup if kind == HolidayKind.MAKEUP_WORKDAY else holidays).add(day)
    snap = _Snapshot(years, frozenset(holidays), frozenset(makeup), time.monotonic())
    with _lock:
        _snapshot = snap
    return snap


def covered_years() -> list[int]:
    """Years whose holiday arrangement is entered, ascending."""
    return sorted(_table().years)


def ensure_covered(day: dt.date) -> None:
    """Raise :class:`CalendarNotCovered` unless the year of ``day`` is entered."""
    if day.year not in _table().years:
        raise CalendarNotCovered(day.year)


# --------------------------------------------------------------------------------------------------------------
# Days
# --------------------------------------------------------------------------------------------------------------


def _is_workday(day: dt.date, snap: _Snapshot) -> bool:
    if day.year not in snap.years:
        raise CalendarNotCovered(day.year)
    if day in snap.makeup:
        return True
    if day in snap.holidays:
        return False
    return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    """A make-up day is a working day; a statutory holiday is not; otherwise Monday–Friday."""
    return _is_workday(_as_date(day), _table())


def is_holiday(day: dt.date) -> bool:
    """True for a statutory holiday listed in the table (not for ordinary weekends)."""
    day = _as_date(day)
    snap = _table()
    if day.year not in snap.years:
        raise CalendarNotCovered(day.year)
    return day in snap.holidays


def next_workday(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the next working day."""
    day = _as_date(day)
    snap = _table()
    while not _is_workday(day, snap):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (the start day is not counted); n=0 gives ``start``.

    A negative n counts backwards: the |n|-th working day before ``start``.
    """
    start = _as_date(start)
    n = int(n)
    snap = _table()
    if start.year not in snap.years:
        raise CalendarNotCovered(start.year)
    if n == 0:
        return start
    step = dt.timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    day = start
    while remaining:
        day += step
        if _is_workday(day, snap):
            remaining -= 1
    return day


def add_natural_days(start: dt.date, n: int) -> dt.date:
    """``start + n`` calendar days; an end date that is not a working day rolls forward to the next working day."""
    return next_workday(_as_date(start) + dt.timedelta(days=int(n)))


# --------------------------------------------------------------------------------------------------------------
# The agency's own deadlines: provisional past the table
# --------------------------------------------------------------------------------------------------------------


def agency_add_working_days(start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The end of a period of ``n`` working days that the **agency** keeps, and whether it is provisional.

    Exact on the holiday table (``(add_working_days(start, n), False)``). Days of a year that is not entered yet
    are all counted as working days: the result is then the earliest day the true end can fall on (a make-up
    working day may be any weekend day), and ``provisional`` is True — recompute it when the year is entered.
    The agency is held to a stricter date than the law's, never a looser one. Never use it for a **party's**
    period (a party's deadline is never guessed early): use :func:`add_working_days`, which refuses.
    """
    start = _as_date(start)
    n = int(n)
    snap = _table()
    if n <= 0:
        if start.year not in snap.years or (start + dt.timedelta(days=n)).year not in snap.years:
            return start + dt.timedelta(days=n), True
        return add_working_days(start, n), False
    day, remaining, provisional = start, n, False
    while remaining:
        day += dt.timedelta(days=1)
        if day.year not in snap.years:
            provisional = True
            remaining -= 1
        elif _is_workday(day, snap):
            remaining -= 1
    return day, provisional


def agency_add_natural_days(start: dt.date, n: int) -> tuple[dt.date, bool]:
    """:func:`add_natural_days` for the agency's own period, with the provisional flag (see
    :func:`agency_add_working_days`): past the table the end is not rolled forward (the earliest possible day)."""
    snap = _table()
    day = _as_date(start) + dt.timedelta(days=int(n))
    while True:
        if day.year not in snap.years:
            return day, True
        if _is_workday(day, snap):
            return day, False
        day += dt.timedelta(days=1)


def agency_deadline(start: dt.date, n: int, unit: str = "working_days") -> tuple[dt.date, bool]:
    """``(end, provisional)`` of the agency's period of ``n`` ``unit`` (``working_days`` or ``natural_days``)."""
    if unit == "working_days":
        return agency_add_working_days(start, n)
    if unit == "natural_days":
        return agency_add_natural_days(start, n)
    raise ValueError(f"agency_deadline counts days, not {unit!r}")


def next_year_due(today: dt.date) -> int | None:
    """From 1 November, the next year when its holiday arrangement is not entered yet (the administrators are
    warned to enter it, ``manage.py holidays_import``); otherwise None."""
    if today.month < 11:
        return None
    year = today.year + 1
    return None if year in _table().years else year


def working_days_between(start: dt.date, end: dt.date) -> int:
    """The number of working days in (start, end]; negative when ``end`` is before ``start``."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -working_days_between(end, start)
    snap = _table()
    if end.year not in snap.years:
        raise CalendarNotCovered(end.year)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if _is_workday(day, snap):
            count += 1
    return count


def year_working_days(year: int) -> int:
    """How many working days the year has (2026: 248)."""
    # (Dec 31 of the previous year, Dec 31]: the exclusive start is never looked at.
    return working_days_between(dt.date(year, 1, 1) - dt.timedelta(days=1), dt.date(year, 12, 31))


def _as_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        raise TypeError("expected a date, got a datetime; use local_date() first")
    return value


# --------------------------------------------------------------------------------------------------------------
# Working hours
# --------------------------------------------------------------------------------------------------------------


def _parse_time(value: str | dt.time) -> dt.time:
    if isinstance(value, dt.time):
        return value
    hours, minutes = value.split(":")[:2]
    return dt.time(int(hours), int(minutes))


def office_hours() -> list[tuple[dt.time, dt.time]]:
    """``settings.TOWNSHIP_OFFICE_HOURS`` parsed and sorted, e.g. [(08:30, 12:00), (14:00, 17:30)]."""
    periods = sorted((_parse_time(a), _parse_time(b)) for a, b in settings.TOWNSHIP_OFFICE_HOURS)
    if not periods:
        raise ValueError("TOWNSHIP_OFFICE_HOURS is empty")
    for (a, b), nxt in zip(periods, [*periods[1:], None], strict=True):
        if not a < b or (nxt is not None and nxt[0] < b):
            raise ValueError("TOWNSHIP_OFFICE_HOURS must be increasing, non-overlapping periods")
    return periods


def _require_aware(value: dt.datetime) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("an aware datetime is required")
    return value


def local_date(moment: dt.datetime) -> dt.date:
    """The Asia/Shanghai calendar date of an aware datetime."""
    return _require_aware(moment).astimezone(LOCAL_TZ).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59 Asia/Shanghai on ``day``, as an aware datetime."""
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=LOCAL_TZ)


def _periods_on(day: dt.date, periods: list[tuple[dt.time, dt.time]]) -> list[tuple[dt.datetime, dt.datetime]]:
    return [
        (dt.datetime.combine(day, a, tzinfo=LOCAL_TZ), dt.datetime.combine(day, b, tzinfo=LOCAL_TZ)) for a, b in periods
    ]


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment when ``hours`` office hours have passed after ``start`` (aware, Asia/Shanghai).

    Only office hours on working days count. The result may be the end of an office period (e.g. 12:00).
    """
    return _add_working_hours(start, hours, provisional=False)


def _add_working_hours(start: dt.datetime, hours: float, *, provisional: bool) -> dt.datetime:
    """:func:`add_working_hours`; with ``provisional`` every day of a year not entered counts as a working day."""
    start = _require_aware(start).astimezone(LOCAL_TZ)
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = dt.timedelta(seconds=hours * 3600)
    snap = _table()
    if start.year not in snap.years and not provisional:
        raise CalendarNotCovered(start.year)
    if not remaining:
        return start
    periods = office_hours()
    day = start.date()
    while True:
        if (provisional and day.year not in snap.years) or _is_workday(day, snap):
            for begin, finish in _periods_on(day, periods):
                cursor = max(begin, start)
                if cursor >= finish:
                    continue
                available = finish - cursor
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
        day += dt.timedelta(days=1)


def working_hours_between(a: dt.datetime, b: dt.datetime) -> float:
    """Office hours (on working days) between two aware datetimes; negative when ``b`` is before ``a``."""
    a = _require_aware(a).astimezone(LOCAL_TZ)
    b = _require_aware(b).astimezone(LOCAL_TZ)
    if b < a:
        return -working_hours_between(b, a)
    periods = office_hours()
    snap = _table()
    total = dt.timedelta()
    day = a.date()
    while day <= b.date():
        if _is_workday(day, snap):
            for begin, finish in _periods_on(day, periods):
                lo, hi = max(begin, a), min(finish, b)
                if hi > lo:
                    total += hi - lo
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600


# --------------------------------------------------------------------------------------------------------------
# Due moments (what the case engine uses)
# --------------------------------------------------------------------------------------------------------------


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unknown clock unit {unit!r}; expected one of {UNITS}")


def _whole_days(amount: float) -> int:
    """Day amounts are whole; a fraction is rounded up (never shorten a period)."""
    return int(math.ceil(amount - 1e-9)) if amount > 0 else int(math.floor(amount + 1e-9))


def due_datetime(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """The due moment of a period of ``amount`` ``unit`` that starts at the aware datetime ``start``.

    Day units end at 23:59:59 (Asia/Shanghai) of the due date; the start date is the local date of ``start``.
    """
    _check_unit(unit)
    if unit == "working_hours":
        return add_working_hours(start, amount)
    if unit == "natural_hours":  # round the clock (urgent events): no calendar involved
        _require_aware(start)
        return start + dt.timedelta(hours=amount)
    day = local_date(start)
    if unit == "working_days":
        return end_of_day(add_working_days(day, _whole_days(amount)))
    return end_of_day(add_natural_days(day, _whole_days(amount)))


def agency_due_datetime(start: dt.datetime, amount: int, unit: str) -> tuple[dt.datetime, bool]:
    """:func:`due_datetime` of a period the **agency** keeps (its processing time limit), and whether it is
    provisional: past the holiday table, the earliest possible moment (every day of a year not entered counts as a
    working day; see :func:`agency_add_working_days`) instead of a refusal. Recompute it when the year is entered.
    Never for a party's period."""
    _check_unit(unit)
    if unit == "natural_hours":
        return due_datetime(start, amount, unit), False
    if unit == "working_hours":
        try:
            return add_working_hours(start, amount), False
        except CalendarNotCovered:
            return _add_working_hours(start, amount, provisional=True), True
    end, provisional = agency_deadline(local_date(start), _whole_days(amount), unit)
    return end_of_day(end), provisional


def elapsed(start: dt.datetime, end: dt.datetime, unit: str) -> float:
    """How much of ``unit`` passed between two aware datetimes (e.g. the length of a clock pause).

    working_days: working days in (local start date, local end date]; natural_days: calendar days between the
    local dates; working_hours: office hours between the two moments.
    """
    _check_unit(unit)
    if unit == "working_hours":
        return working_hours_between(start, end)
    if unit == "natural_hours":
        return (end - start).total_seconds() / 3600
    a, b = local_date(start), local_date(end)
    if unit == "working_days":
        return float(working_days_between(a, b))
    return float((b - a).days)


def extend_due(due: dt.datetime, amount: float, unit: str) -> dt.datetime:
    """Move a moment on by ``amount`` units (an extension, or the span of a pause).

    For day units the local time of day is kept (a due moment at 23:59:59 stays at 23:59:59; a warning mark at
    14:30 stays at 14:30) and the date moves by ``amount`` working days / natural days (rolled to a working day).
    """
    _check_unit(unit)
    _require_aware(due)
    if not amount:
        return due
    if unit == "working_hours":
        return add_working_hours(due, amount)
    if unit == "natural_hours":
        return due + dt.timedelta(hours=amount)
    local = due.astimezone(LOCAL_TZ)
    if unit == "working_days":
        day = add_working_days(local.date(), _whole_days(amount))
    else:
        day = add_natural_days(local.date(), _whole_days(amount))
    return dt.datetime.combine(day, local.timetz())

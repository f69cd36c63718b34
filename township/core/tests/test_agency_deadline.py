"""The agency's own deadlines past the holiday table: the earliest possible day, marked provisional (issue 17.5)."""

from __future__ import annotations

import datetime as dt

import pytest

from township.core.calendar import (
    CalendarNotCovered,
    add_natural_days,
    add_working_days,
    agency_add_natural_days,
    agency_add_working_days,
    agency_deadline,
    agency_due_datetime,
    due_datetime,
    next_year_due,
)
from township.core.models import CalendarYear, Holiday, HolidayKind

pytestmark = pytest.mark.django_db

D = dt.date


def test_exact_on_the_table():
    assert agency_add_working_days(D(2026, 9, 30), 7) == (add_working_days(D(2026, 9, 30), 7), False)
    assert agency_add_natural_days(D(2026, 11, 23), 30) == (add_natural_days(D(2026, 11, 23), 30), False)
    assert agency_deadline(D(2026, 9, 30), 7) == (D(2026, 10, 15), False)


def test_past_the_table_every_day_counts_and_the_result_is_provisional():
    with pytest.raises(CalendarNotCovered):
        add_working_days(D(2026, 12, 28), 7)
    # 29, 30, 31 December are working days; then 1–4 January 2027 all count (a make-up day may fall on any day)
    assert agency_add_working_days(D(2026, 12, 28), 7) == (D(2027, 1, 4), True)
    assert agency_add_working_days(D(2026, 12, 2), 21) == (D(2026, 12, 31), False)
    assert agency_add_natural_days(D(2026, 12, 2), 30) == (D(2027, 1, 1), True)  # not rolled forward
    assert agency_deadline(D(2026, 11, 23), 90, "natural_days") == (D(2027, 2, 21), True)
    with pytest.raises(ValueError):
        agency_deadline(D(2026, 11, 23), 9, "working_hours")


def test_entering_the_year_makes_it_exact():
    Holiday.objects.create(date=D(2027, 1, 1), kind=HolidayKind.HOLIDAY, name="元旦", source="t")
    CalendarYear.objects.create(year=2027, source="t")
    assert agency_add_working_days(D(2026, 12, 28), 7) == (D(2027, 1, 7), False)
    assert agency_add_natural_days(D(2026, 12, 2), 30) == (D(2027, 1, 4), False)


def test_next_year_due_from_1_november():
    assert next_year_due(D(2026, 10, 31)) is None
    assert next_year_due(D(2026, 11, 1)) == 2027
    assert next_year_due(D(2025, 12, 31)) is None  # 2026 is entered


def test_agency_due_datetime_for_the_engine_clock():
    from zoneinfo import ZoneInfo

    sh = ZoneInfo("Asia/Shanghai")
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=sh)
    assert agency_due_datetime(start, 3, "working_days") == (due_datetime(start, 3, "working_days"), False)
    late = dt.datetime(2026, 12, 30, 9, 0, tzinfo=sh)
    with pytest.raises(CalendarNotCovered):
        due_datetime(late, 3, "working_days")
    assert agency_due_datetime(late, 3, "working_days") == (dt.datetime(2027, 1, 2, 23, 59, 59, tzinfo=sh), True)
    # 31 December 16:00 + 4 office hours: 1.5 h that day, then 2.5 h on 1 January 2027 (counted provisionally)
    due, provisional = agency_due_datetime(dt.datetime(2026, 12, 31, 16, 0, tzinfo=sh), 4, "working_hours")
    assert provisional and due.astimezone(sh).date() == dt.date(2027, 1, 1)
    assert agency_due_datetime(start, 4, "working_hours") == (due_datetime(start, 4, "working_hours"), False)

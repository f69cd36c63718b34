"""The engine's indicators against hand-computed figures (docs/evaluation.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from township.cases.indicators import early_rate, on_time_rate, one_pass_rate
from township.cases.models import Case, ClockPause
from township.cases.services import case_assign, case_open
from township.org.models import Department

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime(2026, 11, 1))
END = timezone.make_aware(datetime(2026, 12, 1))


def _closed(
    town, actor, *, closed: datetime, due: datetime | None, late: bool = False, paused: bool = False, leads=()
) -> Case:
    case = case_open(case_type="toy", jurisdiction=town, actor=actor, title="t")
    for department, assignee in leads:  # 承办 assignments while open; the latest one counts
        case_assign(case=case, actor=actor, department=department, assignee=assignee)
    Case.objects.filter(pk=case.pk).update(
        state="done", closed_at=closed, clock_stopped_at=closed, due_at=due, finished_late=late
    )
    if paused:
        ClockPause.objects.create(
            case=case, jurisdiction_id=town.code, reason="supplement", started_at=closed - timedelta(days=3)
        )
    case.refresh_from_db()
    return case


@pytest.fixture
def depts(town_a, make_user):
    dept = Department.objects.create(jurisdiction=town_a, name="规划建设管理局", short_name="规建局")
    other = Department.objects.create(jurisdiction=town_a, name="社会事务局", short_name="社事局")
    return dept, other, make_user(username="h1")


@pytest.fixture
def november(town_a, town_b, clerk_a, clerk_b, depts):
    """Town A in November: 5 closed with a clock — 3 on time (2 of them early), 2 late; 1 closed without a clock;
    2 of the 6 were paused for 补正. One case closed in October and one in town B do not count."""
    d = timezone.make_aware(datetime(2026, 11, 15, 10))
    dept, other, handler = depts
    cases = [
        _closed(town_a, clerk_a, closed=d, due=d + timedelta(days=2), leads=[(dept, handler)]),  # early
        _closed(town_a, clerk_a, closed=d, due=d + timedelta(days=1), paused=True),  # early
        _closed(town_a, clerk_a, closed=d, due=d),  # on time, not early (stopped exactly at due)
        # First sent to 社会事务局, then to 规建局: the latest lead assignment counts.
        _closed(
            town_a,
            clerk_a,
            closed=d,
            due=d - timedelta(days=1),
            late=True,
            paused=True,
            leads=[(other, None), (dept, handler)],
        ),
        _closed(town_a, clerk_a, closed=d, due=d - timedelta(days=2), late=True),
        _closed(town_a, clerk_a, closed=d, due=None),
    ]
    _closed(town_a, clerk_a, closed=timezone.make_aware(datetime(2026, 10, 31, 23)), due=d)
    _closed(town_b, clerk_b, closed=d, due=d + timedelta(days=1))
    return cases


def test_on_time_rate(november, town_a):
    assert on_time_rate("toy").compute([town_a.code], START, END) == (3, 5)


def test_early_rate(november, town_a):
    assert early_rate("toy").compute([town_a.code], START, END) == (2, 5)


def test_one_pass_rate(november, town_a):
    assert one_pass_rate("toy").compute([town_a.code], START, END) == (4, 6)


def test_grouped_by_unit_department_and_person(november, town_a, town_b, depts):
    dept, _other, handler = depts
    ind = on_time_rate("toy")
    assert ind.grouped([town_a.code, town_b.code], START, END, "unit") == {town_a.code: (3, 5), town_b.code: (1, 1)}
    assert ind.grouped([town_a.code], START, END, "department") == {dept.pk: (1, 2), None: (2, 3)}
    assert ind.grouped([town_a.code], START, END, "person") == {handler.pk: (1, 2), None: (2, 3)}

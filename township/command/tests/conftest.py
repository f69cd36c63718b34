from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from township.cases import registry
from township.cases.services import case_open
from township.cases.tests.machines import TOY_MACHINE
from township.org.models import Department, Role


@pytest.fixture(autouse=True)
def toy_machine():
    registry.register(TOY_MACHINE)
    yield TOY_MACHINE
    registry.unregister(TOY_MACHINE.case_type)


@pytest.fixture
def leader_a(make_user, town_a):
    return make_user((town_a, Role.LEADER), username="leader_a", full_name="黄镇长")


@pytest.fixture
def leader_b(make_user, town_b):
    return make_user((town_b, Role.LEADER), username="leader_b", full_name="乙镇长")


@pytest.fixture
def dept_a(town_a):
    return Department.objects.create(jurisdiction=town_a, name="规划建设管理局", short_name="规建局")


@pytest.fixture
def handler_a(make_user, town_a, dept_a):
    user = make_user(username="handler_a", full_name="冯处置")
    from township.org.models import RoleGrant

    RoleGrant.objects.create(user=user, jurisdiction=town_a, department=dept_a, role=Role.HANDLER)
    return user


@pytest.fixture
def at_level(town_a, clerk_a):
    """open_at(level) → a toy case of town A whose clock is at ``level`` now (overdue/red/yellow/normal/paused/late)."""

    def open_at(level: str, title: str = ""):
        case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, title=title or level)
        now = timezone.now()
        start = now - timedelta(days=10)
        due = {
            "overdue": now - timedelta(days=1),
            "red": now + timedelta(hours=6),
            "yellow": now + timedelta(days=2),
            "normal": now + timedelta(days=20),
            "paused": now + timedelta(days=5),
            "late": now - timedelta(days=3),
        }[level]
        span = due - start
        fields = {
            "clock_started_at": start,
            "due_at": due,
            "yellow_at": start + span * 0.5,
            "red_at": start + span * 0.8,
        }
        if level == "red":
            fields["red_at"] = now - timedelta(hours=1)
            fields["yellow_at"] = now - timedelta(days=1)
        if level == "yellow":
            fields["yellow_at"] = now - timedelta(hours=1)
            fields["red_at"] = now + timedelta(days=1)
        if level == "paused":
            fields["clock_paused_at"] = now - timedelta(days=1)
        if level == "late":
            fields.update(
                clock_stopped_at=now - timedelta(days=1),
                closed_at=now - timedelta(days=1),
                finished_late=True,
                state="done",
            )
        type(case).objects.filter(pk=case.pk).update(**fields)
        case.refresh_from_db()
        if level == "late":  # closed behind the engine's back: count it as the closing transition would
            from township.cases import counts

            counts.bump(case, case.closed_at, closed=1, closed_late=1)
        return case

    return open_at

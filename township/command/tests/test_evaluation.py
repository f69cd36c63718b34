"""考核: every registered indicator for the town, its departments and staff; ranks; a published month is frozen."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from township.cases.indicators import on_time_rate
from township.cases.models import Case
from township.cases.services import case_assign, case_open
from township.cases.tests.machines import TOY_MACHINE
from township.cases.types import CaseType, find_case_type, register_case_type, unregister_case_type
from township.command.errors import CommandError
from township.command.evaluation import evaluation_compute, evaluation_publish, scores_of
from township.org.models import Department

pytestmark = pytest.mark.django_db

MONTH = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def toy_with_indicator(toy_machine):
    unregister_case_type(TOY_MACHINE.case_type)
    register_case_type(CaseType(machine=TOY_MACHINE, indicators=(on_time_rate("toy"),)))
    yield
    unregister_case_type(TOY_MACHINE.case_type)
    register_case_type(CaseType(machine=TOY_MACHINE))


@pytest.fixture
def staff(town_a, make_user):
    d1 = Department.objects.create(jurisdiction=town_a, name="规划建设管理局", short_name="规建局")
    d2 = Department.objects.create(jurisdiction=town_a, name="社会事务局", short_name="社事局")
    return d1, d2, make_user(username="p1", full_name="冯处置"), make_user(username="p2", full_name="卫处置")


def _closed(town, actor, *, dept, person, late: bool, day: int = 15) -> Case:
    case = case_open(case_type="toy", jurisdiction=town, actor=actor, title="t")
    case_assign(case=case, actor=actor, department=dept, assignee=person)
    closed = timezone.make_aware(datetime(2026, 11, day, 10))
    Case.objects.filter(pk=case.pk).update(
        state="done",
        closed_at=closed,
        clock_stopped_at=closed,
        due_at=closed + timedelta(days=-1 if late else 1),
        finished_late=late,
    )
    return case


@pytest.fixture
def november(town_a, clerk_a, staff):
    """规建局 (冯): 3 closed, 2 on time → 66.67 %; 社事局 (卫): 2 closed, 2 on time → 100 %; town 4 / 5 = 80 %."""
    d1, d2, p1, p2 = staff
    for late in (False, False, True):
        _closed(town_a, clerk_a, dept=d1, person=p1, late=late)
    for _ in range(2):
        _closed(town_a, clerk_a, dept=d2, person=p2, late=False)


def _figures(period, group):
    rows = scores_of(period, group).filter(case_type="toy")  # the real case types' indicators are there too
    return [(s.group_name, s.numerator, s.denominator, s.rate, s.rank) for s in rows]


def test_compute_ranks_departments_and_people(leader_a, town_a, november):
    period = evaluation_compute(actor=leader_a, jurisdiction=town_a, month=MONTH)
    assert _figures(period, "unit") == [("白沙镇", 4, 5, 80.0, None)]
    assert _figures(period, "department") == [("社会事务局", 2, 2, 100.0, 1), ("规划建设管理局", 2, 3, 66.67, 2)]
    assert _figures(period, "person") == [("卫处置", 2, 2, 100.0, 1), ("冯处置", 2, 3, 66.67, 2)]


def test_draft_follows_the_data_published_month_does_not(leader_a, town_a, clerk_a, staff, november):
    d1, _d2, p1, _p2 = staff
    period = evaluation_compute(actor=leader_a, jurisdiction=town_a, month=MONTH)
    _closed(town_a, clerk_a, dept=d1, person=p1, late=True, day=20)  # a late case arrives afterwards
    period = evaluation_compute(actor=leader_a, jurisdiction=town_a, month=MONTH)
    assert _figures(period, "unit") == [("白沙镇", 4, 6, 66.67, None)]
    evaluation_publish(actor=leader_a, period=period)
    _closed(town_a, clerk_a, dept=d1, person=p1, late=True, day=25)
    with pytest.raises(CommandError) as e:
        evaluation_compute(actor=leader_a, jurisdiction=town_a, month=MONTH)
    assert e.value.code == "evaluation_published" and e.value.status == 409
    assert _figures(period, "unit") == [("白沙镇", 4, 6, 66.67, None)]


def test_refusals(leader_a, leader_b, clerk_a, town_a, november):
    for actor, code in ((clerk_a, "evaluation_role_required"), (leader_b, "evaluation_role_required")):
        with pytest.raises(CommandError) as e:
            evaluation_compute(actor=actor, jurisdiction=town_a, month=MONTH)
        assert e.value.code == code
    this_month = timezone.localdate().replace(day=1)
    period = evaluation_compute(actor=leader_a, jurisdiction=town_a, month=this_month)
    with pytest.raises(CommandError) as e:
        evaluation_publish(actor=leader_a, period=period)
    assert e.value.code == "evaluation_month_open"
    with pytest.raises(CommandError) as e:
        evaluation_compute(actor=leader_a, jurisdiction=town_a, month=this_month + timedelta(days=40))
    assert e.value.code == "evaluation_month_invalid"


def test_page_export_and_api(client, leader_a, leader_b, town_a, november):
    client.force_login(leader_a)
    r = client.post("/command/evaluation/compute/", {"unit": town_a.code, "month": "2026-11"})
    assert r.status_code == 302
    page = client.get(f"/command/evaluation/?unit={town_a.code}&month=2026-11").content.decode()
    assert "按时办结率" in page and "社会事务局" in page and "66.67%" in page
    body = client.get(f"/api/v1/command/evaluation?unit={town_a.code}&month=2026-11").json()
    assert body["status"] == "draft" and len([x for x in body["scores"] if x["case_type"] == "toy"]) == 5
    r = client.post(f"/api/v1/command/evaluation/{body['id']}/publish")
    assert r.status_code == 200 and r.json()["status"] == "published"
    again = client.post(
        "/api/v1/command/evaluation/compute", {"unit": town_a.code, "month": "2026-11"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "evaluation_published"
    bad = client.post(
        "/api/v1/command/evaluation/compute", {"unit": town_a.code, "month": "11/2026"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == "month"
    x = client.get(f"/command/evaluation/{body['id']}/export/")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(leader_b)
    assert client.get(f"/api/v1/command/evaluation?unit={town_a.code}&month=2026-11").status_code == 404
    assert client.get(f"/command/evaluation/{body['id']}/export/").status_code == 404


def test_windows_and_grids_are_evaluated_objects(leader_a, town_a, clerk_a, client):
    """窗口 (the hall's 窗口号, from the queue) and 网格 (the event's grid) rank like departments and people."""
    from township.approval.models import QueueTicket

    taken = timezone.make_aware(datetime(2026, 11, 10, 9, 0))
    for seq, (window, wait) in enumerate(((1, 5), (1, 40), (2, 3)), start=1):
        QueueTicket.objects.create(
            jurisdiction=town_a,
            day=taken.date(),
            category="A",
            seq=seq,
            status="done",
            taken_at=taken,
            called_at=taken + timedelta(minutes=wait),
            window=window,
            clerk=clerk_a,
        )
    period = evaluation_compute(actor=leader_a, jurisdiction=town_a, month=MONTH)
    rows = scores_of(period, "window").filter(indicator="queue_called_in_time")
    assert [(s.group_name, s.numerator, s.denominator, s.rank) for s in rows] == [
        ("2号窗口", 1, 1, 1),
        ("1号窗口", 1, 2, 2),
    ]
    grid_event = find_case_type("grid_event")
    assert grid_event is not None and "grid" in grid_event.indicators[0].groups
    client.force_login(leader_a)
    html = client.get(f"/command/evaluation/?unit={town_a.code}&month=2026-11").content.decode()
    assert "窗口排名" in html and "2号窗口" in html

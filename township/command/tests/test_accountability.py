"""问责: late, reworked and failed-review cases of a month with who answers for them (责任清单, else 承办)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from township.cases.models import Case, LinkKind
from township.cases.services import case_assign, case_link, case_open
from township.command.accountability import report, summary
from township.command.models import Responsibility
from township.org.models import Department

pytestmark = pytest.mark.django_db
MONTH = date(2026, 11, 1)


@pytest.fixture
def setup(town_a, clerk_a, make_user):
    d1 = Department.objects.create(jurisdiction=town_a, name="规划建设管理局", short_name="规建局")
    d2 = Department.objects.create(jurisdiction=town_a, name="社会事务局", short_name="社事局")
    p1 = make_user(username="p1", full_name="冯处置")
    closed = timezone.make_aware(datetime(2026, 11, 10, 10))

    def make(*, late=False, dept=None, person=None, when=closed):
        case = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, title="t")
        if dept:
            case_assign(case=case, actor=clerk_a, department=dept, assignee=person)
        Case.objects.filter(pk=case.pk).update(
            state="done",
            closed_at=when,
            clock_stopped_at=when,
            due_at=when - timedelta(days=1 if late else -1),
            finished_late=late,
        )
        return case

    late = make(late=True, dept=d1, person=p1)
    on_time = make(dept=d2)
    october_late = make(late=True, dept=d1, when=timezone.make_aware(datetime(2026, 10, 10)))
    reopened_by = case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, title="重办件")
    link = case_link(source=on_time, target=reopened_by, kind=LinkKind.REOPENED, actor=clerk_a)
    type(link).objects.filter(pk=link.pk).update(created_at=timezone.make_aware(datetime(2026, 11, 20)))
    return {"late": late, "on_time": on_time, "october": october_late, "d1": d1, "d2": d2, "p1": p1}


def test_report_names_the_assignment_when_no_list(leader_a, town_a, setup):
    rows = report(actor=leader_a, unit=town_a, month=MONTH)
    got = sorted((r.case.pk, r.reason, r.department, r.person, r.source) for r in rows)
    assert got == sorted(
        [
            (setup["late"].pk, "late", "规划建设管理局", "冯处置", "assignment"),
            (setup["on_time"].pk, "reworked", "社会事务局", "", "assignment"),
        ]
    )
    assert [(s["department"], s["total"]) for s in summary(rows)] == [("规划建设管理局", 1), ("社会事务局", 1)]


def test_responsibility_list_wins(leader_a, town_a, setup, make_user):
    head = make_user(username="head", full_name="科长甲")
    Responsibility.objects.create(
        jurisdiction=town_a, case_type="toy", department=setup["d1"], section="村镇建设科", person=head
    )
    rows = {r.case.pk: r for r in report(actor=leader_a, unit=town_a, month=MONTH)}
    assert (rows[setup["late"].pk].section, rows[setup["late"].pk].person, rows[setup["late"].pk].source) == (
        "村镇建设科",
        "科长甲",
        "list",
    )


def test_pages_and_scope(client, leader_a, leader_b, town_a, setup):
    client.force_login(leader_a)
    html = client.get(f"/command/accountability/?unit={town_a.code}&month=2026-11").content.decode()
    assert setup["late"].number in html and "超期办结" in html and setup["october"].number not in html
    r = client.post(
        f"/command/accountability/?unit={town_a.code}&month=2026-11",
        {"case_type": "toy", "department": setup["d1"].pk, "section": "村镇建设科", "person": "", "duty": "审批与监管"},
    )
    assert r.status_code == 302 and Responsibility.objects.get().section == "村镇建设科"
    x = client.get(f"/command/accountability/export/?unit={town_a.code}&month=2026-11")
    assert x.status_code == 200
    client.force_login(leader_b)
    html = client.get(f"/command/accountability/?unit={town_a.code}&month=2026-11").content.decode()
    assert setup["late"].number not in html  # their own town is shown instead

"""预警中心: every case type on one page, counts per level, by unit / department / person, scoped; Excel export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from township.cases.services import case_assign
from township.command.selectors import WarningFilter, warning_breakdown, warning_counts, warning_list

pytestmark = pytest.mark.django_db

LEVELS = ("overdue", "red", "yellow", "normal", "paused", "late")


@pytest.fixture
def one_of_each(at_level):
    return {level: at_level(level) for level in LEVELS}


def test_counts_each_level_once_and_late_is_kept_after_closing(leader_a, one_of_each):
    counts = warning_counts(actor=leader_a, f=WarningFilter())
    assert counts == dict.fromkeys(LEVELS, 1)


def test_list_per_level_finds_exactly_that_case(leader_a, one_of_each):
    for level in LEVELS:
        page = warning_list(actor=leader_a, f=WarningFilter(level=level))
        assert [c.pk for c in page.items] == [one_of_each[level].pk], level


def test_other_town_sees_nothing(leader_b, one_of_each):
    assert set(warning_counts(actor=leader_b, f=WarningFilter()).values()) == {0}
    assert warning_list(actor=leader_b, f=WarningFilter()).items == []


def test_breakdown_by_department_and_person(leader_a, clerk_a, handler_a, dept_a, one_of_each):
    overdue = one_of_each["overdue"]
    case_assign(case=overdue, actor=clerk_a, assignee=handler_a, department=dept_a)
    by_dept = warning_breakdown(actor=leader_a, f=WarningFilter(), by="department")
    # cases without a 承办 form their own row (（未指定部门）), below those with overdue work
    assert [(r["department__name"], r["overdue"]) for r in by_dept] == [("规划建设管理局", 1), ("", 0)]
    by_person = warning_breakdown(actor=leader_a, f=WarningFilter(), by="person")
    assert [(r["assignee__full_name"], r["overdue"]) for r in by_person] == [("冯处置", 1), ("", 0)]
    only = warning_list(actor=leader_a, f=WarningFilter(department=dept_a.pk))
    assert [c.pk for c in only.items] == [overdue.pk]


def test_page_shows_counts_list_and_breakdowns(client, leader_a, one_of_each):
    client.force_login(leader_a)
    r = client.get("/command/warnings/?level=overdue")
    assert r.status_code == 200
    html = r.content.decode()
    assert one_of_each["overdue"].number in html
    assert one_of_each["normal"].number not in html
    assert 'data-level="overdue"' in html and "按承办部门" in html


def test_page_ignores_malformed_filters(client, leader_a, one_of_each):
    client.force_login(leader_a)
    bad = "?level=x&unit=abc&department=%C2%B2&person=99999999999999999999&opened_from=2026-13-45&case_type=nope"
    assert client.get("/command/warnings/" + bad).status_code == 200
    assert client.get("/api/v1/command/warnings" + bad).status_code == 200


def test_export_is_the_filtered_list(client, leader_a, one_of_each):
    client.force_login(leader_a)
    r = client.get("/command/warnings/export/?level=overdue")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "预警" and len(rows) == 2
    assert rows[1][1] == one_of_each["overdue"].number and rows[1][0] == "已超期"


def test_only_leading_roles(client, clerk_a, one_of_each):
    client.force_login(clerk_a)
    assert client.get("/command/warnings/").status_code == 403
    assert client.get("/command/warnings/export/").status_code == 403
    r = client.get("/api/v1/command/warnings/summary")
    assert r.status_code == 403 and r.json()["code"] == "command_role_required"


def test_api_summary_matches_the_page(client, leader_a, one_of_each):
    client.force_login(leader_a)
    body = client.get("/api/v1/command/warnings/summary").json()
    assert body["counts"] == dict.fromkeys(LEVELS, 1)
    assert [(r["name"], r["overdue"]) for r in body["by_case_type"]] == [("玩具案件", 1)]
    page = client.get("/api/v1/command/warnings?level=late").json()
    assert [i["id"] for i in page["items"]] == [one_of_each["late"].pk]
    assert page["items"][0]["warning_label"] == "超期办结"


def test_counts_take_a_constant_number_of_queries(leader_a, at_level, django_assert_max_num_queries):
    for _ in range(5):
        at_level("overdue")
    with django_assert_max_num_queries(3):
        warning_counts(actor=leader_a, f=WarningFilter())


def test_page_statements_do_not_grow_with_rows(client, leader_a, at_level):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(leader_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/command/warnings/").status_code == 200
        return len(ctx.captured_queries)

    at_level("overdue")
    few = count()
    for level in ("overdue", "red", "yellow", "normal", "paused", "late", "overdue"):
        at_level(level)
    assert count() == few


def test_the_lead_is_kept_on_the_case_by_the_engine(clerk_a, handler_a, dept_a, make_user, town_a, one_of_each):
    from township.cases.models import Case
    from township.org.models import Role

    case = one_of_each["red"]
    case_assign(case=case, actor=clerk_a, assignee=handler_a, department=dept_a)
    row = Case.objects.values("lead_department_id", "lead_assignee_id").get(pk=case.pk)
    assert row == {"lead_department_id": dept_a.pk, "lead_assignee_id": handler_a.pk}
    helper = make_user((town_a, Role.GRID_PATROLLER), username="assist_a")
    case_assign(case=case, actor=clerk_a, assignee=helper, role="assist")  # 协办 leaves the lead alone
    assert Case.objects.values("lead_assignee_id").get(pk=case.pk)["lead_assignee_id"] == handler_a.pk
    case_assign(case=case, actor=clerk_a, assignee=helper, department=None)  # a new 承办 replaces it
    row = Case.objects.values("lead_department_id", "lead_assignee_id").get(pk=case.pk)
    assert row == {"lead_department_id": None, "lead_assignee_id": helper.pk}


def test_summary_is_one_grouped_read_and_agrees_with_the_assignments(
    leader_a, clerk_a, handler_a, dept_a, at_level, django_assert_max_num_queries
):
    from township.cases.models import Assignment
    from township.command.selectors import warning_summary

    for level in ("overdue", "overdue", "red", "yellow"):
        case_assign(case=at_level(level), actor=clerk_a, assignee=handler_a, department=dept_a)
    at_level("overdue")  # nobody assigned
    at_level("late")
    with django_assert_max_num_queries(7):  # reach, open and late reads, unit/department/person names
        summary = warning_summary(actor=leader_a, f=WarningFilter())
    assert summary.counts["overdue"] == 3 and summary.counts["late"] == 1
    by_dept = {r["department_id"]: r for r in summary.by["department"]}
    assert by_dept[dept_a.pk]["overdue"] == 2 and by_dept[None]["overdue"] == 1
    leads = Assignment.objects.filter(role="lead", ended_at__isnull=True, department=dept_a).count()
    assert sum(by_dept[dept_a.pk][level] for level in LEVELS) == leads
    assert [r["assignee__full_name"] for r in summary.by["person"]][0] == "冯处置"
    assert sum(r["overdue"] for r in summary.by["unit"]) == summary.counts["overdue"]
    assert sum(r["overdue"] for r in summary.by["case_type"]) == summary.counts["overdue"]


def test_the_migration_copies_the_active_lead_onto_existing_cases(clerk_a, handler_a, dept_a, one_of_each):
    import importlib

    from django.db import connection

    from township.cases.models import Case

    migration = importlib.import_module("township.cases.migrations.0014_case_lead_and_warning_indexes")
    case = one_of_each["yellow"]
    case_assign(case=case, actor=clerk_a, assignee=handler_a, department=dept_a)
    Case.objects.filter(pk=case.pk).update(lead_department=None, lead_assignee=None)  # as before the migration
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    row = Case.objects.values("lead_department_id", "lead_assignee_id").get(pk=case.pk)
    assert row == {"lead_department_id": dept_a.pk, "lead_assignee_id": handler_a.pk}
    assert Case.objects.filter(lead_assignee__isnull=False).count() == 1

"""The draw stored set-based (issue 18): a generated pool (bulk-created targets, some with subjects and credit
records), visits written in one statement, the pool graded as the credit core grades it, reproduced from the seed.

The 100,000-subject size is measured in the bench (``bench/run.py enforcement --only draw_stored_verified``)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from township.enforcement import inspection
from township.enforcement.models import InspectionTarget, InspectionVisit
from township.enforcement.tests.test_draw import make_plan, pool, uscc  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_pool(world, pool):  # noqa: F811
    """600 more targets, bulk-created as an import would (the fixture's 60 come from the service)."""
    rows = [
        InspectionTarget(
            jurisdiction=world.town,
            uscc=uscc(5000 + i),
            name=f"批量企业{i}",
            credit_class="ABCD"[i % 4],
            kind="enterprise",
            address="",
            active=True,
        )
        for i in range(600)
    ]
    InspectionTarget.objects.bulk_create(rows)
    return pool


def test_a_generated_pool_is_drawn_stored_and_reproduced(world, big_pool):
    plan = make_plan(world, big_pool, [big_pool["market"], big_pool["safety"]])
    with CaptureQueriesContext(connection) as q:
        plan = inspection.inspection_plan_draw(plan=plan, actor=world.leader, seed="gen-600")
    visits = InspectionVisit.objects.filter(plan=plan)
    assert visits.count() == len(plan.result["visits"]) > 100
    inserts = [x for x in q.captured_queries if "inspectionvisit" in x["sql"].lower() and "INSERT" in x["sql"]]
    if connection.vendor == "postgresql":
        assert inserts == []  # one COPY (through the raw cursor)
    else:
        assert len(inserts) <= len(plan.result["visits"]) // 50  # batches as large as SQLite's variable limit allows
    assert len(q.captured_queries) < 40  # no statement per target or per visit
    stored = {v.target_id: v for v in visits}
    for v in plan.result["visits"]:
        row = stored[v["target"]]
        assert row.inspectors == v["inspectors"] and row.items == v["items"]
        assert row.departments == [int(d) for d in v["departments"]] and row.result == "" and row.checked_on is None
    assert inspection.inspection_plan_verify(plan) == (True, [])
    out = io.StringIO()
    call_command("verify_draw", plan.number, stdout=out)
    assert "OK" in out.getvalue()


def test_the_pool_is_graded_as_the_credit_core_grades_it(world, pool):  # noqa: F811
    """Subjects with a record in force are graded one by one, the others by their scheme's no-record grade: the
    same grades as credit_grade for each."""
    from township.credit import selectors as credit
    from township.credit.services import credit_record_create
    from township.subjects.services import subject_get_or_create_org

    subjects = []
    for t in pool["targets"][:12]:
        s = subject_get_or_create_org(uscc=t.uscc, name=t.name, registered_in=world.town)
        t.subject = s
        t.save(update_fields=["subject"])
        subjects.append(s)
    today = timezone.localdate()
    for s in subjects[:3]:
        credit_record_create(subject=s, kind="blacklist", reason="严重失信", actor=None, jurisdiction=world.town)
    got = dict(inspection.graded_targets(world.town.code, today))
    for t in pool["targets"][:12]:
        assert got[t.pk] == credit.credit_grade(t.subject, on=today)
    assert {got[t.pk] for t in pool["targets"][:3]} == {"D"}


def test_subjects_of_schemes_with_different_no_record_grades_each_get_their_own(world, pool, monkeypatch):  # noqa: F811
    """The no-record grade is computed once per scheme (``registered_in``); when the schemes of the pool disagree,
    each subject gets its own scheme's grade."""
    from township.credit import selectors as credit
    from township.subjects.services import subject_get_or_create_org

    class Computed:
        def __init__(self, grade: str) -> None:
            self.grade = grade

    by_scheme = {world.town.pk: "A", world.other_town.pk: "C"}
    monkeypatch.setattr(credit, "credit_grade_computed", lambda s, on=None: Computed(by_scheme[s.registered_in_id]))
    targets = pool["targets"][:6]
    for i, t in enumerate(targets):
        t.subject = subject_get_or_create_org(
            uscc=t.uscc, name=t.name, registered_in=world.town if i % 2 else world.other_town
        )
        t.save(update_fields=["subject"])
    got = dict(inspection.graded_targets(world.town.code, timezone.localdate()))
    assert [got[t.pk] for t in targets] == ["C", "A", "C", "A", "C", "A"]
    assert got[pool["targets"][6].pk] == pool["targets"][6].credit_class  # no subject: the stored class

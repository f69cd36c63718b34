"""双随机 sampling ratio and frequency from the computed credit grade (issue 13 item 6; credit_policy)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from township.enforcement import credit_policy, inspection
from township.enforcement.models import InspectionVisit
from township.enforcement.tests.test_draw import make_plan, pool  # noqa: F401  (fixture)

D = dt.date


@pytest.fixture
def graded(pool, world, monkeypatch):  # noqa: F811
    """Every target gets a subject; the credit core grades the subjects (pinned here: all A but the first 15 D)."""
    from township.credit import selectors as credit
    from township.subjects.services import subject_get_or_create_org

    grade_of = {}
    for n, t in enumerate(pool["targets"]):
        s = subject_get_or_create_org(uscc=t.uscc, name=t.name, registered_in=world.town)
        t.subject = s
        t.save(update_fields=["subject"])
        grade_of[s.pk] = "D" if n < 15 else "A"
    monkeypatch.setattr(credit, "credit_grade", lambda s, on=None: grade_of[s.pk], raising=False)
    return grade_of


def test_the_draw_samples_by_the_computed_grade_not_the_stored_class(world, pool, graded):  # noqa: F811
    plan = make_plan(world, pool, [pool["market"]], ratios={"A": 0.0, "B": 0.0, "C": 0.0, "D": 1.0})
    plan = inspection.inspection_plan_draw(plan=plan, actor=world.leader, seed="grade")
    drawn = {v["target"] for v in plan.result["visits"]}
    assert drawn == {t.pk for t in pool["targets"][:15]}  # the 15 graded D, whatever their stored class


def test_default_ratios_come_from_the_grade_policy(world, pool, graded):  # noqa: F811
    plan = inspection.inspection_plan_create(
        jurisdiction=world.town,
        name="按信用分级抽查",
        departments=[pool["market"]],
        items=[pool["items"][0]],
        period_start=D(2026, 3, 1),
        period_end=D(2026, 6, 30),
        ratios={},
        actor=world.leader,
    )
    assert plan.ratios == {"A": 0.03, "B": 0.05, "C": 0.1, "D": 0.2}
    plan = inspection.inspection_plan_draw(plan=plan, actor=world.leader, seed="policy")
    grades = {t.pk: ("D" if n < 15 else "A") for n, t in enumerate(pool["targets"])}
    drawn = [grades[v["target"]] for v in plan.result["visits"]]
    assert drawn.count("D") == 3 and drawn.count("A") == 2  # ceil(15 × 20 %), ceil(45 × 3 %)


def test_frequency_a_grade_a_subject_checked_this_year_is_not_drawn_again(world, pool, graded):  # noqa: F811
    assert credit_policy.due_again("A", D(2026, 1, 10), D(2026, 6, 1)) is False
    assert credit_policy.due_again("D", D(2026, 5, 31), D(2026, 6, 1)) is True
    first = inspection.inspection_plan_draw(
        plan=make_plan(world, pool, [pool["market"]], ratios={"A": 1, "B": 1, "C": 1, "D": 1}),
        actor=world.leader,
        seed="1",
    )
    InspectionVisit.objects.filter(plan=first).update(checked_on=timezone.localdate() - dt.timedelta(days=30))
    again = inspection.inspection_plan_draw(
        plan=make_plan(world, pool, [pool["market"]], ratios={"A": 1, "B": 1, "C": 1, "D": 1}),
        actor=world.leader,
        seed="2",
    )
    drawn = {v["target"] for v in again.result["visits"]}
    assert drawn == {t.pk for t in pool["targets"][:15]}  # D every plan; A at most once a year

"""Credit effects applied by the software (issue 13 item 6): each rule shown applied or refused, with its rule.

The grade comes from the credit core (``township.credit.selectors.credit_grade`` / ``credit_is_listed``); these
tests pin it per subject with ``grades`` so each effect is tested on its own (the Gedian e2e test uses the real one).
"""

from __future__ import annotations

import datetime

import pytest

from township.approval import credit_effects as fx
from township.approval import services as svc
from township.approval.models import Channel
from township.cases.errors import TransitionRefused

# ---- pure rules -------------------------------------------------------------------------------------------


def test_green_lane_halves_the_promised_days_for_grade_a_never_below_the_floor(settings):
    settings.TOWNSHIP_GREEN_LANE_SHARE = 0.5
    settings.TOWNSHIP_GREEN_LANE_MIN_DAYS = 1
    assert fx.green_lane_limit(20, grade="A", listed=False) == 10
    assert fx.green_lane_limit(3, grade="A", listed=False) == 2  # rounded up
    assert fx.green_lane_limit(1, grade="A", listed=False) == 1  # never below one working day
    assert fx.green_lane_limit(20, grade="A", listed=False, legal_min=15) == 15  # never below the item's legal minimum
    assert fx.green_lane_limit(20, grade="B", listed=False) == 20
    assert fx.green_lane_limit(20, grade="A", listed=True) == 20  # a listed subject keeps no incentive


def test_simplified_procedures_refused_for_the_listed_and_grade_d():
    assert fx.simplified_refusal(grade="D", listed=False) == "grade_d"
    assert fx.simplified_refusal(grade="A", listed=True) == "listed"
    assert fx.simplified_refusal(grade="C", listed=False) == ""


@pytest.mark.parametrize(
    ("risk", "mode", "grade", "listed", "level", "purpose"),
    [
        ("control", "normal", "A", False, "full", "licence"),  # 控制类 never lightened
        ("careful", "normal", "B", False, "key", "licence"),
        ("careful", "normal", "A", False, "routine", "licence"),
        ("encouraged", "normal", "A", False, "light", "licence"),
        ("encouraged", "normal", "B", False, "routine", "licence"),
        ("encouraged", "normal", "C", False, "key", "licence"),
        ("encouraged", "normal", "D", False, "full", "licence"),
        ("encouraged", "normal", "B", True, "full", "licence"),
        ("encouraged", "commitment", "B", False, "key", "commitment"),  # a pledge is checked on site
        ("encouraged", "commitment", "A", False, "routine", "commitment"),  # never below routine after a pledge
        ("careful", "gap", "B", False, "key", "gap"),
    ],
)
def test_check_intensity_by_risk_class_history_and_grade(risk, mode, grade, listed, level, purpose):
    plan = fx.check_plan(risk_class=risk, accept_mode=mode, decision="approved", grade=grade, listed=listed)
    assert (plan.level, plan.purpose) == (level, purpose)
    assert plan.working_days == fx.level_days(level) and plan.reasons


def test_a_denial_gets_the_unlicensed_operation_check():
    plan = fx.check_plan(risk_class="encouraged", accept_mode="normal", decision="denied", grade="B", listed=False)
    assert (plan.purpose, plan.level) == ("denied", "light")
    assert (
        fx.check_plan(risk_class="control", accept_mode="normal", decision="denied", grade="B", listed=False).level
        == "key"
    )


# ---- applied to applications ------------------------------------------------------------------------------


def _food(clerk, catalog, subject, upload, **uploads):
    return svc.application_submit(
        actor=clerk,
        item=catalog["food"],
        applicant=subject,
        channel=Channel.WINDOW,
        uploads=uploads or {"sfz": upload(), "yyzz": upload("y.pdf")},
    )


def test_green_lane_shortens_the_clock_for_grade_a_and_says_why(now, grades, clerk_a, catalog, luo, upload):
    from township.core.calendar import add_working_days

    grades[luo.pk] = "A"
    app = _food(clerk_a, catalog, luo, upload)
    svc.application_accept(application=app, actor=clerk_a)
    app.case.refresh_from_db()
    assert app.case.clock_limit == 2  # promised 3 working days, half rounded up
    assert app.case.due_at.date() <= add_working_days(datetime.date(2026, 11, 23), 2)
    note = app.case.events.get(name="green_lane")
    assert note.data["from"] == 3 and note.data["to"] == 2 and "第二十六条" in note.data["rule"]


def test_no_green_lane_for_grade_b(now, grades, clerk_a, catalog, luo, upload):
    app = _food(clerk_a, catalog, luo, upload)
    svc.application_accept(application=app, actor=clerk_a)
    app.case.refresh_from_db()
    assert app.case.clock_limit == 3
    assert not app.case.events.filter(name="green_lane").exists()


def test_gap_refused_for_grade_d_with_the_rule(now, grades, clerk_a, catalog, luo, upload):
    grades[luo.pk] = "D"
    app = _food(clerk_a, catalog, luo, upload)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_accept_gap(application=app, actor=clerk_a, missing=["cspmt"], pledge="承诺")
    assert exc.value.code == "gap_credit_d" and "第三十二条" in exc.value.message


def test_gap_refused_for_the_listed(now, grades, clerk_a, catalog, luo, upload):
    grades.listed.add(luo.pk)
    app = _food(clerk_a, catalog, luo, upload)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_accept_gap(application=app, actor=clerk_a, missing=["cspmt"], pledge="承诺")
    assert exc.value.code == "gap_blacklisted"


def test_commitment_refused_for_grade_d_and_for_the_listed(now, grades, clerk_a, catalog, luo, upload):
    grades[luo.pk] = "D"
    app = _food(clerk_a, catalog, luo, upload)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_approve_on_commitment(application=app, actor=clerk_a, applicant_chose=True, pledge="承诺")
    assert exc.value.code == "commitment_credit_d" and "第五十九条" in exc.value.message
    grades[luo.pk] = "B"
    grades.listed.add(luo.pk)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_approve_on_commitment(application=app, actor=clerk_a, applicant_chose=True, pledge="承诺")
    assert exc.value.code == "commitment_blacklisted"
    grades.listed.clear()  # repaired: allowed again
    svc.application_approve_on_commitment(application=app, actor=clerk_a, applicant_chose=True, pledge="承诺")


def test_the_queue_calls_a_grade_a_ticket_first(now, grades, clerk_a, luo, town_a):
    grades[luo.pk] = "A"
    first = svc.ticket_take(jurisdiction=town_a.code, category="A")
    green = svc.ticket_take(jurisdiction=town_a.code, category="A", subject=luo)
    assert green.priority and not first.priority
    called = svc.ticket_call_next(actor=clerk_a, jurisdiction=town_a.code, window=1)
    assert called.pk == green.pk


def test_the_queue_gives_no_priority_to_a_listed_grade_a(now, grades, luo, town_a):
    grades[luo.pk] = "A"
    grades.listed.add(luo.pk)
    assert not svc.ticket_take(jurisdiction=town_a.code, category="A", subject=luo).priority


def test_effects_shown_on_the_page_and_in_the_api(now, grades, clerk_a, catalog, luo, upload, client):
    grades[luo.pk] = "D"
    app = _food(clerk_a, catalog, luo, upload)
    client.force_login(clerk_a)
    page = client.get(f"/approval/a/{app.pk}/").content.decode()
    assert "信用联动" in page and "信用等级D，信用修复前不适用告知承诺" in page
    api = client.get(f"/api/v1/approval/applications/{app.pk}/credit-effects").json()
    assert api["grade"] == "D" and api["task"] is None
    keys = {e["key"]: e for e in api["effects"]}
    assert keys["commitment"]["applied"] and "第五十九条" in keys["commitment"]["rule"]
    assert keys["green_lane"]["applied"] is False
    assert keys["check"]["label"].startswith("审批后核查：全覆盖")

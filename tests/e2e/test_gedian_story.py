"""葛店's story end to end, service level (issue 13 item 9; no browser): credit applied, every approval flowing on
to supervision, a false commitment found at the check, the licence revoked, the record written, the subject listed,
the next 告知承诺 refused, the green lane lost; a repair after the minimum publication period restores it.

Runs on SQLite and on PostgreSQL (``DATABASE_URL=postgresql://… TEST_DB_SUFFIX=… pytest tests/e2e/test_gedian_story.py``).
Time is pinned to Monday 3 March 2025 and moved past the one-year minimum of a serious record (NDRC Order 36) for
the repair, inside the entered holiday table.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from township.org.models import Role

SH = ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=SH)
AFTER_MINIMUM = datetime.datetime(2026, 3, 16, 9, 0, tzinfo=SH)


def _credit_flow():
    """The credit core's list and repair case types (its services when they expose them; the test may reach the
    module that holds them, product code reaches them only through the services)."""
    from township.approval.gedian import _credit_workflows

    flow = _credit_workflows()
    if flow is None:
        from township.credit import workflows as flow
    return flow


@pytest.fixture
def cast(db, make_user, time_machine):
    from township.approval.gedian import Cast, ensure_town
    from township.approval.testing import ensure_holidays

    time_machine.move_to(START, tick=False)
    ensure_holidays()
    town = ensure_town()
    return Cast(
        clerk=make_user((town, Role.WINDOW_CLERK), username="gd_clerk"),
        approver=make_user((town, Role.APPROVER), username="gd_approver"),
        head=make_user((town, Role.APPROVAL_HEAD), username="gd_head"),
        officer=make_user((town, Role.ENFORCEMENT_OFFICER), username="gd_officer"),
        credit=make_user((town, Role.CREDIT_OFFICER), (town, Role.LEADER), username="gd_credit"),
    )


def test_gedian_story(cast, time_machine):
    from township.approval import gedian
    from township.approval.models import Application, VerificationTask

    story = gedian.run(
        cast, after_minimum=lambda: time_machine.move_to(AFTER_MINIMUM, tick=False), credit_flow=_credit_flow()
    )
    f = story.facts
    assert f["grade_before"] == "A"
    assert f["green_lane_limit"] == 5  # 10 promised working days halved for grade A
    assert f["revoked"] == "revoked"
    assert f["false_record"].severity == "serious" and f["false_record"].kind == "false_commitment"
    assert f["clue"] is not None and f["clue"].subject_id == f["subject"].pk
    assert f["grade_after_false"] in ("C", "D")  # one serious record: −50 (the credit core's rule)
    assert f["listed"] is True and f["grade_listed"] == "D"
    assert f["commitment_refused"] in ("commitment_blacklisted", "commitment_false_record")
    assert f["limit_after"] == 10  # no green lane while listed / graded D
    # a repair after the minimum period restores the grade and the green lane
    assert f.get("repair_refused") is None, story.lines
    assert f["repaired"] >= 2 and f["grade_repaired"] == "A"
    assert f["limit_repaired"] == 5
    # 一线贯通: every decided application has exactly one supervision task
    decided = Application.objects.exclude(decision="")
    assert decided.count() == VerificationTask.objects.filter(application__in=decided).count() == 2


def test_without_waiting_the_repair_is_refused_before_the_minimum_period(cast):
    from township.approval import gedian

    story = gedian.run(cast, credit_flow=_credit_flow())
    assert story.facts["listed"] is True
    assert story.facts.get("repair_refused"), story.lines
    assert "repaired" not in story.facts

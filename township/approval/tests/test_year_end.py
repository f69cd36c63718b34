"""The year end does not stop work (issue 17.5): the agency's own deadlines past the holiday table are provisional
(暂定, the earliest possible day) and recomputed when the year is entered; a party's period still waits."""

from __future__ import annotations

import datetime

import pytest

from township.approval import services as svc
from township.approval.machine import S
from township.approval.models import Channel, VerificationTask
from township.approval.tests.conftest import SH
from township.cases.errors import TransitionRefused
from township.core.calendar import CalendarNotCovered

# Wednesday 2 December 2026: 30 natural days on is 1 January 2027, and 2027 is not entered yet.
DEC_2 = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=SH)


def _enter_2027():
    from township.core.models import CalendarYear, Holiday, HolidayKind

    for day in (1, 2, 3):
        Holiday.objects.create(date=datetime.date(2027, 1, day), kind=HolidayKind.HOLIDAY, name="元旦", source="test")
    CalendarYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知（测试）")


def test_commitment_approval_on_2_december_gets_a_provisional_check_date_recomputed_when_2027_is_entered(
    time_machine, clerk_a, approver_a, head_a, catalog, luo, upload, client, django_capture_on_commit_callbacks
):
    time_machine.move_to(DEC_2, tick=False)
    app = svc.application_submit(
        actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW, uploads={"sfz": upload()}
    )
    svc.application_approve_on_commitment(application=app, actor=approver_a, applicant_chose=True, pledge="本人承诺")
    app.case.refresh_from_db()
    assert app.case.state == S.CLOSED
    task = VerificationTask.objects.get(application=app)
    # the earliest possible day: 2 Dec + 30 natural days, not rolled forward (2027's holidays are unknown)
    assert task.due_date == datetime.date(2027, 1, 1) and task.due_provisional

    client.force_login(head_a)
    page = client.get("/approval/supervise/").content.decode()
    assert "暂定" in page
    api = client.get("/api/v1/approval/verification-tasks", {"jurisdiction": app.jurisdiction_id}).json()
    assert api[0]["due_provisional"] is True

    with django_capture_on_commit_callbacks(execute=True):
        _enter_2027()
    task.refresh_from_db()
    # 1–3 January 2027 are 元旦 holidays: the check date rolls to Monday 4 January, no longer provisional
    assert task.due_date == datetime.date(2027, 1, 4) and not task.due_provisional


def test_a_party_period_past_the_table_still_waits(time_machine, clerk_a, catalog, luo, upload):
    """The applicant's 补正 period is never guessed: on 28 December its end falls in 2027 and the notice waits."""
    time_machine.move_to(datetime.datetime(2026, 12, 28, 9, 0, tzinfo=SH), tick=False)
    app = svc.application_submit(
        actor=clerk_a, item=catalog["food"], applicant=luo, channel=Channel.WINDOW, uploads={"sfz": upload()}
    )
    with pytest.raises((CalendarNotCovered, TransitionRefused)) as exc:
        svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["yyzz"])
    assert exc.value.code == "calendar_not_covered"


def test_a_bad_rating_late_in_december_gets_provisional_rectification_dates(
    time_machine, approver_a, catalog, luo, luo_user, upload, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 12, 18, 9, 0, tzinfo=SH), tick=False)
    app = svc.application_submit(
        actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
    )
    svc.application_accept(application=app, actor=approver_a)
    svc.application_approve(application=app, actor=approver_a)
    time_machine.move_to(datetime.datetime(2026, 12, 28, 9, 0, tzinfo=SH), tick=False)
    rating = svc.application_rate(application=app, actor=luo_user, grade=5, text="等了很久")
    task = rating.rectification
    # 28 Dec + 5 working days: 29, 30, 31 Dec, then 1 and 2 Jan 2027 counted as possible working days
    assert task.due_date == datetime.date(2027, 1, 2) and task.dates_provisional
    assert task.callback_due == datetime.date(2026, 12, 29)
    with django_capture_on_commit_callbacks(execute=True):
        _enter_2027()
    task.refresh_from_db()
    assert task.due_date == datetime.date(2027, 1, 5) and not task.dates_provisional


@pytest.mark.slow
@pytest.mark.parametrize("day", [datetime.date(2026, 12, 2), datetime.date(2026, 12, 28), datetime.date(2026, 12, 31)])
def test_the_approval_demo_seeds_on_any_day_up_to_the_year_end(time_machine, db, day):
    """The demo works on any day: a step whose period ends past the holiday table waits, the rest is seeded."""
    import io

    from township.approval import demo as approval_demo
    from township.approval.models import Application
    from township.catalog import demo as catalog_demo
    from township.certificates import demo as certificates_demo
    from township.core import demo as core_demo
    from township.subjects import demo as subjects_demo

    time_machine.move_to(datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=SH), tick=False)
    out = io.StringIO()
    for module in (core_demo, catalog_demo, subjects_demo, certificates_demo, approval_demo):
        module.seed(out)
    text = out.getvalue()
    assert "approval: skipped" not in text and "approval: 罗晓梅" in text, text
    assert Application.objects.filter(applicant__name="罗晓梅").exists()
    agent_app = Application.objects.get(channel="village_agent")
    if day == datetime.date(2026, 12, 2):  # today: the whole story
        assert "waits" not in text
        assert Application.objects.filter(applicant__name="罗晓梅", kind="single", case__state=S.CLOSED).exists()
        assert agent_app.case.state == S.AWAITING_SUPPLEMENT
    else:  # the applicant's 补正 period would end in 2027: that notice waits
        assert "代办补正告知 (" in text and "waits" in text
        assert agent_app.case.state == S.SUBMITTED

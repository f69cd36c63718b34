"""Receiving an application: accept, refuse, one-time supplement notice, deemed acceptance, withdrawal."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from township.approval import services as svc
from township.approval.machine import S
from township.approval.models import AcceptMode, Channel, Notification
from township.approval.tests.conftest import SH
from township.cases.errors import TransitionRefused
from township.cases.models import ClockPause
from township.core.errors import DomainError, PermissionRefused


def window_food(clerk, catalog, luo, upload, *, with_id=True, with_licence=True):
    uploads = {}
    if with_id:
        uploads["sfz"] = upload("id.pdf")
    if with_licence:
        uploads["yyzz"] = upload("licence.pdf")
    return svc.application_submit(
        actor=clerk, item=catalog["food"], applicant=luo, channel=Channel.WINDOW, uploads=uploads
    )


def test_accept_starts_the_promised_clock_from_the_pinned_version(now, clerk_a, catalog, luo, upload):
    app = window_food(clerk_a, catalog, luo, upload)
    assert app.case.state == S.SUBMITTED
    svc.application_accept(application=app, actor=clerk_a)
    app.case.refresh_from_db()
    assert app.case.state == S.UNDER_REVIEW
    # promised 3 working days from Monday 23 Nov 2026 → Thursday 26 Nov, end of day
    assert timezone.localtime(app.case.due_at).date() == datetime.date(2026, 11, 26)
    assert app.accept_mode == AcceptMode.NORMAL


def test_accept_refused_when_an_essential_material_is_missing(now, clerk_a, catalog, luo, upload):
    app = window_food(clerk_a, catalog, luo, upload, with_licence=False)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_accept(application=app, actor=clerk_a)
    assert exc.value.code == "materials_incomplete"
    assert "营业执照" in exc.value.message


def test_refusal_needs_reasons_and_remedy(now, clerk_a, catalog, luo, upload):
    app = window_food(clerk_a, catalog, luo, upload)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_refuse(application=app, actor=clerk_a, reason="不属于本机关职权", remedy="")
    assert exc.value.code == "remedy_required"
    svc.application_refuse(application=app, actor=clerk_a, reason="不属于本机关职权", remedy="请向区市场监管局申请")
    app.case.refresh_from_db()
    assert app.case.state == S.REFUSED and app.case.closed_at is not None


def test_supplement_notice_lists_everything_pauses_the_clock_and_supply_returns_it(now, clerk_a, catalog, luo, upload):
    app = window_food(clerk_a, catalog, luo, upload, with_licence=False)
    notice = svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["yyzz", "cspmt"])
    app.case.refresh_from_db()
    assert app.case.state == S.AWAITING_SUPPLEMENT
    assert [i["name"] for i in notice.items] == ["营业执照", "经营场所平面图"]
    assert ClockPause.objects.filter(case=app.case, reason="supplement", ended_at__isnull=True).exists()
    body = Notification.objects.filter(user__isnull=True).count()  # no account: no message, no crash
    assert body == 0
    with pytest.raises(DomainError) as exc:
        svc.application_supply(application=app, actor=clerk_a, uploads={"yyzz": upload("l.pdf")})
    assert exc.value.code == "supplement_still_missing"
    svc.application_supply(
        application=app, actor=clerk_a, uploads={"yyzz": upload("l.pdf"), "cspmt": upload("plan.pdf")}
    )
    app.case.refresh_from_db()
    assert app.case.state == S.SUBMITTED
    svc.application_accept(application=app, actor=clerk_a)


def test_supplement_not_supplied_by_the_deadline_is_deemed_withdrawn(now, time_machine, clerk_a, catalog, luo, upload):
    app = window_food(clerk_a, catalog, luo, upload, with_licence=False)
    notice = svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["yyzz"])
    # the day of the deadline: nothing happens
    time_machine.move_to(datetime.datetime.combine(notice.deadline, datetime.time(20, 0), tzinfo=SH), tick=False)
    assert svc.approval_run_timed_work(timezone.now())["supplement_expired"] == 0
    time_machine.move_to(
        datetime.datetime.combine(notice.deadline + datetime.timedelta(days=1), datetime.time(9, 0), tzinfo=SH),
        tick=False,
    )
    result = svc.approval_run_timed_work(timezone.now())
    assert result["supplement_expired"] == 1
    app.case.refresh_from_db()
    assert app.case.state == S.DEEMED_WITHDRAWN
    assert svc.approval_run_timed_work(timezone.now())["supplement_expired"] == 0  # idempotent


def test_no_notice_within_five_working_days_counts_as_accepted_from_receipt(
    now, time_machine, clerk_a, catalog, luo, upload
):
    app = window_food(clerk_a, catalog, luo, upload, with_licence=False)
    # Mon 23 Nov + 5 working days = Mon 30 Nov; still in the window that day
    time_machine.move_to(datetime.datetime(2026, 11, 30, 18, 0, tzinfo=SH), tick=False)
    assert svc.approval_run_timed_work(timezone.now())["deemed_accepted"] == 0
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=SH), tick=False)
    assert svc.approval_run_timed_work(timezone.now())["deemed_accepted"] == 1
    app.refresh_from_db()
    app.case.refresh_from_db()
    assert app.case.state == S.UNDER_REVIEW
    assert app.accept_mode == AcceptMode.DEEMED
    assert app.accepted_at == app.received_at
    # the clock runs from the day of receipt: 3 working days after Mon 23 Nov
    assert timezone.localtime(app.case.due_at).date() == datetime.date(2026, 11, 26)
    event = app.case.events.get(name="deem_accept")
    assert event.actor is None
    assert svc.approval_run_timed_work(timezone.now())["deemed_accepted"] == 0


def test_a_notice_in_time_prevents_deemed_acceptance(now, time_machine, clerk_a, catalog, luo, upload):
    app = window_food(clerk_a, catalog, luo, upload, with_licence=False)
    time_machine.move_to(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=SH), tick=False)
    svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["yyzz"])
    time_machine.move_to(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=SH), tick=False)
    assert svc.approval_run_timed_work(timezone.now())["deemed_accepted"] == 0
    app.case.refresh_from_db()
    assert app.case.state == S.AWAITING_SUPPLEMENT


def test_deem_accept_cannot_be_fired_by_a_person(now, clerk_a, catalog, luo, upload):
    from township.cases.services import case_transition

    app = window_food(clerk_a, catalog, luo, upload)
    with pytest.raises(TransitionRefused) as exc:
        case_transition(case=app.case, name="deem_accept", actor=clerk_a)
    assert exc.value.code == "transition_system_only"


def test_applicant_withdraws_but_a_stranger_cannot(now, clerk_a, catalog, luo, luo_user, make_user, upload):
    app = window_food(clerk_a, catalog, luo, upload)
    assert app.applicant_user == luo_user  # her account is found from the resident ID
    stranger = make_user(username="stranger")
    with pytest.raises(TransitionRefused):
        svc.application_withdraw(application=app, actor=stranger)
    svc.application_withdraw(application=app, actor=luo_user, reason="不开了")
    app.case.refresh_from_db()
    assert app.case.state == S.WITHDRAWN


def test_online_application_only_in_ones_own_name(now, luo_user, luo, make_user, catalog, upload):
    other = make_user(username="other", resident_id="", full_name="他人")
    with pytest.raises(PermissionRefused):
        svc.application_submit(actor=other, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE)
    app = svc.application_submit(
        actor=luo_user, item=catalog["licence"], applicant=luo, channel=Channel.ONLINE, uploads={"sfz": upload()}
    )
    assert app.case.owner == luo_user
    assert Notification.objects.filter(user=luo_user, application=app).exists()
    # the message carries the application's tenant key
    assert set(Notification.objects.filter(application=app).values_list("jurisdiction_id", flat=True)) == {
        app.jurisdiction_id
    }


def test_online_channel_refused_when_the_item_is_not_offered_online(now, luo_user, luo, catalog):
    with pytest.raises(DomainError) as exc:
        svc.application_submit(actor=luo_user, item=catalog["food"], applicant=luo, channel=Channel.ONLINE)
    assert exc.value.code == "channel_not_offered"


def test_town_b_clerk_cannot_file_or_accept_in_town_a(now, clerk_a, clerk_b, catalog, luo, upload):
    with pytest.raises(PermissionRefused):
        svc.application_submit(actor=clerk_b, item=catalog["food"], applicant=luo, channel=Channel.WINDOW)
    app = window_food(clerk_a, catalog, luo, upload)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_accept(application=app, actor=clerk_b)
    assert exc.value.code == "role_required"


def test_any_clerk_of_the_town_accepts_any_item(now, clerk_a, clerk_a2, catalog, luo, upload):
    app = window_food(clerk_a, catalog, luo, upload)
    svc.application_accept(application=app, actor=clerk_a2)
    app.case.refresh_from_db()
    assert app.case.state == S.UNDER_REVIEW


def test_timed_work_skips_a_case_someone_else_moved(now, time_machine, clerk_a, catalog, luo, upload):
    """Two workers: the loser's ConcurrentTransition is caught and the case skipped."""
    from township.cases.errors import ConcurrentTransition

    app = window_food(clerk_a, catalog, luo, upload)
    time_machine.move_to(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=SH), tick=False)
    stale = type(app).objects.select_related("item_version", "applicant").get(pk=app.pk)
    stale.case.version  # noqa: B018  (loaded before the other worker moves the case)
    assert svc.approval_run_timed_work(timezone.now())["deemed_accepted"] == 1
    assert svc._run_one(stale, "deem_accept", at=stale.received_at) is False
    assert issubclass(ConcurrentTransition, TransitionRefused)


def test_one_time_notice_must_name_every_missing_essential_material(now, clerk_a, catalog, luo, upload):
    """行政许可法 Art 32 (issue 17.1): with 营业执照 and 身份证 both missing, a notice naming only 身份证 is refused
    with what it omits; the clerk may name more (a non-essential plan), never fewer."""
    from township.approval.models import SupplementNotice

    app = window_food(clerk_a, catalog, luo, upload, with_id=False, with_licence=False)
    with pytest.raises(TransitionRefused) as exc:
        svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["sfz"])
    assert exc.value.code == "supplement_incomplete" and exc.value.field == "materials"
    assert "营业执照" in exc.value.message and "第三十二条" in exc.value.message
    assert "居民身份证" not in exc.value.message
    app.case.refresh_from_db()
    assert app.case.state == S.SUBMITTED and not SupplementNotice.objects.filter(application=app).exists()
    notice = svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["sfz", "yyzz", "cspmt"])
    assert {i["code"] for i in notice.items} == {"sfz", "yyzz", "cspmt"}

"""The event loop on the case engine: every transition, rework, return, postponement, cancellation,
escalation, duplicates, handover to enforcement and tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from township.cases.errors import TransitionRefused
from township.cases.models import CaseEvent, ClockPause
from township.core.errors import DomainError
from township.grid import services
from township.grid.machine import MACHINE, S
from township.grid.models import Escalation, Event, EventPhoto, Handover, Source
from township.grid.tests.conftest import photo


def state(event: Event) -> str:
    event.case.refresh_from_db()
    return event.case.state


def timeline(event: Event) -> list[str]:
    return list(CaseEvent.objects.filter(case=event.case).values_list("name", flat=True))


def test_machine_is_well_formed():
    assert MACHINE.problems() == []


def test_patrol_report_is_located_numbered_and_timed(report, grids, town_a, village_a):
    event = report(photos=[photo()])
    assert event.grid_id == grids["west"].pk
    assert event.jurisdiction_id == town_a.code
    assert event.village_id == village_a.code
    assert state(event) == S.REPORTED
    assert "白沙格〔" in event.case.number
    assert event.case.clock_unit == "working_hours" and event.case.clock_limit == 1  # 立案 limit
    assert EventPhoto.objects.filter(event=event, stage="report").count() == 1
    assert event.ticket.startswith(f"{event.jurisdiction_id}-") and len(event.ticket.rsplit("-", 1)[1]) == 8


def test_gcj02_input_is_converted_before_locating(report, grids):
    from township.grid import geo

    glon, glat = geo.wgs84_to_gcj02(106.02, 29.05)
    event = report(lon=glon, lat=glat, crs="gcj02")
    assert event.input_crs == "gcj02"
    assert abs(event.lon - 106.02) < 1e-6 and abs(event.lat - 29.05) < 1e-6
    assert event.grid_id == grids["west"].pk


def test_full_loop_every_step(report, dispatcher_a, handler_a, patroller_a, dept_a):
    event = report()
    services.event_register(event=event, actor=dispatcher_a)
    assert state(event) == S.REGISTERED and event.registered_at
    assert event.case.clock_limit == 1  # 派遣 limit, working hours
    assert services.department_suggest(event=event) == dept_a  # 暴露垃圾 → 环卫所
    services.event_dispatch(event=event, actor=dispatcher_a, department=dept_a)
    assert state(event) == S.DISPATCHED
    assert (event.case.clock_unit, event.case.clock_limit) == ("working_hours", 4)  # 暴露垃圾 4 工作时
    services.event_accept(event=event, actor=handler_a)
    assert state(event) == S.HANDLING
    services.event_feedback(event=event, actor=handler_a, photos=[photo("after.png")], note="已清运")
    assert state(event) == S.HANDLED and event.handled_on_time is True
    services.event_check(event=event, actor=patroller_a, ok=True)
    assert state(event) == S.VERIFIED_OK
    services.event_close(event=event, actor=dispatcher_a)
    assert state(event) == S.CLOSED and event.closed_on_time is True
    services.event_evaluate(event=event, actor=dispatcher_a, rating=5)
    assert state(event) == S.EVALUATED and event.case.closed_at is not None
    assert timeline(event) == [
        "open",
        "register",
        "dispatch",
        "assign",
        "accept",
        "attach",
        "feedback",
        "check_ok",
        "close",
        "evaluate",
    ]


def test_public_report_must_be_verified_before_registering(grids, dispatcher_a, patroller_a):
    event = services.event_report(
        actor=None,
        event_class="200110",
        lon=106.02,
        lat=29.05,
        description="垃圾",
        source=Source.PUBLIC,
        contact_phone="13800000000",
    )
    assert state(event) == S.VERIFYING
    with pytest.raises(TransitionRefused):
        services.event_register(event=event, actor=dispatcher_a)
    services.event_verify(event=event, actor=patroller_a, genuine=True)
    assert state(event) == S.VERIFIED
    services.event_register(event=event, actor=dispatcher_a)
    assert state(event) == S.REGISTERED


def test_public_report_found_untrue_is_not_registered(grids, patroller_a):
    event = services.event_report(
        actor=None, event_class="200110", lon=106.02, lat=29.05, description="垃圾", source=Source.PUBLIC
    )
    with pytest.raises(TransitionRefused) as exc:
        services.event_verify(event=event, actor=patroller_a, genuine=False)
    assert exc.value.code == "reason_required"
    services.event_verify(event=event, actor=patroller_a, genuine=False, reason="现场无垃圾")
    assert state(event) == S.NOT_REGISTERED and event.not_registered


def test_reject_needs_a_reason(report, dispatcher_a):
    event = report()
    with pytest.raises(TransitionRefused):
        services.event_reject(event=event, actor=dispatcher_a, reason="")
    services.event_reject(event=event, actor=dispatcher_a, reason="不属于城管范畴")
    assert state(event) == S.NOT_REGISTERED


def _to_handling(report, dispatcher_a, handler_a, dept_a):
    event = report()
    services.event_register(event=event, actor=dispatcher_a)
    services.event_dispatch(event=event, actor=dispatcher_a, department=dept_a)
    services.event_accept(event=event, actor=handler_a)
    return event


def test_feedback_without_photos_is_refused(report, dispatcher_a, handler_a, dept_a):
    event = _to_handling(report, dispatcher_a, handler_a, dept_a)
    with pytest.raises(TransitionRefused) as exc:
        services.event_feedback(event=event, actor=handler_a, photos=[])
    assert exc.value.code == "feedback_photo_required"
    assert state(event) == S.HANDLING


def test_failed_verification_sends_it_back_for_rework(report, dispatcher_a, handler_a, patroller_a, dept_a):
    event = _to_handling(report, dispatcher_a, handler_a, dept_a)
    services.event_feedback(event=event, actor=handler_a, photos=[photo()])
    services.event_check(event=event, actor=patroller_a, ok=False, reason="仍有垃圾残留")
    assert state(event) == S.HANDLING and event.rework_count == 1
    services.event_feedback(event=event, actor=handler_a, photos=[photo()])
    services.event_check(event=event, actor=patroller_a, ok=True)
    assert state(event) == S.VERIFIED_OK


def test_return_to_the_dispatcher(report, dispatcher_a, handler_a, dept_a):
    event = _to_handling(report, dispatcher_a, handler_a, dept_a)
    services.event_return(event=event, actor=handler_a, reason="非本部门职责")
    assert state(event) == S.REGISTERED and event.return_count == 1 and event.department is None
    services.event_dispatch(event=event, actor=dispatcher_a, department=dept_a)
    assert state(event) == S.DISPATCHED


def test_postponement_needs_approval_and_pauses_the_clock(report, dispatcher_a, handler_a, leader_a, dept_a):
    event = _to_handling(report, dispatcher_a, handler_a, dept_a)
    services.event_postpone_request(event=event, actor=handler_a, reason="需等待配件", days=3)
    assert state(event) == S.POSTPONE_REQUESTED
    services.event_postpone_reject(event=event, actor=leader_a)
    assert state(event) == S.HANDLING
    with pytest.raises(TransitionRefused) as info:
        services.event_postpone_request(event=event, actor=handler_a, reason="需等待配件")  # for how long?
    assert info.value.code == "postpone_days"
    services.event_postpone_request(event=event, actor=handler_a, reason="需等待配件", days=3)
    with pytest.raises(TransitionRefused):
        services.event_postpone_approve(event=event, actor=handler_a)  # not an approver
    services.event_postpone_approve(event=event, actor=leader_a)
    assert state(event) == S.POSTPONED and event.postponed and event.postpone_count == 1
    assert event.case.clock_paused_at is not None
    assert ClockPause.objects.get(case=event.case).reason == "postpone"
    services.event_postpone_end(event=event, actor=handler_a)
    assert state(event) == S.HANDLING and not event.postponed
    assert event.case.clock_paused_at is None


def test_cancel_from_any_open_state(report, dispatcher_a, handler_a, dept_a):
    event = _to_handling(report, dispatcher_a, handler_a, dept_a)
    services.event_cancel(event=event, actor=dispatcher_a, reason="重复测试数据")
    assert state(event) == S.CANCELLED and event.cancelled
    with pytest.raises(TransitionRefused):
        services.event_cancel(event=event, actor=dispatcher_a, reason="再次")


def test_roles_are_enforced(report, patroller_a, handler_a, dispatcher_a, dept_a):
    event = report()
    with pytest.raises(TransitionRefused) as exc:
        services.event_register(event=event, actor=patroller_a)
    assert exc.value.code == "role_required"
    services.event_register(event=event, actor=dispatcher_a)
    with pytest.raises(TransitionRefused):
        services.event_dispatch(event=event, actor=dispatcher_a)  # no department, no handler


def test_a_worker_of_another_town_cannot_report_or_act_here(report, patroller_b, dispatcher_b, dept_b):
    with pytest.raises(DomainError) as exc:
        report(actor=patroller_b)
    assert exc.value.code == "report_out_of_scope"
    event = report()
    with pytest.raises(TransitionRefused):
        services.event_register(event=event, actor=dispatcher_b)


def test_dispatch_to_a_department_of_another_town_is_refused(report, dispatcher_a, dept_b):
    event = report()
    services.event_register(event=event, actor=dispatcher_a)
    with pytest.raises(DomainError) as exc:
        services.event_dispatch(event=event, actor=dispatcher_a, department=dept_b)
    assert exc.value.code == "department_out_of_scope"


def test_outside_every_grid_is_refused(report):
    with pytest.raises(DomainError) as exc:
        report(lon=100.0, lat=20.0)
    assert exc.value.code == "location_outside_grids"


# --- duplicates -----------------------------------------------------------------------------------


def test_duplicate_is_offered_within_distance_and_time(report):
    first = report()
    near = services.event_duplicates_find(event_class=first.event_class, lon=106.0202, lat=29.0501)
    assert [d.event.pk for d in near] == [first.pk]
    assert near[0].distance_m < 50
    far = services.event_duplicates_find(event_class=first.event_class, lon=106.03, lat=29.05)  # ~970 m
    assert far == []
    later = services.event_duplicates_find(
        event_class=first.event_class, lon=106.0202, lat=29.0501, at=timezone.now() + timedelta(days=4)
    )
    assert later == []
    other_class = services.event_duplicates_find(event_class=services._event_class("200112"), lon=106.0202, lat=29.0501)
    assert other_class == []


def test_duplicate_setting_changes_the_distance(report, settings):
    first = report()
    settings.GRID_DUPLICATE_DISTANCE_M = 2000
    near = services.event_duplicates_find(event_class=first.event_class, lon=106.03, lat=29.05)
    assert [d.event.pk for d in near] == [first.pk]


def test_a_report_linked_as_duplicate_is_cancelled_and_noted(report):
    first = report()
    second = report(lon=106.0201, link_to=first)
    assert second.duplicate_of_id == first.pk
    assert state(second) == S.CANCELLED
    assert "duplicate_linked" in timeline(first)
    # the note names the new case's own number (taken at the end of the report: cases/numbering.py)
    note = first.case.events.get(name="duplicate_linked")
    second.case.refresh_from_db()
    assert note.data["number"] == second.case.number and not second.case.number.startswith("~")


def test_dispatcher_links_an_incoming_duplicate(report, dispatcher_a):
    first = report()
    second = report(lon=106.0201)
    services.event_link_duplicate(event=second, original=first, actor=dispatcher_a)
    assert state(second) == S.CANCELLED and second.duplicate_of_id == first.pk


# --- escalation ----------------------------------------------------------------------------------


def test_overdue_step_warns_the_supervisor_then_the_next_level(report, town_a, county):
    event = report()
    due = event.case.due_at
    assert services.grid_escalate_overdue(due - timedelta(minutes=1)) == 0
    assert services.grid_escalate_overdue(due + timedelta(minutes=1)) == 1
    first = Escalation.objects.get(event=event)
    assert first.level == 1 and first.to_role == "grid_supervisor" and first.to_jurisdiction_id == town_a.code
    assert services.grid_escalate_overdue(due + timedelta(minutes=2)) == 0  # idempotent
    assert services.grid_escalate_overdue(due + timedelta(days=3)) == 1
    second = Escalation.objects.get(event=event, level=2)
    assert second.to_role == "leader" and second.to_jurisdiction_id == county.code
    assert timeline(event).count("escalate") == 2


def test_a_postponed_event_does_not_escalate_while_its_days_last(report, dispatcher_a, handler_a, leader_a, dept_a):
    event = _to_handling(report, dispatcher_a, handler_a, dept_a)
    services.event_postpone_request(event=event, actor=handler_a, reason="等待配件", days=3)
    services.event_postpone_approve(event=event, actor=leader_a)
    event.refresh_from_db()
    inside = event.postponed_until - timedelta(hours=1)
    assert services.grid_postponements_end(inside) == 0
    assert services.grid_escalate_overdue(inside) == 0
    # the three working days are over: the worker resumes the handling, and an overdue step escalates again
    assert services.grid_postponements_end(event.postponed_until + timedelta(minutes=1)) == 1
    assert state(event) == S.HANDLING
    event.refresh_from_db()
    assert not event.postponed and event.postponed_until is None
    assert services.grid_escalate_overdue(timezone.now() + timedelta(days=30)) >= 1


def test_a_pending_postponement_request_does_not_stop_the_escalation(report, dispatcher_a, handler_a, dept_a):
    event = _to_handling(report, dispatcher_a, handler_a, dept_a)
    services.event_postpone_request(event=event, actor=handler_a, reason="等待配件", days=3)
    event.case.refresh_from_db()
    assert services.grid_escalate_overdue(event.case.due_at + timedelta(minutes=1)) == 1


def test_a_new_step_restarts_the_escalation(report, dispatcher_a):
    event = report()
    services.grid_escalate_overdue(event.case.due_at + timedelta(minutes=1))
    services.event_register(event=event, actor=dispatcher_a)
    event.case.refresh_from_db()
    assert services.grid_escalate_overdue(event.case.due_at + timedelta(minutes=1)) == 1
    assert Escalation.objects.filter(event=event).count() == 2


# --- handover ----------------------------------------------------------------------------------


def test_handover_to_enforcement_is_recorded_once(report, dispatcher_a, patroller_a):
    event = report(event_class="200101", description="违法搭建")
    with pytest.raises(DomainError):
        services.grid_event_to_clue(event=event, actor=patroller_a, reason="违建")
    handover = services.grid_event_to_clue(event=event, actor=dispatcher_a, reason="私搭乱建需立案查处")
    assert Handover.objects.filter(event=event).count() == 1
    assert handover.actor == dispatcher_a
    from django.apps import apps

    if apps.is_installed("township.enforcement"):
        from township.enforcement.models import Clue

        clue = Clue.objects.get(source_case=event.case)
        assert clue.jurisdiction_id == event.jurisdiction_id and "私搭乱建" in clue.summary
        assert handover.delivered
    else:
        assert not handover.delivered
    assert "handover" in timeline(event)
    with pytest.raises(DomainError) as exc:
        services.grid_event_to_clue(event=event, actor=dispatcher_a, reason="再次")
    assert exc.value.code == "handover_exists"


# --- patrols ----------------------------------------------------------------------------------


def test_patrol_with_gps_track(grids, patroller_a, town_a, patroller_b):
    patrol = services.patrol_start(actor=patroller_a, jurisdiction=town_a.code, grid=grids["west"])
    services.patrol_track_add(
        patrol=patrol,
        actor=patroller_a,
        points=[{"lon": 106.01, "lat": 29.01}, {"lon": 106.02, "lat": 29.01}, {"lon": 106.02, "lat": 29.02}],
    )
    assert patrol.point_count == 3
    assert 2000 < patrol.distance_m < 2300
    with pytest.raises(DomainError):
        services.patrol_track_add(patrol=patrol, actor=patroller_b, points=[{"lon": 1, "lat": 1}])
    services.patrol_end(patrol=patrol, actor=patroller_a, note="正常")
    with pytest.raises(DomainError):
        services.patrol_track_add(patrol=patrol, actor=patroller_a, points=[{"lon": 106.0, "lat": 29.0}])
    with pytest.raises(DomainError):
        services.patrol_start(actor=patroller_b, jurisdiction=town_a.code)


def test_steps_are_taken_through_the_grid_services_only(report, dispatcher_a):
    from township.cases.services import case_transition

    event = report()
    with pytest.raises(TransitionRefused) as exc:
        case_transition(case=event.case, name="register", actor=dispatcher_a)
    assert exc.value.code == "transition_service_only"
    assert state(event) == S.REPORTED


def test_reported_events_are_in_the_dispatchers_todo(report, dispatcher_a, patroller_a):
    from township.cases.models import Case
    from township.cases.selectors import actionable_q

    event = report()
    assert Case.objects.filter(actionable_q(dispatcher_a), pk=event.case_id).exists()
    assert not Case.objects.filter(actionable_q(patroller_a), pk=event.case_id).exists()


def test_an_urgent_event_reported_on_friday_evening_is_due_within_the_hour(report, time_machine):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    friday_evening = datetime(2026, 11, 20, 19, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    time_machine.move_to(friday_evening, tick=False)
    event = report(event_class="100102")  # 污水井盖: urgent, round-the-clock hours
    assert event.case.clock_unit == "natural_hours"
    assert event.case.due_at == friday_evening + timedelta(hours=1)  # not Monday's office hours
    assert services.grid_escalate_overdue(friday_evening + timedelta(hours=1, minutes=1)) == 1

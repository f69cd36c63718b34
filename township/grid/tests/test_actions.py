"""Each grid worker is offered only the steps of their role and the event's state (the case-type contract)."""

from __future__ import annotations

from township.cases.actions import actions_for
from township.grid.machine import S
from township.grid.tests.factories import EventFactory


def offered(event, actor):
    return [o.name for o in actions_for(event.case, actor) if o.enabled]


def test_a_reported_event(grids, patroller_a, dispatcher_a, handler_a):
    event = EventFactory(actor=patroller_a)
    assert offered(event, dispatcher_a) == ["register", "reject", "cancel", "handover"]
    assert offered(event, handler_a) == []
    assert "register" not in offered(event, patroller_a)  # a patroller reports, the dispatcher files


def test_a_dispatched_event(grids, patroller_a, dispatcher_a, handler_a, dept_a):
    event = EventFactory(actor=patroller_a, state=S.DISPATCHED, dispatcher=dispatcher_a, department=dept_a)
    assert offered(event, handler_a) == ["sign", "send_back"]
    assert offered(event, dispatcher_a) == ["cancel", "handover"]


def test_an_event_in_hand(grids, patroller_a, dispatcher_a, handler_a, dept_a):
    event = EventFactory(
        actor=patroller_a, state=S.HANDLING, dispatcher=dispatcher_a, department=dept_a, handler=handler_a
    )
    assert offered(event, handler_a) == ["send_back", "feedback", "postpone_request"]
    assert "feedback" not in offered(event, dispatcher_a)


def test_a_public_report_is_verified_before_it_is_filed(grids, dispatcher_a, patroller_a):
    from township.grid import services

    event = services.event_report(
        actor=None, event_class="200110", lon=106.02, lat=29.05, description="市民反映垃圾", source="public"
    )
    event.case.refresh_from_db()
    assert event.case.state == S.VERIFYING  # sent to the grid worker on site first
    assert "register" not in offered(event, dispatcher_a)
    assert offered(event, patroller_a)[:2] == ["verify", "verify_false"]


def test_an_event_closed_after_its_due_time_stays_late(grids, patroller_a, dispatcher_a, handler_a, dept_a, client):
    """Issue 17.3 for the grid: closing a step late is a fact of the event (超期办结), on its page and in the API."""
    import datetime as dt

    from township.grid import services

    event = EventFactory(
        actor=patroller_a, state=S.HANDLING, dispatcher=dispatcher_a, department=dept_a, handler=handler_a
    )
    late = event.case.due_at + dt.timedelta(hours=1)
    services.event_cancel(event=event, actor=dispatcher_a, reason="重复上报")  # stops the clock now: in time
    event.case.refresh_from_db()
    assert not event.case.finished_late
    other = EventFactory(actor=patroller_a, lon=106.021, state=S.REGISTERED, dispatcher=dispatcher_a, department=dept_a)
    from township.cases.types import case_type_for

    case_type_for("grid_event").fire(other.case, "cancel", dispatcher_a, {"reason": "逾期作废"}, at=late)
    other.case.refresh_from_db()
    assert other.case.finished_late and other.case.warning() == "late"
    client.force_login(dispatcher_a)
    assert "超期办结" in client.get(f"/grid/events/{other.pk}/").content.decode()
    assert client.get(f"/api/v1/cases/{other.case_id}").json()["finished_late"] is True

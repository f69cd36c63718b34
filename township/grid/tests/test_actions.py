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

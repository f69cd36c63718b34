"""factory_boy factories of grid management: an event reported through the services (its case, clock, grid and
timeline written by the engine, never behind its back), then taken along the loop to the state a test needs.

    event = EventFactory(actor=patroller_a)                                   # 待受理, in the west grid
    event = EventFactory(actor=patroller_a, state=S.DISPATCHED, dispatcher=dispatcher_a, department=dept_a)
    event = EventFactory(actor=patroller_a, state=S.HANDLING, dispatcher=…, department=…, handler=handler_a)
"""

from __future__ import annotations

from typing import Any

import factory

from township.grid import services
from township.grid.machine import S
from township.grid.models import Event

STEPS = (S.REGISTERED, S.DISPATCHED, S.HANDLING)


class EventFactory(factory.Factory):
    class Meta:
        model = Event

    actor = None
    event_class = "200110"  # 暴露垃圾
    lon = 106.02
    lat = 29.05
    description = "路口有暴露垃圾"
    state = S.REPORTED
    dispatcher = None
    department = None
    handler = None

    @classmethod
    def _create(cls, model_class: type[Event], **kw: Any) -> Event:
        state, dispatcher, department, handler = (kw.pop(k) for k in ("state", "dispatcher", "department", "handler"))
        event = services.event_report(**kw)
        if state == S.REPORTED:
            return event
        wanted = STEPS.index(state)  # ValueError for a state this factory does not reach
        services.event_register(event=event, actor=dispatcher)
        if wanted >= STEPS.index(S.DISPATCHED):
            services.event_dispatch(event=event, actor=dispatcher, department=department)
        if wanted >= STEPS.index(S.HANDLING):
            services.event_accept(event=event, actor=handler)
        event.refresh_from_db()
        return event

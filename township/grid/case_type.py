"""The grid event case type declared to the engine (issue 10)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from township.cases.types import CaseType, MenuEntry, TimedJob
from township.grid.machine import MACHINE
from township.grid.models import Event
from township.org.models import GRID_ROLES, Role


def _escalate(now: datetime) -> dict[str, Any]:
    from township.grid.services import grid_escalate_overdue, grid_postponements_end

    return {"postponements_ended": grid_postponements_end(now), "escalations": grid_escalate_overdue(now)}


FIELD = (*GRID_ROLES, Role.DISPATCHER, Role.HANDLER, Role.LEADER)

EVENT = CaseType(
    machine=MACHINE,
    record=Event,
    page="grid:case",
    menu=(
        MenuEntry(_("调度台"), "grid:desk", roles=(Role.DISPATCHER, Role.LEADER), order=30),
        MenuEntry(_("网格地图"), "grid:map", roles=FIELD, order=31),
        MenuEntry(_("上报事件"), "grid:report", roles=GRID_ROLES, order=32),
        MenuEntry(_("网格管理"), "grid:grids", roles=(Role.DISPATCHER, Role.LEADER, Role.ADMINISTRATOR), order=33),
        MenuEntry(_("综合评价"), "grid:evaluation", roles=(Role.DISPATCHER, Role.LEADER), order=34),
        MenuEntry(_("移交执法"), "grid:handovers", roles=(Role.DISPATCHER, Role.LEADER), order=35),
        MenuEntry(_("超期督办"), "grid:escalations", roles=(Role.GRID_SUPERVISOR, Role.LEADER), order=36),
    ),
    timed=(TimedJob("grid.escalations", _escalate, every_seconds=300),),
    facts=lambda case: {"source": _source(case)},
)


def _source(case: Any) -> str:
    record = getattr(case, "_case_type_record", None)
    if record is not None:
        return str(record.source)
    return str(Event.objects.filter(case_id=case.pk).values_list("source", flat=True).first() or "")

"""Grid events accept matters forwarded from other case types (社情民意 → 网格事件, issue 14).

The intake files an event through grid's own ``event_report`` (its checks, its clock, its first steps): the class
comes from ``intake.extra["event_class"]``; the place from ``intake.location`` or, failing that, the centre of a
grid of the village (or of the town). A class open to the public is filed as a report from the public, so a grid
worker verifies it on site before 立案 (DOMAIN §1.5 核实); other classes need the forwarding person to be a grid
reporter of that unit, as for any report.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from township.core.errors import DomainError
from township.grid.errors import Code
from township.grid.models import EventClass, Grid, Source


def _place(intake: Any) -> tuple[float, float]:
    if intake.location:
        lon, lat = intake.location
        return float(lon), float(lat)
    unit = intake.village.pk if intake.village is not None else None
    grids = Grid.objects.filter(active=True)
    grid = None
    if unit:
        grid = grids.filter(village_id=unit).order_by("-level", "code").first()
    if grid is None:
        grid = grids.filter(jurisdiction_id=intake.origin.jurisdiction_id).order_by("-level", "code").first()
    if grid is None:
        raise DomainError(
            Code.LOCATION_OUTSIDE_GRIDS, _("该村（社区）尚未划分网格，无法转为网格事件"), field="location"
        )
    return grid.center_lon, grid.center_lat


def grid_event_intake(intake: Any) -> Any:
    """``CaseType.intake`` of grid events: create the event from the forwarded matter and return its case."""
    from township.grid.services import event_report

    code = str((intake.extra or {}).get("event_class") or "").strip()
    if not code:
        raise DomainError(Code.EVENT_CLASS_UNKNOWN, _("请选择事件类别"), field="event_class")
    ec = EventClass.objects.filter(code=code, active=True).first()
    if ec is None:
        raise DomainError(Code.EVENT_CLASS_UNKNOWN, _("部件事件类别 %(c)s 不存在") % {"c": code}, field="event_class")
    lon, lat = _place(intake)
    description = intake.description or intake.title
    if intake.origin is not None:
        description = _("【转办自%(n)s】%(d)s") % {"n": intake.origin.number, "d": description}
    event = event_report(
        actor=intake.actor,
        event_class=ec,
        lon=lon,
        lat=lat,
        description=description,
        address=str((intake.extra or {}).get("location") or "")[:200],
        source=Source.PUBLIC if ec.public else Source.PATROL,
        jurisdiction=intake.origin.jurisdiction_id,
        contact_name=intake.person_name,
        contact_phone=intake.person_phone,
    )
    return event.case

"""Field reads (issue 15): my 待办 (the workbench query, as rows small enough for a phone and its offline cache), the
events near me, the penalty cases I work on with the legal reviewer's opinion, my pending submissions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from township.cases import selectors as case_selectors
from township.cases.clock import remaining_text
from township.cases.models import Case, Warning
from township.cases.registry import machine_for
from township.cases.types import find_case_type
from township.field.models import Submission
from township.grid import selectors as grid_selectors
from township.org.models import GRID_ROLES, Role, User
from township.org.scoping import reach

WARNING_LABELS = dict(Warning.choices)
EARTH_RADIUS_M = 6_371_008.8


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (WGS-84 degrees in, metres out)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _box(lon: float, lat: float, meters: float) -> tuple[float, float, float, float]:
    dlat = meters / 111_000.0 * 1.01
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


@dataclass(frozen=True)
class TaskRow:
    id: int
    number: str
    title: str
    type_label: str
    state_label: str
    warning: str
    warning_label: str
    remaining: str
    due_at: datetime | None
    url: str


def _labels(case: Case) -> tuple[str, str]:
    try:
        m = machine_for(case.case_type)
    except LookupError:
        return case.case_type, str(case.state)
    return str(m.label), str(m.state_label(str(case.state)))


def case_url(case: Case) -> str:
    ct = find_case_type(case.case_type)
    return (ct.url_for(case) if ct is not None else None) or reverse("case-detail", args=[case.pk])


def my_tasks(*, actor: User, limit: int = 30, now: datetime | None = None) -> list[TaskRow]:
    """我的待办 (the workbench's query: cases the actor may act on, by due time)."""
    now = now or timezone.now()
    page = case_selectors.workbench_list(actor=actor, limit=limit, now=now)
    rows = []
    for c in page.items:
        type_label, state_label = _labels(c)
        level = c.warning(now)
        rows.append(
            TaskRow(
                id=c.pk,
                number=c.number,
                title=c.title,
                type_label=type_label,
                state_label=state_label,
                warning=str(level),
                warning_label=str(WARNING_LABELS.get(level, "")),
                remaining=str(remaining_text(c, now)),
                due_at=c.due_at,
                url=case_url(c),
            )
        )
    return rows


def is_field_worker(actor: User) -> bool:
    return bool(reach(actor, GRID_ROLES).codes)


def is_officer(actor: User) -> bool:
    return bool(reach(actor, (Role.ENFORCEMENT_OFFICER,)).codes)


def nearby_events(*, actor: User, lon: float, lat: float, radius_m: float = 1000, limit: int = 200) -> list[dict]:
    """Open events the actor may see within ``radius_m`` of a point, nearest first (with ``distance_m``)."""
    box = _box(lon, lat, radius_m)
    out = []
    for p in grid_selectors.event_map_points(actor=actor, bbox=box, limit=limit):
        d = distance_m(lon, lat, p["lon"], p["lat"])
        if d <= radius_m:
            out.append({**p, "distance_m": round(d)})
    return sorted(out, key=lambda p: p["distance_m"])


def my_penalty_cases(*, actor: User, limit: int = 50) -> list[Any]:
    """Open penalty cases the officer works on (as investigator), newest first, with the review opinion."""
    from township.enforcement import selectors as enf_selectors

    qs = enf_selectors.penalty_case_list(actor=actor).filter(case__closed_at__isnull=True).select_related("case")
    rows = [pc for pc in qs.order_by("-id")[: limit * 4] if actor.pk in (pc.investigators or [])]
    return rows[:limit]


def penalty_case_for_field(*, actor: User, case_id: int) -> Any:
    """A penalty case the actor may see (by its engine case id), with its evidence. Errors: not_found."""
    from township.enforcement import selectors as enf_selectors

    return enf_selectors.penalty_case_by_case(actor=actor, case_id=case_id)


def my_submissions(*, actor: User, limit: int = 20) -> list[Submission]:
    return list(Submission.objects.filter(user_id=actor.pk).order_by("-received_at", "-id")[:limit])

"""Patrol logs per grid and per person (巡查日志统计, issue 15): how many patrols, how far, how many track points and
on how many days, over a period — for the evaluation (考核) and the grid pages. Reads only; scoped through
``for_actor`` like every query of grid (fail-closed: no reach, no rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from township.grid.models import Patrol
from township.org.models import User

BY_PERSON = "person"
BY_GRID = "grid"


@dataclass(frozen=True)
class PatrolStat:
    key: int | None  # the user's or the grid's id (None: patrols not yet placed in a grid)
    label: str
    jurisdiction: str
    patrols: int
    finished: int
    distance_m: float
    points: int
    days: int

    @property
    def distance_km(self) -> float:
        return round(self.distance_m / 1000, 2)


def patrol_stats(
    *,
    actor: User | None,
    start: datetime,
    end: datetime,
    by: str = BY_PERSON,
    jurisdiction: str | None = None,
) -> list[PatrolStat]:
    """Patrols started in [start, end) grouped by person (``by="person"``) or by grid (``by="grid"``), most
    distance first. Two queries: the sums, and the distinct patrol days."""
    if by not in (BY_PERSON, BY_GRID):
        raise ValueError(by)
    qs = Patrol.objects.for_actor(actor).filter(started_at__gte=start, started_at__lt=end)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    if by == BY_PERSON:
        key, fields = "patroller_id", ("patroller_id", "patroller__full_name", "patroller__username", "jurisdiction_id")
    else:
        key, fields = "grid_id", ("grid_id", "grid__name", "grid__code", "jurisdiction_id")
    rows = (
        qs.values(*fields)
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(ended_at__isnull=False)),
            dist=Sum("distance_m"),
            pts=Sum("point_count"),
        )
        .order_by()
    )
    days: dict[tuple[object, str], int] = {}
    for r in qs.annotate(day=TruncDate("started_at")).values(key, "jurisdiction_id", "day").distinct().order_by():
        k = (r[key], r["jurisdiction_id"])
        days[k] = days.get(k, 0) + 1
    out = []
    for r in rows:
        if by == BY_PERSON:
            label = r["patroller__full_name"] or r["patroller__username"]
        else:
            label = f"{r['grid__name']}（{r['grid__code']}）" if r["grid_id"] else _("未定位到网格")
        out.append(
            PatrolStat(
                key=r[key],
                label=label,
                jurisdiction=r["jurisdiction_id"],
                patrols=r["n"],
                finished=r["done"],
                distance_m=float(r["dist"] or 0),
                points=int(r["pts"] or 0),
                days=days.get((r[key], r["jurisdiction_id"]), 0),
            )
        )
    return sorted(out, key=lambda s: (-s.distance_m, -s.patrols, s.label))

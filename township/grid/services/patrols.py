"""Patrols (巡查) with their GPS tracks, and the Open311 API keys."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import DomainError, NotFound, PermissionRefused
from township.grid import geo, spatial
from township.grid.errors import Code
from township.grid.models import Grid, Open311Key, Patrol, TrackPoint
from township.org.models import GRID_ROLES, Jurisdiction, Level, User
from township.org.scoping import has_role

# =============================================================================================
# Patrols
# =============================================================================================


@transaction.atomic
def patrol_start(*, actor: User, jurisdiction: str, grid: Grid | None = None, at: datetime | None = None) -> Patrol:
    """Start a patrol in a town (or a village: the patrol belongs to its town). Error codes: role_required."""
    unit = Jurisdiction.objects.filter(pk=jurisdiction).first()
    if unit is None:
        raise NotFound()
    town = unit.parent_id if unit.level == Level.VILLAGE else unit.pk
    village = unit.pk if unit.level == Level.VILLAGE else (grid.village_id if grid else None)
    if not has_role(actor, town, GRID_ROLES, village):
        raise PermissionRefused(Code.ROLE_REQUIRED, _("只有网格员可以记录巡查"))
    if grid is not None and grid.jurisdiction_id != town:
        raise DomainError(Code.GRID_OUT_OF_SCOPE, _("网格不属于该单位"), field="grid")
    return Patrol.objects.create(jurisdiction_id=town, grid=grid, patroller=actor, started_at=at or timezone.now())


@transaction.atomic
def patrol_track_add(*, patrol: Patrol, actor: User, points: Sequence[dict[str, Any]]) -> Patrol:
    """Append GPS points ({at, lon, lat, accuracy?, crs?}); keeps the distance and count current."""
    if patrol.patroller_id != actor.pk:
        raise NotFound()
    if patrol.ended_at is not None:
        raise DomainError(Code.PATROL_ENDED, _("巡查已结束，不能再添加轨迹"))
    last = (
        TrackPoint.objects.filter(jurisdiction_id=patrol.jurisdiction_id, patrol=patrol).order_by("-at", "-id").first()
    )
    rows = []
    prev = (last.lon, last.lat) if last else None
    dist = 0.0
    parsed = []
    for p in points:
        try:
            lon, lat = geo.to_wgs84(float(p["lon"]), float(p["lat"]), str(p.get("crs", "wgs84")))
            at = p.get("at") or timezone.now()
            if isinstance(at, str):
                at = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except (KeyError, TypeError, ValueError) as exc:
            raise DomainError(Code.TRACK_INVALID, _("轨迹点格式错误")) from exc
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        parsed.append((at, lon, lat, p))
    # A batch resent by a device (its answer was lost) adds nothing twice: a point at the same time and place as
    # one already stored for this patrol is skipped.
    known = set(
        TrackPoint.objects.filter(
            jurisdiction_id=patrol.jurisdiction_id, patrol=patrol, at__in=[x[0] for x in parsed]
        ).values_list("at", "lon", "lat")
    )
    for at, lon, lat, p in parsed:
        if (at, lon, lat) in known:
            continue
        known.add((at, lon, lat))
        if prev:
            dist += geo.haversine_m(prev[0], prev[1], lon, lat)
        prev = (lon, lat)
        rows.append(
            TrackPoint(
                jurisdiction_id=patrol.jurisdiction_id,
                patrol=patrol,
                at=at,
                lon=lon,
                lat=lat,
                accuracy_m=p.get("accuracy"),
            )
        )
    TrackPoint.objects.bulk_create(rows)
    _p = patrol
    values: dict[str, Any] = {"distance_m": _p.distance_m + dist, "point_count": _p.point_count + len(rows)}
    if patrol.grid_id is None and rows:
        # A patrol started without a grid belongs to the grid of its first point (for the logs per grid).
        grid_id = spatial.locate(rows[0].lon, rows[0].lat, patrol.jurisdiction_id)
        if grid_id is not None:
            values["grid_id"] = patrol.grid_id = grid_id
    Patrol.objects.filter(pk=_p.pk).update(**values)
    patrol.distance_m += dist
    patrol.point_count += len(rows)
    return patrol


@transaction.atomic
def patrol_end(*, patrol: Patrol, actor: User, note: str = "") -> Patrol:
    if patrol.patroller_id != actor.pk:
        raise NotFound()
    now = timezone.now()
    Patrol.objects.filter(pk=patrol.pk).update(ended_at=now, note=note)
    patrol.ended_at, patrol.note = now, note
    return patrol


# =============================================================================================
# Open311 keys
# =============================================================================================


def open311_key_create(*, name: str) -> tuple[Open311Key, str]:
    """A new api_key (shown once); only its SHA-256 is stored."""
    import hashlib

    raw = secrets.token_urlsafe(24)
    key = Open311Key.objects.create(name=name, key_sha256=hashlib.sha256(raw.encode()).hexdigest())
    return key, raw


def open311_key_check(raw: str | None) -> Open311Key | None:
    import hashlib

    if not raw:
        return None
    return Open311Key.objects.filter(key_sha256=hashlib.sha256(raw.encode()).hexdigest(), active=True).first()

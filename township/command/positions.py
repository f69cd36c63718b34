"""Positions from field devices (#12 item 3): batches stored once (idempotent by the device's ``client_id``), the
last position per person kept current, tracks per day, retention by the worker, and reads scoped so that only
people whose scope covers the person (领导, 调度员, 督导员 of that unit) see where they are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from township.command.models import LastPosition, Position
from township.core.errors import BadInput, NotFound
from township.org.models import GRID_ROLES, Level, Role, User
from township.org.scoping import grants_of, reach

FIELD_ROLES: tuple[str, ...] = (*GRID_ROLES, Role.ENFORCEMENT_OFFICER, Role.HANDLER)
MAX_BATCH = 500
# WGS-84 bounds of the country (with margin): a point outside is a device or unit error, not a place.
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Recorded:
    accepted: int
    duplicates: int


def _bad(code: str, message: str, field: str | None = None) -> BadInput:
    return BadInput(code, message, field)


def position_unit(actor: User, requested: str | None = None) -> str:
    """The town a device's positions belong to: the one asked for (if the actor works there in the field), or the
    only town where the actor holds a field role."""
    towns = sorted(
        {
            str(g.jurisdiction.parent_id) if g.jurisdiction.level == Level.VILLAGE else g.jurisdiction_id
            for g in grants_of(actor)
            if g.role in FIELD_ROLES
        }
    )
    if requested:
        if requested not in towns:
            raise _bad("position_unit_invalid", _("您在该单位没有外勤岗位，不能上报位置"), "jurisdiction")
        return requested
    if not towns:
        raise _bad("position_role_required", _("只有网格员、执法队员和处置人员可以上报位置"))
    if len(towns) > 1:
        raise _bad("position_unit_required", _("您在多个单位有外勤岗位，请指明上报的单位"), "jurisdiction")
    return towns[0]


def _parse(point: dict[str, Any], now: datetime, oldest: datetime, i: int) -> Position:
    field = f"points[{i}]"
    client_id = str(point.get("client_id") or "").strip()
    if not client_id or len(client_id) > 64:
        raise _bad(
            "position_invalid", _("第 %(n)d 个位置缺少设备流水号（client_id）") % {"n": i + 1}, f"{field}.client_id"
        )
    try:
        lon, lat = float(point["lon"]), float(point["lat"])
    except (KeyError, TypeError, ValueError):
        raise _bad("position_invalid", _("第 %(n)d 个位置的经纬度格式错误") % {"n": i + 1}, field) from None
    if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
        raise _bad("position_invalid", _("第 %(n)d 个位置不在境内（WGS-84 经纬度）") % {"n": i + 1}, field)
    at = point.get("at")
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            at = None
    if not isinstance(at, datetime):
        raise _bad("position_invalid", _("第 %(n)d 个位置的定位时间格式错误") % {"n": i + 1}, f"{field}.at")
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + FUTURE_TOLERANCE or at < oldest:
        raise _bad("position_invalid", _("第 %(n)d 个位置的定位时间超出允许范围") % {"n": i + 1}, f"{field}.at")
    accuracy = point.get("accuracy")
    try:
        accuracy_m = None if accuracy in (None, "") else float(accuracy)
    except (TypeError, ValueError):
        raise _bad("position_invalid", _("第 %(n)d 个位置的精度格式错误") % {"n": i + 1}, f"{field}.accuracy") from None
    if accuracy_m is not None and not 0 <= accuracy_m <= 100_000:
        raise _bad("position_invalid", _("第 %(n)d 个位置的精度超出范围") % {"n": i + 1}, f"{field}.accuracy")
    return Position(client_id=client_id, device_time=at, lon=lon, lat=lat, accuracy_m=accuracy_m, received_at=now)


@transaction.atomic
def positions_record(*, actor: User, points: Sequence[dict[str, Any]], jurisdiction: str | None = None) -> Recorded:
    """Store a batch (all or nothing when one point is malformed); points already stored are skipped."""
    if not points:
        return Recorded(0, 0)
    if len(points) > MAX_BATCH:
        raise _bad("position_batch_too_large", _("一次最多上报 %(n)d 个位置") % {"n": MAX_BATCH}, "points")
    unit = position_unit(actor, jurisdiction)
    now = timezone.now()
    oldest = now - timedelta(days=settings.TOWNSHIP_POSITION_RETENTION_DAYS)
    parsed: dict[str, Position] = {}
    for i, p in enumerate(points):
        row = _parse(p, now, oldest, i)
        row.jurisdiction_id, row.user_id = unit, actor.pk
        parsed.setdefault(row.client_id, row)
    known = set(
        Position.objects.filter(jurisdiction_id=unit, user_id=actor.pk, client_id__in=list(parsed)).values_list(
            "client_id", flat=True
        )
    )
    fresh = [row for key, row in parsed.items() if key not in known]
    Position.objects.bulk_create(fresh, ignore_conflicts=True)
    if fresh:
        newest = max(fresh, key=lambda r: r.device_time)
        last = LastPosition.objects.select_for_update().filter(jurisdiction_id=unit, user_id=actor.pk).first()
        values = {
            "device_time": newest.device_time,
            "lon": newest.lon,
            "lat": newest.lat,
            "accuracy_m": newest.accuracy_m,
        }
        if last is None:
            LastPosition.objects.create(jurisdiction_id=unit, user_id=actor.pk, **values)
        elif newest.device_time > last.device_time:
            LastPosition.objects.filter(pk=last.pk, jurisdiction_id=unit).update(**values)
    return Recorded(accepted=len(fresh), duplicates=len(points) - len(fresh))


def positions_purge(now: datetime) -> dict[str, int]:
    """Timed work: drop positions older than the retention (and last positions as old)."""
    cutoff = now - timedelta(days=settings.TOWNSHIP_POSITION_RETENTION_DAYS)
    deleted, _detail = Position.objects.filter(device_time__lt=cutoff).delete()
    stale, _detail = LastPosition.objects.filter(device_time__lt=cutoff).delete()
    return {"positions_purged": deleted, "last_positions_purged": stale}


def _watch_units(actor: User | None) -> list[str]:
    from township.command.services import LEADING_ROLES

    return sorted(reach(actor, LEADING_ROLES).codes)


def last_positions(
    *, actor: User | None, unit: str | None = None, since: datetime | None = None
) -> QuerySet[LastPosition]:
    """Last positions of the people in units the actor watches (fail-closed: none for anyone else)."""
    units = _watch_units(actor)
    if unit:
        units = [u for u in units if u == unit]
    qs = LastPosition.objects.filter(jurisdiction_id__in=units).select_related("user")
    if since is not None:
        qs = qs.filter(device_time__gte=since)
    return qs.order_by("jurisdiction_id", "user_id")


# The 大屏 draws today's track of every field worker it shows: each thinned evenly to at most this many points (the
# first and last kept), read in one ordered statement of at most TRACKS_MAX_ROWS rows. One person's whole track is
# ``track`` (GET /api/v1/command/positions/track).
TRACK_POINTS = 240
TRACKS_MAX_ROWS = 60_000


@dataclass(frozen=True)
class DayTrack:
    user_id: int
    name: str
    points: list[tuple[float, float]]  # (lon, lat) in time order


def _thin(points: list[tuple[float, float]], limit: int) -> list[tuple[float, float]]:
    if len(points) <= limit:
        return points
    step = (len(points) - 1) / (limit - 1)
    return [points[round(i * step)] for i in range(limit)]


def day_tracks(
    *, actor: User | None, day: date, unit: str | None = None, per_person: int = TRACK_POINTS
) -> list[DayTrack]:
    """Every watched field worker's track on ``day`` (Beijing time), thinned for the map; only the units the actor
    watches (领导, 调度员, 督导员), ``unit`` narrowing to a town or a county's towns (never widening)."""
    units = _watch_units(actor)
    if unit:
        units = [u for u in units if u.startswith(unit)]
    if not units:
        return []
    start = timezone.make_aware(datetime.combine(day, time.min))
    rows = (
        Position.objects.filter(jurisdiction_id__in=units, device_time__gte=start, device_time__lt=start + timedelta(1))
        .order_by("user_id", "device_time", "id")
        .values_list("user_id", "lon", "lat")[:TRACKS_MAX_ROWS]
    )
    by_user: dict[int, list[tuple[float, float]]] = {}
    for user_id, lon, lat in rows:
        by_user.setdefault(user_id, []).append((lon, lat))
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in=sorted(by_user))}
    return [
        DayTrack(user_id, names.get(user_id, ""), _thin(points, per_person))
        for user_id, points in by_user.items()
        if len(points) > 1
    ]


def track(*, actor: User | None, user_id: int, day: date) -> list[Position]:
    """One person's positions on ``day`` (Beijing time), in order; 404 unless the actor watches their unit."""
    units = _watch_units(actor)
    start = timezone.make_aware(datetime.combine(day, time.min))
    rows = list(
        Position.objects.filter(
            jurisdiction_id__in=units,
            user_id=user_id,
            device_time__gte=start,
            device_time__lt=start + timedelta(days=1),
        ).order_by("device_time", "id")[:5000]
    )
    if not rows and not LastPosition.objects.filter(jurisdiction_id__in=units, user_id=user_id).exists():
        raise NotFound()
    return rows

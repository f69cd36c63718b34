"""Camera reads (issue 15), always scoped through ``for_actor`` with the viewing roles (fail-closed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from township.cameras.models import Camera, Snapshot
from township.cameras.services import CALL_ROLES, MANAGE_ROLES, VIEW_ROLES
from township.core.errors import NotFound
from township.org.models import User
from township.org.scoping import has_role, reach

if TYPE_CHECKING:
    from township.org.units import UnitChoice


def camera_queryset(*, actor: User | None) -> QuerySet[Camera]:
    return Camera.objects.for_actor(actor, VIEW_ROLES)


def camera_list(
    *,
    actor: User | None,
    q: str = "",
    village: str = "",
    grid: int | None = None,
    status: str = "",
    network: str = "",
    jurisdiction: str = "",
    unit: UnitChoice | None = None,
) -> QuerySet[Camera]:
    """Cameras in the actor's scope under the filters; ``unit``: the unit tree's choice (narrows, never widens)."""
    qs = camera_queryset(actor=actor).select_related("village", "grid", "jurisdiction")
    if unit:
        qs = qs.filter(unit.q("jurisdiction", "village"))
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(device_id__startswith=q) | Q(address__contains=q))
    if village:
        qs = qs.filter(village_id=village)
    if grid:
        qs = qs.filter(grid_id=grid)
    if status:
        qs = qs.filter(status=status)
    if network:
        qs = qs.filter(network=network)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    return qs.order_by("jurisdiction_id", "device_id", "id")


def camera_get(*, actor: User | None, pk: int) -> Camera:
    camera = camera_queryset(actor=actor).select_related("village", "grid", "jurisdiction").filter(pk=pk).first()
    if camera is None:
        raise NotFound()
    return camera


def camera_features(*, actor: User | None, jurisdiction: str = "") -> dict[str, Any]:
    """The cameras the actor sees as a GeoJSON FeatureCollection (points) for the map layer."""
    qs = camera_queryset(actor=actor)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    rows = qs.values_list("id", "device_id", "name", "status", "network", "lon", "lat")[:20000]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"id": pk, "device_id": dev, "name": name, "status": status, "network": network},
            }
            for pk, dev, name, status, network, lon, lat in rows
        ],
    }


def snapshot_list(*, camera: Camera, limit: int = 50) -> list[Snapshot]:
    return list(
        Snapshot.objects.filter(jurisdiction_id=camera.jurisdiction_id, camera=camera)
        .select_related("taken_by")
        .order_by("-taken_at", "-id")[:limit]
    )


def may_manage(actor: User | None, town: str) -> bool:
    return has_role(actor, town, MANAGE_ROLES)


def may_call(actor: User | None) -> bool:
    return bool(reach(actor, CALL_ROLES).codes)


def manage_towns(actor: User | None) -> list[str]:
    return sorted(reach(actor, MANAGE_ROLES).codes)


def may_view(actor: User | None) -> bool:
    r = reach(actor, VIEW_ROLES)
    return bool(r.codes or r.villages)


def snapshot_target_id(*, actor: User | None, camera: Camera, target: str, ref: str) -> int:
    """The id of the snapshot's target from what a user types on the camera page: its id, or the case number
    (白沙格〔2026〕000001) of a grid event or penalty case of the camera's town within the actor's reach (the owners'
    selectors decide). Errors: not_found."""
    from township.cameras.models import SnapshotTarget

    ref = (ref or "").strip()[:64]
    if ref.isdigit():
        return int(ref)
    found: Any = None
    if ref and target == SnapshotTarget.EVENT:
        from township.grid.selectors import event_queryset

        found = event_queryset(actor=actor).filter(jurisdiction_id=camera.jurisdiction_id, case__number=ref).first()
    elif ref and target == SnapshotTarget.PENALTY:
        from township.enforcement.selectors import penalty_case_list

        found = penalty_case_list(actor=actor).filter(jurisdiction_id=camera.jurisdiction_id, case__number=ref).first()
    if found is None:
        raise NotFound()
    return int(found.pk)

"""Grid endpoints (/api/v1/grid/): grids, point to grid, classes, events and their steps, map, evaluation,
patrols, handovers. Thin: every endpoint calls a selector or a service."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from township.cases.clock import WARNING_FIELDS, warning_of_values
from township.cases.registry import machine_for
from township.core import jsonout
from township.grid import evaluation, selectors, services, spatial
from township.grid.features_api import router as features_router
from township.grid.models import Event, Grid, Source

router = Router(tags=["grid"])


# --- schemas -----------------------------------------------------------------------------------


class GridOut(Schema):
    id: int
    code: str
    scheme: str
    name: str
    level: int
    jurisdiction: str
    division: str
    village: str | None
    parent_code: str | None
    area_km2: float
    center: list[float]


def _grid_out(g: Grid) -> dict[str, Any]:
    return {
        "id": g.pk,
        "code": g.code,
        "scheme": g.scheme,
        "name": g.name,
        "level": g.level,
        "jurisdiction": g.jurisdiction_id,
        "division": g.division_id,
        "village": g.village_id,
        "parent_code": g.parent.code if g.parent_id else None,
        "area_km2": g.area_km2,
        "center": [g.center_lon, g.center_lat],
    }


class LocateOut(Schema):
    lon: float
    lat: float
    grid: GridOut | None


class ClassOut(Schema):
    code: str
    kind: str
    major_code: str
    major_name: str
    minor_code: str
    name: str
    register_standard: str
    close_standard: str
    department_name: str
    urgency: str
    register_limit: int
    register_unit: str
    dispatch_limit: int
    dispatch_unit: str
    handle_limit: int
    handle_unit: str
    verify_limit: int
    verify_unit: str
    is_local: bool
    public: bool


class GridEventOut(Schema):
    id: int
    case_id: int  # its steps: GET/POST /api/v1/cases/{case_id}/actions[/{name}]
    number: str
    state: str
    state_label: str
    jurisdiction: str
    village: str | None
    grid: str | None
    event_class: str
    class_name: str
    source: str
    description: str
    address: str
    lon: float
    lat: float
    urgency: str
    department: str | None
    reported_at: datetime
    due_at: datetime | None
    warning: str
    ticket: str
    duplicate_of: int | None


# What the list answers with, and nothing more (township.grid.selectors.event_list_values): the page decodes these
# columns only, as plain values — no model instance per row.
EVENT_API_FIELDS = (
    *("id", "case_id", "case__number", "case__state", "case__case_type", "jurisdiction_id", "village_id"),
    *("grid__code", "event_class__code", "event_class__name", "source", "description", "address", "lon", "lat"),
    *("urgency", "department__name", "reported_at", "ticket", "duplicate_of_id"),
    *(f"case__{c}" for c in WARNING_FIELDS),
)


def _event_row_out(r: dict[str, Any], now: datetime, labels: dict[tuple[str, str], str]) -> dict[str, Any]:
    """``_event_out`` of a row of ``EVENT_API_FIELDS`` (the same keys and values; a test compares the two).
    ``labels``: the state labels this answer has translated so far (a page translates each state once)."""
    key = (r["case__case_type"], r["case__state"])
    label = labels.get(key)
    if label is None:
        label = labels[key] = machine_for(key[0]).state_label(key[1])
    return {
        "id": r["id"],
        "case_id": r["case_id"],
        "number": r["case__number"],
        "state": r["case__state"],
        "state_label": label,
        "jurisdiction": r["jurisdiction_id"],
        "village": r["village_id"],
        "grid": r["grid__code"],
        "event_class": r["event_class__code"],
        "class_name": r["event_class__name"],
        "source": r["source"],
        "description": r["description"],
        "address": r["address"],
        "lon": r["lon"],
        "lat": r["lat"],
        "urgency": r["urgency"],
        "department": r["department__name"],
        "reported_at": r["reported_at"],
        "due_at": r["case__due_at"],
        "warning": warning_of_values(r, now, prefix="case__"),
        "ticket": r["ticket"],
        "duplicate_of": r["duplicate_of_id"],
    }


def _event_out(e: Event) -> dict[str, Any]:
    return {
        "id": e.pk,
        "case_id": e.case_id,
        "number": e.case.number,
        "state": e.case.state,
        "state_label": e.case.state_label,
        "jurisdiction": e.jurisdiction_id,
        "village": e.village_id,
        "grid": e.grid.code if e.grid_id else None,
        "event_class": e.event_class.code,
        "class_name": e.event_class.name,
        "source": e.source,
        "description": e.description,
        "address": e.address,
        "lon": e.lon,
        "lat": e.lat,
        "urgency": e.urgency,
        "department": e.department.name if e.department_id else None,
        "reported_at": e.reported_at,
        "due_at": e.case.due_at,
        "warning": e.case.warning(),
        "ticket": e.ticket,
        "duplicate_of": e.duplicate_of_id,
    }


class EventPage(Schema):
    items: list[GridEventOut]
    next_before_id: int | None


class DuplicateOut(Schema):
    id: int
    number: str
    distance_m: float
    description: str


class ReportIn(Schema):
    event_class: str
    lon: float
    lat: float
    description: str
    crs: str = "wgs84"
    address: str = ""
    link_to: int | None = None


class MapPoint(Schema):
    id: int
    lon: float
    lat: float
    state: str
    number: str
    class_: str | None = None
    overdue: bool


class EvaluationRow(Schema):
    key: Any
    name: str
    counts: dict[str, int]
    rates: dict[str, float | None]
    score: float | None


class PatrolIn(Schema):
    jurisdiction: str
    grid: int | None = None


class PointIn(Schema):
    lon: float
    lat: float
    at: datetime | None = None
    accuracy: float | None = None
    crs: str = "wgs84"


class PatrolOut(Schema):
    id: int
    started_at: datetime
    ended_at: datetime | None
    distance_m: float
    point_count: int


# --- grids ----------------------------------------------------------------------------------


@router.get("/grids", response=list[GridOut])
def grids(request: HttpRequest, level: int | None = None, jurisdiction: str | None = None) -> Any:
    """Grids the user reaches. Error codes: none (empty list outside the user's units)."""
    return [_grid_out(g) for g in selectors.grid_list(actor=request.user, level=level, jurisdiction=jurisdiction)]


_GEOJSON_CACHE = jsonout.BodyCache(32)  # per process (the grids change rarely)


@router.get("/grids.geojson", response=dict)
def grids_geojson(request: HttpRequest, level: int | None = None, jurisdiction: str | None = None) -> Any:
    """The grids as a GeoJSON FeatureCollection (export; the map draws it). Served with an ETag (the grids the user
    reaches, their count and latest update): ``If-None-Match`` answers 304, and the serialised body is cached."""

    def build() -> bytes:
        grids = selectors.grid_list(actor=request.user, level=level, jurisdiction=jurisdiction)
        return jsonout.dumps(services.grid_export_geojson(grids=grids))

    return jsonout.etag_response(
        request,
        selectors.grid_geometry_stamp(actor=request.user, level=level, jurisdiction=jurisdiction),
        build,
        cache=_GEOJSON_CACHE,
        content_type="application/geo+json",
        cache_control="private, max-age=60, must-revalidate",
    )


@router.get("/grids/{grid_id}", response=GridOut)
def grid(request: HttpRequest, grid_id: int) -> Any:
    """One grid. Error codes: not_found."""
    return _grid_out(selectors.grid_get(actor=request.user, pk=grid_id))


@router.get("/locate", response=LocateOut, auth=None)
def locate(request: HttpRequest, lon: float, lat: float, crs: str = "wgs84") -> Any:
    """Point to grid (public): the third-level grid of a WGS-84 (or ``crs=gcj02``) point, or null."""
    from township.grid import geo

    wlon, wlat = geo.to_wgs84(lon, lat, crs)
    grid_id = spatial.locate(wlon, wlat)
    g = Grid.objects.select_related("parent").filter(pk=grid_id).first() if grid_id else None
    return {"lon": wlon, "lat": wlat, "grid": _grid_out(g) if g else None}


@router.get("/classes", response=list[ClassOut], auth=None)
def classes(request: HttpRequest, public_only: bool = False) -> Any:
    """Component and event classes (public reference data)."""
    return list(selectors.event_class_list(public_only=public_only))


# --- events ----------------------------------------------------------------------------------


@router.get("/events", response=EventPage)
def events(
    request: HttpRequest,
    state: str | None = None,
    grid: int | None = None,
    event_class: str | None = None,
    department: int | None = None,
    overdue: bool = False,
    before_id: int | None = None,
    limit: int = 50,
) -> Any:
    """Events in the user's units, newest first (keyset: ``before_id``). ``state`` may be comma-separated."""
    states = [s for s in (state or "").split(",") if s] or None
    rows = selectors.event_list_values(
        fields=EVENT_API_FIELDS,
        actor=request.user,
        state=states,
        grid=grid,
        event_class=event_class,
        department=department,
        overdue=overdue,
        before_id=before_id,
        limit=limit,
    )
    now = timezone.now()
    labels: dict[tuple[str, str], str] = {}
    # Serialised once (township.core.jsonout): the same JSON as the schema's, without ninja's per-item getters.
    return jsonout.json_response(
        {
            "items": [_event_row_out(r, now, labels) for r in rows],
            "next_before_id": rows[-1]["id"] if len(rows) == limit else None,
        }
    )


@router.post("/events", response={201: GridEventOut})
def report(request: HttpRequest, payload: Form[ReportIn], photos: File[list[UploadedFile]] = None) -> Any:  # type: ignore[assignment]
    """Report an event (grid worker): photo(s), location, class, description; located to its grid.
    Error codes: event_class_unknown, description_required, location_invalid, location_outside_grids,
    report_out_of_scope, duplicate_invalid, attachment_type, attachment_too_large."""
    link = None
    if payload.link_to:
        link = selectors.event_get(actor=request.user, pk=payload.link_to)
    event = services.event_report(
        actor=request.user,
        event_class=payload.event_class,
        lon=payload.lon,
        lat=payload.lat,
        description=payload.description,
        crs=payload.crs,
        address=payload.address,
        source=Source.API,
        photos=photos or [],
        link_to=link,
    )
    return Status(201, _event_out(event))  # the service's event, with its grid, town and village loaded


@router.get("/duplicates", response=list[DuplicateOut])
def duplicates(request: HttpRequest, event_class: str, lon: float, lat: float, crs: str = "wgs84") -> Any:
    """Open events of the same class nearby (offered before reporting). Error codes: event_class_unknown."""
    from township.grid import geo

    wlon, wlat = geo.to_wgs84(lon, lat, crs)
    found = services.event_duplicates_find(event_class=services._event_class(event_class), lon=wlon, lat=wlat)
    visible = set(
        selectors.event_queryset(actor=request.user)
        .filter(pk__in=[d.event.pk for d in found])
        .values_list("id", flat=True)
    )
    return [
        {
            "id": d.event.pk,
            "number": d.event.case.number,
            "distance_m": round(d.distance_m, 1),
            "description": d.event.description,
        }
        for d in found
        if d.event.pk in visible
    ]


@router.get("/events/{event_id}", response=GridEventOut)
def event(request: HttpRequest, event_id: int) -> Any:
    """One event. Error codes: not_found."""
    return _event_out(selectors.event_get(actor=request.user, pk=event_id))


class EscalationOut(Schema):
    id: int
    event: int
    number: str
    level: int
    state: str
    due_at: datetime
    at: datetime
    to_role: str
    to_jurisdiction: str
    event_closed: bool
    progress: str  # closed / moved_on / still_late / extended
    supervised_at: datetime | None
    supervised_by: str | None
    instruction: str


class EscalationPage(Schema):
    items: list[EscalationOut]
    next_before: int | None


class SuperviseIn(Schema):
    instruction: str


def _escalation_out(x: Any) -> dict[str, Any]:
    return {
        "id": x.pk,
        "event": x.event_id,
        "number": x.case.number,
        "level": x.level,
        "state": x.state,
        "due_at": x.due_at,
        "at": x.at,
        "to_role": x.to_role,
        "to_jurisdiction": x.to_jurisdiction_id,
        "event_closed": x.case.closed_at is not None,
        "progress": selectors.escalation_progress(x),
        "supervised_at": x.supervised_at,
        "supervised_by": str(x.supervised_by) if x.supervised_by_id else None,
        "instruction": x.instruction,
    }


@router.get("/escalations", response=EscalationPage)
def escalations(request: HttpRequest, status: str = "open", before: int | None = None, limit: int = 50) -> Any:
    """超期督办: escalations addressed to the caller (level 1: the town's grid supervisors; level 2: the next level's
    leaders), newest first; ``status`` open / supervised / all; keyset page with ``before``."""
    if status not in selectors.ESCALATION_STATUSES:
        status = "open"
    limit = max(1, min(limit, 200))
    rows = selectors.escalation_inbox(actor=request.user, status=status, before_id=before, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [_escalation_out(x) for x in rows], "next_before": rows[-1].pk if more else None}


@router.post("/escalations/{escalation_id}/supervise", response=EscalationOut)
def supervise(request: HttpRequest, escalation_id: int, payload: SuperviseIn) -> Any:
    """督办: write an instruction, recorded on the event's timeline. Error codes: not_found, not_addressee,
    instruction_required, already_supervised."""
    x = selectors.escalation_get(actor=request.user, pk=escalation_id)
    x = services.escalation_supervise(escalation=x, actor=request.user, instruction=payload.instruction)
    return _escalation_out(selectors.escalation_get(actor=request.user, pk=x.pk))


class MapColumns(Schema):
    """The compact map encoding (``format=columns``): parallel arrays, ``state``/``class`` index the legends."""

    count: int
    id: list[int]
    lon: list[float]
    lat: list[float]
    state: list[int]
    states: list[str]
    number: list[str]
    class_: list[int]  # as the rows' ``class_`` (``class`` is a keyword in most clients)
    classes: list[str]
    overdue: list[int]


_MAP_CACHE = jsonout.BodyCache(32)  # per process: a 大屏 or a dispatcher's map polls the same answer


@router.get("/map", response={200: list[MapPoint] | MapColumns})
def map_points(
    request: HttpRequest,
    bbox: str | None = None,
    state: str | None = None,
    event_class: str | None = None,
    limit: int = 5000,
    format: Literal["rows", "columns"] = "rows",
) -> Any:
    """Light points for the map: ``bbox=minlon,minlat,maxlon,maxlat``; open events unless ``state`` given.
    ``format=columns`` (what the map pages use) answers parallel arrays instead of one object per point.
    The body is serialised once, without validating each point. For a whole-unit scope the answer carries an ETag
    (the open points' version of the user's towns, the parameters, a 30-second window for 超期): ``If-None-Match``
    answers 304, and the body is built once per ETag in each server process (docs/grid.md, map)."""
    box = None
    if bbox:
        try:
            a, b, c, d = (float(x) for x in bbox.split(","))
            box = (a, b, c, d)
        except ValueError:
            box = None
    states = [s for s in (state or "").split(",") if s] or None
    args: dict[str, Any] = {"actor": request.user, "bbox": box, "states": states, "event_class": event_class}

    def build() -> bytes:
        data: Any
        if format == "columns":
            data = selectors.event_map_columns(**args, limit=limit)
        else:
            data = selectors.event_map_points(**args, limit=limit)
            for r in data:
                r["class_"] = r.pop("class")
        return jsonout.dumps(data)

    stamp = selectors.event_map_stamp(**args, limit=limit, encoding=format)
    if stamp is None:  # a scope by department or by grid: built every time
        return HttpResponse(build(), content_type="application/json")
    return jsonout.etag_response(request, stamp, build, cache=_MAP_CACHE)


@router.get("/evaluation", response=list[EvaluationRow])
def evaluation_view(
    request: HttpRequest,
    by: Literal["town", "village", "grid", "department", "reporter", "handler"] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Any:
    """Counts and rates (DOMAIN §1.7) by town, village, grid, department, reporter or handler (an unknown
    dimension, the empty one included, is a 422 naming ``by``); without ``by``, the totals."""
    rows = evaluation.evaluate_for(request.user, start=start, end=end, by=by)
    return [
        {
            **r,
            "rates": {k: (float(v) if v is not None else None) for k, v in r["rates"].items()},
            "score": float(r["score"]) if r["score"] is not None else None,
        }
        for r in rows
    ]


# --- patrols ----------------------------------------------------------------------------------


class PatrolStatOut(Schema):
    key: int | None
    label: str
    jurisdiction: str
    patrols: int
    finished: int
    distance_km: float
    points: int
    days: int


@router.get("/patrols/stats", response=list[PatrolStatOut], summary="巡查统计：按人员或网格的巡查次数、里程、天数")
def patrol_stats_view(
    request: HttpRequest,
    by: Literal["person", "grid"] = "person",
    start: datetime | None = None,
    end: datetime | None = None,
) -> Any:
    """Patrols started in [start, end) (default: this month) by person or by grid — the 巡查 figures of the
    evaluation; scoped to the actor's reach."""
    from township.grid.patrol_stats import patrol_stats

    end = end or timezone.now()
    start = start or timezone.localtime(end).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    rows = patrol_stats(actor=request.user, start=start, end=end, by=by)
    return [{**r.__dict__, "distance_km": r.distance_km} for r in rows]


@router.post("/patrols", response={201: PatrolOut})
def patrol_start(request: HttpRequest, payload: PatrolIn) -> Any:
    """Start a patrol. Error codes: role_required, not_found."""
    g = selectors.grid_get(actor=request.user, pk=payload.grid) if payload.grid else None
    return Status(201, services.patrol_start(actor=request.user, jurisdiction=payload.jurisdiction, grid=g))


def _my_patrol(request: HttpRequest, patrol_id: int) -> Any:
    return selectors.patrol_get(actor=request.user, pk=patrol_id)


@router.post("/patrols/{patrol_id}/points", response=PatrolOut)
def patrol_points(request: HttpRequest, patrol_id: int, points: list[PointIn]) -> Any:
    """Append GPS track points. Error codes: not_found, patrol_ended, track_invalid."""
    p = _my_patrol(request, patrol_id)
    return services.patrol_track_add(patrol=p, actor=request.user, points=[x.dict() for x in points])


@router.post("/patrols/{patrol_id}/end", response=PatrolOut)
def patrol_end(request: HttpRequest, patrol_id: int, note: str = "") -> Any:
    """End a patrol. Error codes: not_found."""
    return services.patrol_end(patrol=_my_patrol(request, patrol_id), actor=request.user, note=note)


router.add_router("/features", features_router)  # roads and rivers: township/grid/features_api.py

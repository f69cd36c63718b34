"""Grid selectors: every read is scoped by the actor (fail-closed) and shaped for its list."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from township.core import fetch, frozen
from township.core.citus import public_code_jurisdiction
from township.core.errors import NotFound
from township.core.keys import plain_key
from township.core.lookups import InPage
from township.grid import classes
from township.grid.machine import CASE_TYPE, OPEN_STATES, TIMED_STATES
from township.grid.models import (
    Escalation,
    Event,
    EventClass,
    EventPoint,
    Grid,
    GridStaff,
    Handover,
    MapFeature,
    Patrol,
)
from township.org.models import User

if TYPE_CHECKING:
    from township.org.units import UnitChoice

EVENT_LIST_RELATED = ("case", "event_class", "grid", "department", "village")
LEAD, ASSIST = "lead", "assist"  # the engine's Assignment.role: 承办 / 协办


def event_scope_q(actor: User | None) -> Q:
    """Events the actor may see (数据权限, fail-closed), the union of:

    - the whole-tenant part of the actor's grants (全部, 本单位 without a department, 本单位及以下 …);
    - 承办: events dispatched to one of the actor's departments; 协办: events whose case has an open assisting
      assignment to one of them;
    - taking part, inside the units where the actor holds a grant: events they reported or handle, and events in
      the grids they staff (and in the grids below those).
    """
    return _scope_of(*_scope_inputs(actor))


def _scope_inputs(actor: User | None) -> tuple[Q, Q, bool, tuple[int, list[str], Q] | None]:
    """Everything ``event_scope_q`` reads of the actor, as plain values (``Q`` of codes and ids): the whole-tenant
    part, the departments' part, whether the actor has departments, and — when taking part widens the scope — the
    actor's id, tenants and units. ``_scope_of`` builds the scope from these alone, so they are a complete key of it
    (``keys.plain_key``: the API's list keeps its statement by them)."""
    from township.org.scoping import reach, scope

    s = scope(actor)
    units = reach(actor)
    part = None
    if actor is not None and actor.pk is not None and (units.codes or units.villages) and not covers_reach(actor):
        tenants = sorted(units.codes | {town for town, _village in units.villages})  # the tenant key (Citus)
        part = (actor.pk, tenants, units.q("jurisdiction", "village"))
    return (
        s.tenant_q("jurisdiction", "village"),
        s.department_q("department", "jurisdiction"),
        bool(s.departments),
        part,
    )


def _scope_of(tenant: Q, departments: Q, has_departments: bool, part: tuple[int, list[str], Q] | None) -> Q:
    """``event_scope_q`` from ``_scope_inputs``: reads nothing else."""
    from township.cases.models import Assignment

    q = tenant | departments
    if has_departments:
        assisting = Assignment.objects.filter(departments, role=ASSIST, ended_at__isnull=True).values("case_id")
        q |= Q(case_id__in=assisting)
    if part is not None:
        user_id, tenants, units = part
        staffed = GridStaff.objects.filter(jurisdiction_id__in=tenants, user_id=user_id).values("grid_id")
        grids = Grid.objects.filter(
            Q(pk__in=staffed) | Q(parent_id__in=staffed) | Q(parent__parent_id__in=staffed),
            jurisdiction_id__in=tenants,
        ).values("pk")
        mine = Q(reporter_id=user_id) | Q(handler_id=user_id) | Q(grid_id__in=grids)
        q |= units & mine
    return q


def covers_reach(actor: User | None) -> bool:
    """Whether the whole-unit part of the actor's scope already covers every unit they reach (全部, or grants
    without a department): then their events are simply those of their units."""
    from township.org.scoping import reach, scope

    s, units = scope(actor), reach(actor)
    return units.codes <= s.codes and all(v in s.villages or v[0] in s.codes for v in units.villages)


def event_queryset(*, actor: User | None) -> QuerySet[Event]:
    """Every read of events goes through here (lists, pages, map, statistics, exports, the API)."""
    return Event.objects.filter(event_scope_q(actor))


def case_side(actor: User | None, **lookups: Any) -> Q:
    """Events whose case matches ``lookups`` (``state__in=…``, ``due_at__lte=…``), written so that the database
    reads only those cases — an index range of the case table (``cases_case_work``, ``cases_case_open_due``: tenant,
    type, state or due time) — instead of hashing every case of every type: the case's tenant is the event's (a row
    never changes its jurisdiction; the join is co-located for Citus) and among the actor's tenants, its type is the
    grid event's. Redundant with the scope, never wider (docs/performance.md, "Grid lists and the map")."""
    from township.org.scoping import reach

    r = reach(actor)
    tenants = sorted(r.codes | {town for town, _village in r.villages})
    return Q(
        case__jurisdiction_id__in=tenants,
        case__case_type=CASE_TYPE,
        case__jurisdiction_id=F("jurisdiction_id"),
        **{f"case__{key}": value for key, value in lookups.items()},
    )


def case_in_states(actor: User | None, states: list[str] | tuple[str, ...]) -> Q:
    """Events whose case is in one of ``states`` (``case_side``)."""
    return case_side(actor, state__in=list(states))


def _own_case(**lookups: Any) -> Subquery:
    """The id of the event's own case when it matches ``lookups``, as a scalar subquery: the database evaluates it
    per event (it cannot turn it into a join), so a list walks the events newest first by the primary key and stops
    at its page — a few hundred key lookups whatever the volume, where a join hashes every matching case first
    (1M bench: 132 ms → 3 ms). Worst case (a rare state) it walks the unit's events: no worse than the hash."""
    from township.cases.models import Case as CaseRow

    return Subquery(
        CaseRow.objects.filter(pk=OuterRef("case_id"), jurisdiction_id=OuterRef("jurisdiction_id"), **lookups)
        .order_by()
        .values("pk")[:1]
    )


def _event_page(
    *,
    scope: Q,
    state: str | list[str] | None = None,
    grid: int | None = None,
    event_class: str | None = None,
    department: int | None = None,
    source: str | None = None,
    overdue: bool = False,
    q: str = "",
    before_id: int | None = None,
    limit: int = 50,
    jurisdiction: str | None = None,
    unit: UnitChoice | None = None,
) -> InPage:
    """The page's events as a filter, newest first, keyset-paged by id (``before_id``); ``scope``: the actor's
    events (``event_scope_q``), the only part of the actor it reads; the filters match the (jurisdiction, …)
    indexes; ``unit``: the unit tree's choice (it narrows inside the actor's scope, never widens). Its ids (narrow rows, sorted and cut by the database) are read by the primary key (``InPage``: not by scanning
    every event); the related tables are then joined for the page only."""
    states = _states(state)
    size = max(1, min(limit, 500))

    def narrowed(rows: QuerySet[Any], key: str) -> QuerySet[Any]:
        """The filters an event and its open point share (the same column names; ``key``: the event's id)."""
        if jurisdiction:
            rows = rows.filter(jurisdiction_id=jurisdiction)
        if unit:
            rows = rows.filter(unit.q("jurisdiction", "village"))
        if grid:
            rows = rows.filter(grid_id=grid)
        if event_class:
            rows = rows.filter(event_class__code=event_class)
        if department:
            rows = rows.filter(department_id=department)
        if before_id:
            rows = rows.filter(**{f"{key}__lt": before_id})
        return rows

    if _from_points(states, source, overdue, q):
        # open states only, no filter of the event's own: the page's ids come from the open points' summary
        # (EventPoint, township/grid/points.py) by its index on (town, state, event), with each open event's case
        # state — no look at the case of every newer event in another state (a town's fresh reports no longer push
        # the 待处置 list's cost up; docs/performance.md)
        from township.grid import counts

        counts.flush()  # marks of this thread not yet flushed (a read inside the writing transaction)
        points = narrowed(EventPoint.objects.filter(scope, state__in=states), "event_id")
        return InPage(F("id"), points.order_by("-event_id").values("event_id")[:size])
    qs = narrowed(Event.objects.filter(scope), "id")
    if states:
        qs = qs.alias(own_case=_own_case(state__in=states)).filter(own_case__isnull=False)
    if source:
        qs = qs.filter(source=source)
    if overdue:
        late = _own_case(
            state__in=TIMED_STATES, due_at__lt=timezone.now(), clock_paused_at__isnull=True, closed_at__isnull=True
        )
        qs = qs.alias(late_case=late).filter(late_case__isnull=False)
    if q:
        qs = qs.filter(description__contains=q)
    return InPage(F("id"), qs.order_by("-id").values("id")[:size])


def _from_points(states: Sequence[str], source: str | None, overdue: bool, q: str) -> bool:
    """Whether ``_event_page`` reads the page's ids from the open points (open states, no filter of the event's own)."""
    return bool(states) and set(states) <= set(OPEN_STATES) and not (source or overdue or q)


def event_list(*, actor: Any, **filters: Any) -> list[Event]:
    """The page of events as instances with what a list shows (``EVENT_LIST_RELATED``; the grid's outline is not
    read). ``filters``: those of ``_event_page``."""
    page = _event_page(scope=event_scope_q(actor), **filters)
    rows = Event.objects.filter(page).select_related(*EVENT_LIST_RELATED).defer("grid__geometry")
    return list(rows.order_by("-id"))


# The API's pages, compiled once per process by a key of everything their SQL is built from (township/core/keys.py).
_PAGES = fetch.CompiledReads(size=512)


def event_list_values(*, fields: Sequence[str], actor: Any, **filters: Any) -> list[dict[str, Any]]:
    """The page of ``event_list(**filters)`` as plain dicts of ``fields`` (value paths such as ``case__number``):
    for a consumer that shows a fixed set of columns (the API), no model instance per row and no other column
    decoded — not the case's other dates, the reporter's encrypted phone, the grid's outline — and on PostgreSQL
    fetched in binary (township/core/fetch.py).

    The page's statement is compiled once per process for each key of what it is built from: the columns, the
    inputs of the actor's data scope (``_scope_inputs``: every grant, department and unit, by value) and the filters
    (building and compiling it cost more than running it). The overdue filter (it reads the time) and the pages after
    the first are compiled each time."""
    inputs = _scope_inputs(actor)
    unit = filters.get("unit")
    variable = filters.get("overdue") or filters.get("before_id")  # the time; a page after the first (not kept)
    key = (
        None
        if variable
        else plain_key("grid.event_list", tuple(fields), inputs, unit and unit.q(), _but(filters, "unit"))
    )
    if key is not None and _from_points(
        _states(filters.get("state")), filters.get("source"), False, filters.get("q", "")
    ):
        from township.grid import counts

        counts.flush()  # as _event_page does (a read inside the writing transaction)
    return _PAGES.rows(key, lambda: _values_of(tuple(fields)).filter(_event_page(scope=_scope_of(*inputs), **filters)))


def _states(state: str | list[str] | None) -> list[str]:
    return ([state] if isinstance(state, str) else list(state)) if state else []


def _but(filters: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in filters.items() if k != name}


@functools.cache
def _values_of(fields: tuple[str, ...]) -> QuerySet[Any]:
    """The list's ``values`` query of ``fields``, newest first, without a filter: built once per process (resolving
    a score of value paths through their joins was a sixth of a page), then cloned by each ``filter``. Never run
    itself (a ``filter`` makes a new query), so the threads share it."""
    return Event.objects.order_by("-id").values(*fields)


def event_get(*, actor: User | None, pk: int) -> Event:
    event = (
        event_queryset(actor=actor)
        .select_related(*EVENT_LIST_RELATED, "handler", "reporter", "duplicate_of__case", "case__jurisdiction")
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise NotFound()
    return event


def event_assisting_departments(*, event: Event) -> list[str]:
    """The names of the departments assisting on ``event`` (协办: open assisting assignments of its case)."""
    from township.cases.models import Assignment

    return list(
        Assignment.objects.filter(
            jurisdiction_id=event.jurisdiction_id, case_id=event.case_id, role=ASSIST, ended_at__isnull=True
        )
        .exclude(department__isnull=True)
        .order_by("id")
        .values_list("department__name", flat=True)
    )


def event_get_by_ticket(*, ticket: str) -> Event:
    """Public tracking by the ticket printed on the receipt (no personal data is shown)."""
    ticket = (ticket or "").strip().upper()
    jur = public_code_jurisdiction(ticket)
    if jur is None:  # a ticket made before the town's code was embedded: looked up in every town
        event = Event.objects.select_related("event_class").filter(ticket=ticket).first()
    else:  # routed to the town (Citus: both joined tables filtered by the key)
        event = (
            Event.objects.select_related("case", "event_class")
            .filter(jurisdiction_id=jur, case__jurisdiction_id=jur, ticket=ticket)
            .first()
        )
    if event is None:
        raise NotFound()
    return event


def _map_rows(
    *,
    actor: User | None,
    bbox: tuple[float, float, float, float] | None,
    states: list[str] | None,
    event_class: str | None,
    since: datetime | None,
    limit: int,
    jurisdiction: str | None,
) -> list[tuple[Any, ...]]:
    """The map's points, newest first. Open states (the map's default) come from the open points' summary
    (``EventPoint``, township/grid/points.py): one table, the event scope applied to its copied columns. Any other
    state (已结案 …) joins the events to their cases."""
    wanted = list(states or OPEN_STATES)
    summary = set(wanted) <= set(OPEN_STATES)
    inputs = _scope_inputs(actor)
    side = None if summary else case_in_states(actor, wanted)
    if summary:
        from township.grid import counts

        counts.flush()  # marks of this thread not yet flushed (a read inside the writing transaction)

    def build(moment: datetime, *box: float) -> QuerySet[Any]:
        qs: QuerySet[Any]
        if side is None:
            qs = EventPoint.objects.filter(_scope_of(*inputs), state__in=wanted)
            prefix, columns = "", ("event_id", "lon", "lat", "state", "number", "event_class_id")
        else:
            qs = Event.objects.filter(_scope_of(*inputs)).filter(side)
            prefix, columns = "case__", ("id", "lon", "lat", "case__state", "case__number", "event_class_id")
        if jurisdiction:
            qs = qs.filter(jurisdiction_id=jurisdiction)
        if box:
            minx, miny, maxx, maxy = box
            qs = qs.filter(lon__gte=minx, lon__lte=maxx, lat__gte=miny, lat__lte=maxy)
        if event_class:
            qs = qs.filter(event_class__code=event_class)
        if since:
            qs = qs.filter(reported_at__gte=since)
        # "overdue" is computed by the database: converting thousands of timestamps into Python datetimes took
        # about as long as the query itself (docs/performance.md, grid).
        overdue = Case(
            When(Q(**{f"{prefix}due_at__lt": moment, f"{prefix}state__in": TIMED_STATES}), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        page: QuerySet[Any] = qs.order_by(f"-{columns[0]}").annotate(overdue=overdue).values_list(*columns, "overdue")
        return page[: max(1, min(limit, 20000))]

    # Compiled once per key of everything but the moment and the box (township/core/fetch.py, CompiledReads), and
    # fetched in binary on PostgreSQL (a third of the time of the text rows).
    box = tuple(float(v) for v in bbox) if bbox else ()
    key = plain_key("grid.map", inputs, side, wanted, jurisdiction, len(box), event_class, since, limit)
    markers = (frozen.DATETIME_MARKER, *frozen.FLOAT_MARKERS[: len(box)])
    return _MAPS.rows(key, build, (timezone.now(), *box), markers)


_MAPS = fetch.CompiledReads(size=256)


MAP_FRESH_SECONDS = 30  # a cached map answer's 超期 flags are at most this old


def event_map_stamp(
    *,
    actor: User | None,
    bbox: tuple[float, float, float, float] | None = None,
    states: list[str] | None = None,
    event_class: str | None = None,
    since: datetime | None = None,
    limit: int = 5000,
    jurisdiction: str | None = None,
    encoding: str = "",
) -> tuple[Any, ...] | None:
    """Everything an answer of the map depends on, when it may be cached, else None: a whole-unit scope (its codes
    and villages are the whole event scope: no department, no grid of one's own) reading open states. The
    parameters, the version of the open points of the scope's towns (``points.stamp``: one aggregate over a few
    rows) and the current 30-second window (超期 is computed against the clock)."""
    import time

    from township.grid import counts, points
    from township.org.scoping import scope

    if states and not set(states) <= set(OPEN_STATES):
        return None
    s = scope(actor)
    if s.departments or not (s.codes or s.villages) or not covers_reach(actor):
        return None
    counts.flush()  # marks of this thread not yet flushed (a read inside the writing transaction)
    towns = s.codes | {town for town, _village in s.villages}
    return (
        sorted(s.codes),
        sorted(s.villages),
        bbox,
        sorted(states or OPEN_STATES),
        event_class,
        since,
        limit,
        jurisdiction,
        encoding,
        points.stamp(towns),
        int(time.time() // MAP_FRESH_SECONDS),
    )


def event_map_points(
    *,
    actor: User | None,
    bbox: tuple[float, float, float, float] | None = None,
    states: list[str] | None = None,
    event_class: str | None = None,
    since: datetime | None = None,
    limit: int = 5000,
    jurisdiction: str | None = None,
) -> list[dict[str, Any]]:
    """Light rows for the map (one query, no model instances): one dict per point (the API's ``format=rows``)."""
    rows = _map_rows(
        actor=actor,
        bbox=bbox,
        states=states,
        event_class=event_class,
        since=since,
        limit=limit,
        jurisdiction=jurisdiction,
    )
    names = classes.names({r[5] for r in rows})  # kept per process (township/grid/classes.py)
    return [
        {
            "id": r[0],
            "lon": r[1],
            "lat": r[2],
            "state": r[3],
            "number": r[4],
            "class": names.get(r[5], ""),
            "overdue": bool(r[6]),
        }
        for r in rows
    ]


def event_map_columns(
    *,
    actor: User | None,
    bbox: tuple[float, float, float, float] | None = None,
    states: list[str] | None = None,
    event_class: str | None = None,
    since: datetime | None = None,
    limit: int = 5000,
    jurisdiction: str | None = None,
) -> dict[str, Any]:
    """The same points as columns (the map's compact encoding, two statements): parallel arrays ``id``, ``lon``,
    ``lat``, ``number``, ``overdue`` (0/1), and ``state`` / ``class`` as small integers indexing the legends
    ``states`` / ``classes``. About a third of the rows encoding, and no object per point."""
    rows = _map_rows(
        actor=actor,
        bbox=bbox,
        states=states,
        event_class=event_class,
        since=since,
        limit=limit,
        jurisdiction=jurisdiction,
    )
    if not rows:
        return {k: [] for k in ("id", "lon", "lat", "state", "states", "number", "class_", "classes", "overdue")} | {
            "count": 0
        }
    ids, lons, lats, states, numbers, class_ids, overdue = (list(col) for col in zip(*rows, strict=True))
    state_legend = list(dict.fromkeys(states))
    class_legend = list(dict.fromkeys(class_ids))
    state_index = {s: i for i, s in enumerate(state_legend)}
    class_index = {c: i for i, c in enumerate(class_legend)}
    names = classes.names(class_legend)  # kept per process (township/grid/classes.py)
    out: dict[str, Any] = {
        "id": ids,
        "lon": lons,
        "lat": lats,
        "state": [state_index[s] for s in states],
        "states": state_legend,
        "number": numbers,
        "class_": [class_index[c] for c in class_ids],
        "classes": [names.get(c, "") for c in class_legend],
        "overdue": [1 if x else 0 for x in overdue],
    }
    out["count"] = len(ids)
    return out


def grid_geometry_stamp(
    *, actor: User | None, level: int | None = None, jurisdiction: str | None = None
) -> tuple[Any, ...]:
    """What the grids GeoJSON of this actor and filter depends on, in one aggregate over the (small) grid table:
    the count, the id sum and maximum, and the latest update. The API derives its ETag from it."""
    from django.db.models import Count, Max, Sum

    row = (
        grid_list(actor=actor, level=level, jurisdiction=jurisdiction)
        .order_by()
        .aggregate(n=Count("id"), s=Sum("id"), m=Max("id"), u=Max("updated_at"))
    )
    return (row["n"], row["s"], row["m"], row["u"].isoformat() if row["u"] else "", level, jurisdiction or "")


def grid_list(
    *,
    actor: User | None,
    level: int | None = None,
    jurisdiction: str | None = None,
    active: bool = True,
    unit: UnitChoice | None = None,
) -> QuerySet[Grid]:
    qs = Grid.objects.for_actor(actor).select_related("parent", "division")
    if level:
        qs = qs.filter(level=level)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    if unit:
        qs = qs.filter(unit.q("jurisdiction", "village"))
    if active:
        qs = qs.filter(active=True)
    return qs.order_by("jurisdiction_id", "level", "code")


def grid_staff_by_grid(*, grids: list[Grid]) -> dict[int, list[GridStaff]]:
    """The named staff of these grids in one query (for lists)."""
    out: dict[int, list[GridStaff]] = {}
    if not grids:
        return out
    codes = sorted({g.jurisdiction_id for g in grids})
    rows = GridStaff.objects.filter(jurisdiction_id__in=codes, grid_id__in=[g.pk for g in grids]).select_related("user")
    for row in rows:
        out.setdefault(row.grid_id, []).append(row)
    return out


def grid_by_code(*, jurisdiction: str, code: str) -> Grid | None:
    """The grid of that code in that town, or None (no actor: the caller has checked its scope on the town)."""
    return Grid.objects.filter(jurisdiction_id=jurisdiction, code=code).first()


def grid_get(*, actor: User | None, pk: int) -> Grid:
    grid = Grid.objects.for_actor(actor).select_related("parent", "division").filter(pk=pk).first()
    if grid is None:
        raise NotFound()
    return grid


def grid_public_list(*, jurisdiction: str | None = None, level: int | None = None) -> QuerySet[Grid]:
    """Grid outlines are public (the portal's map pick shows them)."""
    qs = Grid.objects.filter(active=True)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("level", "code")


def event_class_list(*, public_only: bool = False) -> QuerySet[EventClass]:
    qs = EventClass.objects.filter(active=True)
    if public_only:
        qs = qs.filter(public=True)
    return qs.order_by("code")


def handover_list(*, actor: User | None, limit: int = 200) -> list[Handover]:
    """Handovers of the events the actor may see."""
    qs = Handover.objects.for_actor(actor).filter(event__in=event_queryset(actor=actor).values("id"))
    return list(qs.select_related("event__case", "event__event_class", "actor")[:limit])


def escalation_list(*, actor: User | None, limit: int = 200) -> list[Escalation]:
    qs = Escalation.objects.for_actor(actor).filter(event__in=event_queryset(actor=actor).values("id"))
    return list(qs.select_related("case", "to_jurisdiction")[:limit])


ESCALATION_STATUSES = ("open", "supervised", "all")


def escalation_addressee_q(actor: User | None) -> Q:
    """Escalations addressed to the actor: to a role the actor holds, in the very unit the grant is for."""
    from township.org.scoping import grants_of

    q = Q(pk__in=[])  # fail-closed
    for grant in grants_of(actor):
        q |= Q(to_role=grant.role, to_jurisdiction_id=grant.jurisdiction_id)
    return q


def escalation_inbox(
    *, actor: User | None, status: str = "open", before_id: int | None = None, limit: int = 50
) -> list[Escalation]:
    """超期督办: overdue steps escalated to the actor (level 1 to the town's grid supervisors, level 2 to the leaders
    of the next level up), newest first, keyset-paged by id; ``status`` open / supervised / all."""
    qs = (
        Escalation.objects.for_actor(actor)
        .filter(escalation_addressee_q(actor))
        .select_related("event__event_class", "event__grid", "to_jurisdiction", "supervised_by")
        .prefetch_related("case")  # may be opened at the county: read by id, not joined (Citus)
    )
    if status == "open":
        qs = qs.filter(supervised_at__isnull=True)
    elif status == "supervised":
        qs = qs.filter(supervised_at__isnull=False)
    if before_id:
        qs = qs.filter(id__lt=before_id)
    return list(qs.order_by("-id")[: max(1, min(limit, 200))])


def escalation_progress(escalation: Escalation, now: datetime | None = None) -> str:
    """Where an escalated event stands now: ``closed``, ``moved_on`` (a new step has started), ``still_late`` (the
    same step, past its deadline) or ``extended`` (the same step, its deadline moved on)."""
    now = now or timezone.now()
    case = escalation.case
    if case.closed_at is not None:
        return "closed"
    if case.clock_started_at != escalation.step_started_at:
        return "moved_on"
    if case.due_at is not None and case.due_at < now:
        return "still_late"
    return "extended"


def escalation_open_count(*, actor: User | None) -> int:
    return Escalation.objects.for_actor(actor).filter(escalation_addressee_q(actor), supervised_at__isnull=True).count()


def escalation_get(*, actor: User | None, pk: int) -> Escalation:
    """One escalation addressed to the actor. Errors: not_found."""
    found = (
        Escalation.objects.for_actor(actor)
        .filter(escalation_addressee_q(actor), pk=pk)
        .select_related("event")  # the case may be opened at the county: read by id, not joined (Citus)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def patrol_list(*, actor: User | None, mine_only: bool = False, limit: int = 100) -> list[Patrol]:
    qs = Patrol.objects.for_actor(actor).select_related("grid", "patroller")
    if mine_only and actor is not None:
        qs = qs.filter(patroller=actor)
    return list(qs[:limit])


def patrol_get(*, actor: User | None, pk: int) -> Patrol:
    """The actor's own patrol (only the patroller adds points or ends it)."""
    patrol = Patrol.objects.for_actor(actor).filter(pk=pk, patroller=actor).first() if actor else None
    if patrol is None:
        raise NotFound()
    return patrol


def dispatch_departments(*, case: Any) -> list[tuple[int, str]]:
    """The departments an event of ``case`` can be dispatched to: its jurisdiction's active ones, by name."""
    from township.org.models import Department

    return list(
        Department.objects.filter(jurisdiction_id=case.jurisdiction_id, active=True)
        .order_by("name")
        .values_list("pk", "name")
    )


def duplicate_candidates(*, event: Event) -> list[tuple[int, str]]:
    """Open events that may be the same report as ``event`` (same class, near in space and time): (id, label)."""
    from township.grid.services import event_duplicates_find

    found = event_duplicates_find(
        event_class=event.event_class,
        lon=event.lon,
        lat=event.lat,
        at=event.reported_at,
        jurisdiction=event.jurisdiction_id,
        exclude=event.pk,
    )
    return [(d.event.pk, f"{d.event.case.number} · {d.event.description[:20]}（{d.distance_m:.0f}米）") for d in found]


# ---- the 大屏's grid level (command center drill-down county → town → village → grid) -------------------------


def screen_grids(*, town: str, village: str) -> list[tuple[str, str]]:
    """The active grids of a village as (code, name), for the 大屏's lowest drill-down level."""
    qs = Grid.objects.filter(jurisdiction_id=town, village_id=village, active=True).order_by("code")
    return list(qs.values_list("code", "name"))


CASE_GRID_FIELD = "grid_event__grid__code"  # on cases.Case: the grid its grid event fell in


def case_in_grid_q(code: str) -> Q:
    """A filter on cases.Case: the grid events that fell in grid ``code``."""
    return Q(**{CASE_GRID_FIELD: code})


def patrol_points_since(since: datetime) -> dict[tuple[int, str], list[tuple[int, datetime, float, float]]]:
    """The GPS points of patrols started since ``since``, by (patroller, town): [(point id, time, lon, lat)] in time
    order. For the command center's demo, which posts them as the phone does to the positions API."""
    from township.grid.models import TrackPoint

    out: dict[tuple[int, str], list[tuple[int, datetime, float, float]]] = {}
    rows = (
        TrackPoint.objects.filter(patrol__started_at__gte=since)
        .order_by("patrol__patroller_id", "at", "id")
        .values_list("patrol__patroller_id", "jurisdiction_id", "id", "at", "lon", "lat")
    )
    for user_id, town, pk, at, lon, lat in rows:
        out.setdefault((user_id, town), []).append((pk, at, lon, lat))
    return out


def map_feature_list(*, actor: User | None, kind: str = "", jurisdiction: str = "") -> QuerySet[MapFeature]:
    """Roads and rivers of the towns the actor reaches (fail-closed: no grant, no rows)."""
    qs = MapFeature.objects.for_actor(actor)
    if kind:
        qs = qs.filter(kind=kind)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    return qs.order_by("jurisdiction_id", "kind", "name", "id")


MAP_FEATURES_MAX = 20000


def _compact(geometry: dict[str, Any]) -> dict[str, Any]:
    """Coordinates to 5 decimals (about 1 m): what a map needs, a third less to send."""

    def line(points: list[list[float]]) -> list[list[float]]:
        return [[round(p[0], 5), round(p[1], 5)] for p in points]

    coords = geometry.get("coordinates") or []
    if geometry.get("type") == "MultiLineString":
        return {"type": "MultiLineString", "coordinates": [line(part) for part in coords]}
    return {"type": geometry.get("type"), "coordinates": line(coords)}


def map_features_geojson(*, actor: User | None, kind: str = "", jurisdiction: str = "") -> dict[str, Any]:
    """The roads and rivers as a compact GeoJSON FeatureCollection (one read; no bounding boxes or timestamps)."""
    rows = map_feature_list(actor=actor, kind=kind, jurisdiction=jurisdiction).values_list(
        "pk", "kind", "name", "geometry", "generated"
    )[:MAP_FEATURES_MAX]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": _compact(geometry),
                "properties": {"id": pk, "kind": k, "name": name, **({"generated": True} if generated else {})},
            }
            for pk, k, name, geometry, generated in rows
        ],
    }

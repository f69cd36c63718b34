"""The map's summary of the open events (``EventPoint``): one row per open event, kept current from the engine's
timeline, rebuilt on demand.

How a step reaches here: the same marks as the evaluation's day counts (``township.grid.counts``): every step of an
event writes a timeline entry of its case, each entry of a grid case marks the case, and the marked cases are
refreshed when the transaction commits (``counts.flush``). Refreshing counts one more change of the town's
``MapVersion`` (``bump``: it also makes a town's refreshes run one at a time; on PostgreSQL in the points' own
statement, before the recount); a case is one statement when its event is still open — an ``INSERT … SELECT`` of the event joined to its case, updating the point if it is there —
and one more ``DELETE`` when it closed (or was never registered, or was cancelled). Idempotent: refreshing twice, or
a case that did not change, rewrites the same row (and counts one change more, which only costs a cached map its
entry).

The map (``selectors.event_map_columns`` / ``event_map_points``) reads the open points here — one table, the town's
key, newest first, the event scope applied to the copied columns — instead of joining every open event in its box
to its case and sorting them (docs/grid.md, map; docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from township.core.frozen import INT_MARKER, FrozenStatement, compiled_select
from township.core.inserts import writes_in_with
from township.grid.machine import OPEN_STATES

# point column → the event's field it copies (through its case for the last three)
COLUMNS: dict[str, str] = {
    "jurisdiction_id": "jurisdiction_id",
    "event_id": "id",
    "case_id": "case_id",
    "village_id": "village_id",
    "grid_id": "grid_id",
    "department_id": "department_id",
    "reporter_id": "reporter_id",
    "handler_id": "handler_id",
    "event_class_id": "event_class_id",
    "lon": "lon",
    "lat": "lat",
    "reported_at": "reported_at",
    "state": "case__state",
    "number": "case__number",
    "due_at": "case__due_at",
}
KEY = ("jurisdiction_id", "event_id")


def _open(events: Any) -> Any:
    """The point columns of the open ones among ``events`` (a queryset of Event), as a values queryset."""
    select = events.filter(case__jurisdiction_id=F("jurisdiction_id"), case__state__in=list(OPEN_STATES)).order_by()
    # annotations under names of their own (a name may not repeat a model field), selected in this order
    return select.values(**{f"p_{column}": F(source) for column, source in COLUMNS.items()})


def _one_case() -> FrozenStatement:
    """One case's point (a report or a step moves one), compiled once per thread."""

    def build(case_id: int) -> Any:
        from township.grid.models import Event

        return _open(Event.objects.filter(case_id=case_id))

    return FrozenStatement(build, markers=(INT_MARKER,))


_ONE_CASE = _one_case()


def _upsert(
    select: tuple[str, list[Any], list[str]], point_model: Any, towns: Iterable[str] = ()
) -> list[tuple[int, str]]:
    """Insert or update the points that ``select`` (from ``_open``: its SQL, parameters and columns) answers;
    returns their (case id, town). ``towns``: bumped first (``bump``) — on PostgreSQL in the same statement, as a
    data-modifying ``WITH`` (its order inside the statement does not matter: a point is one case's, written only
    under that case's own row lock, and the statement ends before the recount that the version lock guards)."""
    sql, params, selected = select
    columns = [name.removeprefix("p_") for name in selected]
    qn = connection.ops.quote_name
    updates = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in columns if c not in KEY)
    statement = (
        f"INSERT INTO {qn(point_model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) {sql} "  # noqa: S608
        f"ON CONFLICT ({', '.join(qn(c) for c in KEY)}) DO UPDATE SET {updates} "
        f"RETURNING {qn('case_id')}, {qn('jurisdiction_id')}"
    )
    bumped = _bump_statement(towns)
    if bumped is not None and writes_in_with():
        statement, params = f"WITH bumped AS ({bumped[0]}) {statement}", [*bumped[1], *params]
    elif bumped is not None:
        with connection.cursor() as cursor:
            cursor.execute(*bumped)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def _bump_statement(towns: Iterable[str]) -> tuple[str, list[str]] | None:
    from township.grid.models import MapVersion
    from township.org.models import Jurisdiction

    codes = sorted(set(towns))
    if not codes:
        return None
    qn = connection.ops.quote_name
    table, version = qn(MapVersion._meta.db_table), qn("version")
    marks = ", ".join(["%s"] * len(codes))
    sql = (
        f"INSERT INTO {table} ({qn('jurisdiction_id')}, {version}) "  # noqa: S608 - names are ours
        f"SELECT {qn('code')}, 1 FROM {qn(Jurisdiction._meta.db_table)} WHERE {qn('code')} IN ({marks}) "
        f"ORDER BY {qn('code')} "
        f"ON CONFLICT ({qn('jurisdiction_id')}) DO UPDATE SET {version} = {table}.{version} + 1"
    )
    return sql, codes


def bump(towns: Iterable[str]) -> None:
    """One more change of these towns' summaries (``MapVersion``), first thing in the refreshing transaction, in one
    statement, town by town in code order. The towns' version rows then stay locked until it commits, so two
    refreshes of one town run one after the other, and each reads what the other wrote: no evaluation bucket is
    counted twice by two concurrent recounts (each deleting the rows it saw, then inserting its own), no point is
    left behind. Only towns that exist are counted: a mark left by a rolled-back transaction may name a town that
    went with it."""
    bumped = _bump_statement(towns)
    if bumped is not None:
        with connection.cursor() as cursor:
            cursor.execute(*bumped)


def refresh(case_ids: Iterable[int], towns: Iterable[str] | None = None) -> int:
    """Bring the points of these grid cases up to date; returns how many are open. ``towns``: the towns of their
    events when the caller knows them (``counts.flush`` does), else looked up."""
    from township.grid.models import Event, EventPoint

    ids = sorted(set(case_ids))
    if not ids:
        return 0
    with transaction.atomic(savepoint=False):  # inside counts.flush's transaction: no savepoint of its own
        if towns is None:
            towns = Event.objects.filter(case_id__in=ids).order_by().values_list("jurisdiction_id", flat=True)
        towns = set(towns)
        if len(ids) == 1:  # a report or a step: the statement compiled once
            select = _ONE_CASE.bind(ids[0])
        else:
            select = compiled_select(_open(Event.objects.filter(case_id__in=ids)))
        opened = _upsert(select, EventPoint, towns)  # the towns bumped first, or in the same statement
        missed = {town for _case, town in opened} - towns
        if missed:  # the caller's towns were stale (a case id used again after a rollback): count these too
            bump(missed)
        gone = set(ids) - {case for case, _town in opened}
        if gone:  # closed, not registered, cancelled, or no event (a rolled-back report)
            EventPoint.objects.filter(case_id__in=sorted(gone)).delete()
    return len(opened)


def rebuild(event_model: Any = None, point_model: Any = None, version_model: Any = None) -> int:
    """Every open event's point again (the migration's backfill and ``manage.py recount_grid_events``)."""
    if event_model is None or point_model is None or version_model is None:
        from township.grid.models import Event, EventPoint, MapVersion

        event_model, point_model, version_model = Event, EventPoint, MapVersion
    with transaction.atomic():
        before = set(point_model.objects.values_list("jurisdiction_id", flat=True).distinct())
        point_model.objects.all().delete()
        opened: list[tuple[int, str]] = []
        # town by town, both joined tables filtered by the town's key (Citus routes each to its shard)
        for town in sorted(set(event_model.objects.order_by().values_list("jurisdiction_id", flat=True).distinct())):
            events = event_model.objects.filter(jurisdiction_id=town, case__jurisdiction_id=town)
            opened += _upsert(compiled_select(_open(events)), point_model)
        towns = before | {town for _case, town in opened}
        towns |= set(version_model.objects.values_list("jurisdiction_id", flat=True))
        for town in sorted(towns):  # every cached map of these towns is stale
            version_model.objects.get_or_create(jurisdiction_id=town)  # never reset: a sum must not come back
            version_model.objects.filter(jurisdiction_id=town).update(version=F("version") + 1)
        return len(opened)


def stamp(tenants: Iterable[str]) -> int:
    """The sum of the towns' versions: it changes whenever one of their points does (each refresh adds one)."""
    from django.db.models import Sum

    from township.grid.models import MapVersion

    total = MapVersion.objects.filter(jurisdiction_id__in=sorted(set(tenants))).aggregate(n=Sum("version"))["n"]
    return int(total or 0)

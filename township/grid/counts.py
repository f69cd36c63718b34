"""综合评价's summary table (``EventDayCount``): kept current per (town, grid, day) bucket, rebuilt on demand.

A bucket is recounted from its events (a few dozen rows, one aggregate) whenever one of them takes a step, so the
evaluation reads a month of a town from a few thousand summary rows instead of joining every event to its case.

How a step reaches here: every change of an event's step facts (``township.grid.services.events``) comes with a
timeline entry of its case (``cases.CaseEvent``: the engine writes one on each transition, the services a note
otherwise), and each entry of a grid case marks it. The marked buckets are recounted at the end of the grid
service's transaction when it is the outermost one (``summarised``: they commit with the step), else when the
transaction commits (at once for an entry written outside a transaction), and before any evaluation or map read in
the same thread (a read inside the writing transaction sees its own writes). Marks of a transaction that rolled back
are recounted with the next commit's (a recount of an unchanged bucket rewrites the same rows).

Recounting is idempotent: touching a bucket twice, or one that did not change, costs an aggregate and rewrites
the same rows. ``rebuild()`` (``manage.py recount_grid_events``) recounts everything. The same marks keep the map's
open points current (``township.grid.points``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, ParamSpec, TypeVar

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from township.cases import numbering
from township.core.frozen import (
    DATETIME_MARKER,
    DATETIME_MARKER_2,
    INT_MARKER,
    MARKER,
    FrozenStatement,
    compiled_select,
)

CASE_TYPE = "grid_event"
GROUP = ("jurisdiction_id", "grid_id", "village_id", "department_id", "reporter_id", "handler_id")

_pending = threading.local()
P = ParamSpec("P")
R = TypeVar("R")


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def aggregates() -> dict[str, Any]:
    """The end-independent counts (DOMAIN §1.7); ``closed`` and ``closed_on_time`` are those of 应结案 events that
    are closed — the open ones past their deadline are added at read time against the evaluation's end."""
    live = Q(cancelled=False)
    registered = Q(registered_at__isnull=False)
    closed_due = registered & live & Q(postponed=False) & Q(closed_at__isnull=False)
    # "postponed" and "closed_on_time" are also Event fields: their counts come after every filter reading them
    return {
        "reported": Count("id"),
        "valid": Count("id", filter=Q(duplicate_of__isnull=True)),
        "registered": Count("id", filter=registered),
        "to_handle": Count("id", filter=Q(dispatched_at__isnull=False) & live),
        "handled": Count("id", filter=Q(handled_at__isnull=False)),
        "closed": Count("id", filter=closed_due),
        "handled_on_time": Count("id", filter=Q(handled_on_time=True)),
        "reworked": Count("id", filter=Q(rework_count__gt=0)),
        "closed_on_time": Count("id", filter=closed_due & Q(closed_on_time=True)),
        "postponed": Count("id", filter=Q(postpone_count__gt=0) & registered),
    }


def _grouped(events: Any) -> Any:
    """The counts of ``events`` (a queryset of Event) per bucket and group, as a values queryset."""
    tz = timezone.get_current_timezone()
    return (
        events.order_by()
        .annotate(day=TruncDate("reported_at", tzinfo=tz))
        .values(*GROUP, "day")
        .annotate(**aggregates())
    )


def _rows(events: Any, count_model: Any) -> list[Any]:
    return [count_model(**row) for row in _grouped(events)]


def _bucket(jur: Any, grid: Any, start: Any, end: Any) -> Q:
    return Q(jurisdiction_id=jur, grid_id=grid, reported_at__gte=start, reported_at__lt=end)


def _one_bucket(with_grid: bool) -> FrozenStatement:
    """One bucket's recount (a report or a step touches one), compiled once per thread: with a grid, or without
    (``grid_id IS NULL`` has no value to put in)."""

    def build(jur: str, *rest: Any) -> Any:
        from township.grid.models import Event

        grid, start, end = rest if with_grid else (None, *rest)
        return _grouped(Event.objects.filter(_bucket(jur, grid, start, end)))

    grid_marker = (INT_MARKER,) if with_grid else ()
    return FrozenStatement(build, markers=(MARKER, *grid_marker, DATETIME_MARKER, DATETIME_MARKER_2))


# per time zone (the day's bounds and the day of a report are local) and whether the bucket has a grid
_ONE_BUCKET: dict[tuple[str, bool], FrozenStatement] = {}


def _recount_select(chunk: list[tuple[str, int | None, date]]) -> tuple[str, list[Any], list[str]]:
    """The SELECT counting these buckets' rows: its SQL, parameters and column names."""
    if len(chunk) == 1:
        jur, grid, day = chunk[0]
        key = (timezone.get_current_timezone_name(), grid is not None)
        if key not in _ONE_BUCKET:
            _ONE_BUCKET[key] = _one_bucket(grid is not None)
        values = (jur, *(() if grid is None else (grid,)), day_start(day), day_start(day + timedelta(1)))
        return _ONE_BUCKET[key].bind(*values)
    from township.grid.models import Event

    events = Q(pk__in=[])
    for jur, grid, day in chunk:
        events |= _bucket(jur, grid, day_start(day), day_start(day + timedelta(1)))
    return compiled_select(_grouped(Event.objects.filter(events)))


def _recount(chunk: list[tuple[str, int | None, date]]) -> int:
    """Delete these buckets' rows and write them again from their events (``INSERT … SELECT``): two statements."""
    from township.grid.models import EventDayCount

    qn = connection.ops.quote_name
    table = qn(EventDayCount._meta.db_table)
    which, params = [], []
    for jur, grid, day in chunk:
        grid_sql = f"{qn('grid_id')} IS NULL" if grid is None else f"{qn('grid_id')} = %s"
        which.append(f"({qn('jurisdiction_id')} = %s AND {grid_sql} AND {qn('day')} = %s)")
        params += [jur, *(() if grid is None else (grid,)), connection.ops.adapt_datefield_value(day)]
    select, select_params, columns = _recount_select(chunk)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {' OR '.join(which)}", params)  # noqa: S608 - names are ours
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) {select}",  # noqa: S608 - names are ours
            select_params,
        )
        return max(int(cursor.rowcount), 0)


def refresh(buckets: Iterable[tuple[str, int | None, date]]) -> int:
    """Recount these (town, grid, day) buckets from their events; returns the rows written."""
    keys = sorted(set(buckets), key=lambda k: (k[0], k[1] or 0, k[2]))
    written = 0
    # In chunks: one OR-ed filter over hundreds of buckets is refused by SQLite ("misuse of aggregate function").
    for start in range(0, len(keys), REFRESH_CHUNK):
        with transaction.atomic(savepoint=False):  # inside flush's transaction: no savepoint of its own
            written += _recount(keys[start : start + REFRESH_CHUNK])
    return written


REFRESH_CHUNK = 100


def buckets_of_cases(case_ids: Iterable[int]) -> set[tuple[str, int | None, date]]:
    """The buckets of these cases' events (a case whose event is gone — a rolled-back report — has none)."""
    from township.grid.models import Event

    ids = sorted(set(case_ids))
    if not ids:
        return set()
    rows = Event.objects.filter(case_id__in=ids).order_by().values_list("jurisdiction_id", "grid_id", "reported_at")
    return {(jur, grid, timezone.localdate(at)) for jur, grid, at in rows}


def _known() -> dict[int, tuple[str, int | None, date]]:
    if not hasattr(_pending, "buckets"):
        _pending.buckets = {}
    known: dict[int, tuple[str, int | None, date]] = _pending.buckets
    return known


def note_bucket(event: Any) -> None:
    """The bucket of an event just created (``event_report``): the flush then recounts it without looking it up.
    A bucket is where the event was reported (town, grid, day), which no later step changes."""
    _known()[event.case_id] = (event.jurisdiction_id, event.grid_id, timezone.localdate(event.reported_at))


def _marked() -> set[int]:
    if not hasattr(_pending, "cases"):
        _pending.cases = set()
    return _pending.cases


def forget() -> None:
    """Drop this thread's marks and noted buckets without recounting (the tests: a rolled-back test's marks are not
    the next test's; in production they are recounted with the next commit's, which is harmless)."""
    _marked().clear()
    _known().clear()


def flush() -> int:
    """Recount the buckets of the grid cases marked by the engine's timeline since the last flush, and refresh their
    map points."""
    marked = _marked()
    if not marked:
        return 0
    ids = set(marked)
    marked.clear()
    known = _known()
    noted = {i: known[i] for i in ids if i in known}
    known.clear()  # a noted bucket serves only the flush of its own transaction
    from township.grid import points

    buckets = set(noted.values()) | buckets_of_cases(ids - noted.keys())
    # one transaction for both summaries: the request's own (``flush_in_place``: no savepoint), or one of their own
    with transaction.atomic(savepoint=False):
        # the map's open points (township/grid/points.py) first: bumping the towns' versions locks them until the
        # commit, so the recount below never runs beside another of the same town (no bucket counted twice)
        points.refresh(ids, towns={town for town, _grid, _day in buckets})
        return refresh(buckets)


def summarised(func: Callable[P, R]) -> Callable[P, R]:
    """``transaction.atomic`` for a service whose steps change the summaries: they are recounted at its end, before
    the same commit (``flush_in_place``)."""

    @functools.wraps(func)
    def inner(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic():
            with numbering.numbers_last():  # a report's case takes the town's number at the end, before the flush
                result = func(*args, **kwargs)
            flush_in_place()
            return result

    return inner


def flush_in_place() -> None:
    """Recount now, inside the caller's transaction, when it is the outermost one (a request's: the test case's own
    blocks do not count, as for Django's ``durable``). The summaries then commit with the step that changed them —
    one commit, not two, and the towns' map versions stay locked only for the commit itself. Inside a longer
    transaction (an import, the demo's year) the marks wait for its commit as before, recounted together."""
    blocks = connection.atomic_blocks
    if blocks and all(getattr(b, "_from_testcase", False) for b in blocks[:-1]):
        flush()


def _timeline_written(sender: Any, instance: Any, created: bool = False, **_kwargs: Any) -> None:
    if not created:
        return
    case = instance._state.fields_cache.get("case")  # the engine passes the case it moves
    case_type = case.case_type if case is not None else None
    if case_type is None:
        from township.cases.models import Case

        case_type = Case.objects.filter(pk=instance.case_id).values_list("case_type", flat=True).first()
    if case_type != CASE_TYPE:
        return
    _marked().add(instance.case_id)
    if transaction.get_connection().in_atomic_block:
        # Registered with every mark, not only the first of a thread's set: marks left by a transaction that rolled
        # back (its callbacks discarded) must not keep the next one's commit from flushing. A flush after the
        # first finds nothing marked and returns at once.
        transaction.on_commit(flush)
    else:  # autocommit: the entry is committed already
        flush()


def connect() -> None:
    from django.db.models.signals import post_save

    post_save.connect(_timeline_written, sender="cases.CaseEvent", dispatch_uid="grid.counts.timeline")


def rebuild(event_model: Any = None, count_model: Any = None) -> int:
    """Recount everything from the events (the migration's backfill and ``manage.py recount_grid_events``)."""
    if event_model is None or count_model is None:
        from township.grid.models import Event, EventDayCount

        event_model, count_model = Event, EventDayCount
    rows = _rows(event_model.objects.all(), count_model)
    with transaction.atomic():
        count_model.objects.all().delete()
        count_model.objects.bulk_create(rows, batch_size=2000)
    return len(rows)

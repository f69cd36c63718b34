"""Evaluation (综合评价) by region, department and post, with the formulas of DOMAIN §1.7.

Counts are one set-based aggregate over ``grid.Event`` (the services keep its step facts current);
the rates are pure functions of the counts, so the published example can be checked exactly:
应结案 972, 结案 911, 按期结案 737 → 结案率 93.72 %, 按期结案率 75.82 %.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.grid.models import Event

COUNT_LABELS = {
    "reported": _("上报数"),
    "valid": _("有效上报数"),
    "registered": _("立案数"),
    "to_handle": _("应处置数"),
    "handled": _("处置数"),
    "handled_on_time": _("按期处置数"),
    "due_to_close": _("应结案数"),
    "closed": _("结案数"),
    "closed_on_time": _("按期结案数"),
    "reworked": _("返工数"),
    "postponed": _("延期数"),
}

RATE_LABELS = {
    "register_rate": _("立案率"),
    "handle_rate": _("处置率"),
    "on_time_handle_rate": _("按期处置率"),
    "close_rate": _("结案率"),
    "on_time_close_rate": _("按期结案率"),
    "rework_rate": _("返工率"),
    "postpone_rate": _("延期率"),
}

# rate = numerator / denominator × 100 %, DOMAIN §1.7
FORMULAS = {
    "register_rate": ("registered", "valid"),
    "handle_rate": ("handled", "to_handle"),
    "on_time_handle_rate": ("handled_on_time", "to_handle"),
    "close_rate": ("closed", "due_to_close"),
    "on_time_close_rate": ("closed_on_time", "due_to_close"),
    "rework_rate": ("reworked", "handled"),
    "postpone_rate": ("postponed", "due_to_close"),
}

# 综合指标值: CJ/T 292's weights are not published (DOMAIN §1.7 [?]), so they are a setting.
# Lower is better for 返工率 and 延期率: they enter as (100 − rate).
DEFAULT_WEIGHTS = {
    "register_rate": 10,
    "handle_rate": 15,
    "on_time_handle_rate": 20,
    "close_rate": 20,
    "on_time_close_rate": 25,
    "rework_rate": 5,
    "postpone_rate": 5,
}
LOWER_IS_BETTER = {"rework_rate", "postpone_rate"}

DIMENSIONS = {
    "town": ("jurisdiction_id", "jurisdiction__name"),
    "village": ("village_id", "village__name"),
    "grid": ("grid_id", "grid__name"),
    "department": ("department_id", "department__name"),
    "reporter": ("reporter_id", "reporter__full_name"),
    "handler": ("handler_id", "handler__full_name"),
}


@dataclass
class Counts:
    reported: int = 0
    valid: int = 0
    registered: int = 0
    to_handle: int = 0
    handled: int = 0
    handled_on_time: int = 0
    due_to_close: int = 0
    closed: int = 0
    closed_on_time: int = 0
    reworked: int = 0
    postponed: int = 0


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator × 100, rounded half-up to two decimals; None when nothing is due."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rates(counts: Counts) -> dict[str, Decimal | None]:
    values = asdict(counts)
    return {name: percent(values[num], values[den]) for name, (num, den) in FORMULAS.items()}


def weights() -> dict[str, float]:
    from django.conf import settings

    return dict(getattr(settings, "GRID_EVALUATION_WEIGHTS", DEFAULT_WEIGHTS))


def composite(values: dict[str, Decimal | None], weight_map: dict[str, float] | None = None) -> Decimal | None:
    """综合指标值: the weighted mean of the available rates (0–100), weights from GRID_EVALUATION_WEIGHTS."""
    weight_map = weight_map if weight_map is not None else weights()
    total = Decimal(0)
    used = Decimal(0)
    for name, w in weight_map.items():
        v = values.get(name)
        if v is None or not w:
            continue
        score = Decimal(100) - v if name in LOWER_IS_BETTER else v
        total += Decimal(str(w)) * score
        used += Decimal(str(w))
    if not used:
        return None
    return (total / used).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _aggregates(end: datetime) -> dict[str, Any]:
    live = Q(cancelled=False)
    registered = Q(registered_at__isnull=False)
    # 应结案: registered, not cancelled, not postponed now, and closed or past its current deadline
    due = registered & live & Q(postponed=False) & (Q(closed_at__isnull=False) | Q(case__due_at__lte=end))
    return {
        "reported": Count("id"),
        "valid": Count("id", filter=Q(duplicate_of__isnull=True)),
        "registered": Count("id", filter=registered),
        "to_handle": Count("id", filter=Q(dispatched_at__isnull=False) & live),
        "handled": Count("id", filter=Q(handled_at__isnull=False)),
        "handled_on_time": Count("id", filter=Q(handled_on_time=True)),
        "due_to_close": Count("id", filter=due),
        "closed": Count("id", filter=due & Q(closed_at__isnull=False)),
        "closed_on_time": Count("id", filter=due & Q(closed_on_time=True)),
        "reworked": Count("id", filter=Q(rework_count__gt=0)),
        "postponed": Count("id", filter=Q(postpone_count__gt=0) & registered),
    }


def evaluate(
    events: QuerySet[Event],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    by: str | None = None,
    due_by: datetime | None = None,
) -> list[dict[str, Any]]:
    """Counts and rates of events reported in [start, end), optionally grouped by a dimension; 应结案 counts the
    open events past their deadline at ``due_by`` (default ``end``).

    ``events`` must already be scoped to the actor (``selectors.event_queryset``). One query. The pages and the
    API read ``evaluate_for`` (the summary table); this direct computation is its reference.
    """
    end = end or timezone.now()
    qs = events
    if start:
        qs = qs.filter(reported_at__gte=start)
    qs = qs.filter(reported_at__lt=end)
    aggregates = _aggregates(due_by or end)
    if by is None:
        row = qs.aggregate(**aggregates)
        counts = Counts(**{k: row[k] or 0 for k in asdict(Counts())})
        r = rates(counts)
        return [{"key": None, "name": str(_("合计")), "counts": asdict(counts), "rates": r, "score": composite(r)}]
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    key, name = DIMENSIONS[by]
    out = []
    for row in qs.order_by().values(key, name).annotate(**aggregates).order_by(key):
        counts = Counts(**{k: row[k] or 0 for k in asdict(Counts())})
        r = rates(counts)
        out.append(
            {
                "key": row[key],
                "name": row[name] or str(_("未指定")),
                "counts": asdict(counts),
                "rates": r,
                "score": composite(r),
            }
        )
    return out


# --- the summary path (issue 18) ---------------------------------------------------------------------------------

SUMMARY_FIELDS = ("reported", "valid", "registered", "to_handle", "handled", "handled_on_time", "reworked", "postponed")
SUMMARY_KEYS = {
    "town": "jurisdiction_id",
    "village": "village_id",
    "grid": "grid_id",
    "department": "department_id",
    "reporter": "reporter_id",
    "handler": "handler_id",
}


def summary_applies(actor: Any) -> bool:
    """Whether the actor's events are exactly those of whole units (towns, villages): then their counts can be read
    from ``EventDayCount``. Department scopes (承办/协办) and 'my grids' read the events directly."""
    from township.grid.selectors import covers_reach
    from township.org.scoping import scope

    if actor is None or getattr(actor, "pk", None) is None:
        return False
    s = scope(actor)
    return not s.departments and bool(s.codes or s.villages) and covers_reach(actor)


def evaluate_for(
    actor: Any, *, start: datetime | None = None, end: datetime | None = None, by: str | None = None
) -> list[dict[str, Any]]:
    """What ``evaluate(event_queryset(actor), …)`` returns, read from the summary table when the actor's scope is
    whole units: whole days from ``EventDayCount``; the open registered events of those days past their deadline
    at ``end`` counted live (``grid_event_open_reg``); the partial first and last days from the events. The
    statements do not grow with the events (tests/test_evaluation_summary.py)."""
    from township.grid import counts
    from township.grid.selectors import event_queryset

    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    events = event_queryset(actor=actor)
    if not summary_applies(actor):
        return evaluate(events, start=start, end=end, by=by)
    counts.flush()
    end = end or timezone.now()
    first_day = timezone.localdate(start) if start else None
    if start and start != counts.day_start(first_day):  # type: ignore[arg-type]
        first_day = first_day + timedelta(days=1)  # type: ignore[operator]
    last_day = timezone.localdate(end)  # exclusive: the day of ``end`` is partial (or empty at midnight)
    totals: dict[Any, Counts] = {}

    def add(key: Any, values: dict[str, int]) -> None:
        c = totals.setdefault(key, Counts())
        for name, n in values.items():
            setattr(c, name, getattr(c, name) + (n or 0))

    full_start = counts.day_start(first_day) if first_day else None
    full_end = counts.day_start(last_day)
    if full_start is not None and full_start >= full_end:  # no whole day in the period: a day at most
        return evaluate(events, start=start, end=end, by=by)
    _from_summary(actor, first_day, last_day, by, add)
    _open_past_due(actor, events, full_start, full_end, end, by, add)
    # the partial days at either end, straight from the events (a day at most each, on grid_event_reported)
    edges = []
    if start and full_start and start < full_start:
        edges.append((start, min(full_start, end)))
    if full_end < end:
        edges.append((max(full_end, start) if start else full_end, end))
    for a, b in edges:
        if a < b:
            for row in evaluate(events, start=a, end=b, by=by, due_by=end):
                add(row["key"], row["counts"])
    return _rows_out(totals, by)


def _from_summary(actor: Any, first_day: Any, last_day: Any, by: str | None, add: Any) -> None:
    from django.db.models import Sum

    from township.grid.models import EventDayCount
    from township.org.scoping import scope

    qs = EventDayCount.objects.filter(scope(actor).tenant_q("jurisdiction", "village"), day__lt=last_day)
    if first_day:
        qs = qs.filter(day__gte=first_day)
    sums = {f: Sum(f) for f in (*SUMMARY_FIELDS, "closed", "closed_on_time")}
    if by is None:
        row = qs.aggregate(**sums)
        add(None, _summary_counts(row))
        return
    key = SUMMARY_KEYS[by]
    for row in qs.order_by().values(key).annotate(**sums):
        add(row[key], _summary_counts(row))


def _summary_counts(row: dict[str, Any]) -> dict[str, int]:
    out = {f: int(row[f] or 0) for f in SUMMARY_FIELDS}
    out["closed"] = int(row["closed"] or 0)
    out["closed_on_time"] = int(row["closed_on_time"] or 0)
    out["due_to_close"] = out["closed"]  # + the open past their deadline, added by _open_past_due
    return out


def _open_past_due(
    actor: Any, events: QuerySet[Event], since: Any, until: Any, end: datetime, by: str | None, add: Any
) -> None:
    """应结案 among the open: registered, live, not postponed, not closed, past their deadline at ``end``. The
    case side reads only the open cases of the actor's towns due by ``end`` (``selectors.case_side``: an open
    event's case is open)."""
    from township.grid.selectors import case_side

    qs = events.filter(
        case_side(actor, closed_at__isnull=True, due_at__lte=end),
        closed_at__isnull=True,
        registered_at__isnull=False,
        cancelled=False,
        postponed=False,
        reported_at__lt=until,
    )
    if since:
        qs = qs.filter(reported_at__gte=since)
    aggregates = {"due_to_close": Count("id"), "closed_on_time": Count("id", filter=Q(closed_on_time=True))}
    # closed_on_time on an open event never happens in the services; counted as the direct path would, not closed
    if by is None:
        row = qs.aggregate(**aggregates)
        add(None, {"due_to_close": row["due_to_close"] or 0})
        return
    key = DIMENSIONS[by][0]
    for row in qs.order_by().values(key).annotate(**aggregates):
        add(row[key], {"due_to_close": row["due_to_close"] or 0})


def _names(by: str, keys: list[Any]) -> dict[Any, str]:
    from township.grid.models import Grid
    from township.org.models import Department, Jurisdiction, User

    ids = [k for k in keys if k is not None]
    if not ids:
        return {}
    if by in ("town", "village"):
        return dict(Jurisdiction.objects.filter(pk__in=ids).values_list("pk", "name"))
    if by == "grid":
        return dict(Grid.objects.filter(pk__in=ids).values_list("pk", "name"))
    if by == "department":
        return dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name"))


def _rows_out(totals: dict[Any, Counts], by: str | None) -> list[dict[str, Any]]:
    if by is None:
        counts = totals.get(None, Counts())
        r = rates(counts)
        return [{"key": None, "name": str(_("合计")), "counts": asdict(counts), "rates": r, "score": composite(r)}]
    from django.db import connection

    names = _names(by, list(totals))
    nulls_first = connection.vendor == "sqlite"  # as ``ORDER BY key`` puts them on each database
    out = []
    for key in sorted(totals, key=lambda k: ((k is None) != nulls_first, k if k is not None else 0)):
        counts = totals[key]
        r = rates(counts)
        out.append(
            {
                "key": key,
                "name": names.get(key) or str(_("未指定")),
                "counts": asdict(counts),
                "rates": r,
                "score": composite(r),
            }
        )
    return out

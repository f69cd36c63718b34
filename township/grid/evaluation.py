"""Evaluation (综合评价) by region, department and post, with the formulas of DOMAIN §1.7.

Counts are one set-based aggregate over ``grid.Event`` (the services keep its step facts current);
the rates are pure functions of the counts, so the published example can be checked exactly:
应结案 972, 结案 911, 按期结案 737 → 结案率 93.72 %, 按期结案率 75.82 %.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
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
    events: QuerySet[Event], *, start: datetime | None = None, end: datetime | None = None, by: str | None = None
) -> list[dict[str, Any]]:
    """Counts and rates of events reported in [start, end), optionally grouped by a dimension.

    ``events`` must already be scoped to the actor (``selectors.event_queryset``). One query.
    """
    end = end or timezone.now()
    qs = events
    if start:
        qs = qs.filter(reported_at__gte=start)
    qs = qs.filter(reported_at__lt=end)
    aggregates = _aggregates(end)
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

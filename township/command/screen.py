"""The 大屏 and its drill-down (county → town → village): the figures of one unit, computed from the engine's cases
with a handful of aggregate queries (every case type through the registry), for the dark screen and its JSON feed."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from typing import Any, cast
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from township.cases.models import Case, CaseDayCount
from township.cases.selectors import case_visible_q
from township.cases.types import all_indicators, find_case_type
from township.command.selectors import WarningFilter, warning_summary
from township.command.services import LEADING_ROLES
from township.core.errors import NotFound
from township.grid import selectors as grid_selectors
from township.org.models import Jurisdiction, Level, User
from township.org.scoping import reach

TREND_DAYS = 30


def _label(key: str) -> str:
    ct = find_case_type(key)
    return str(ct.label) if ct is not None else key


def watched_units(actor: User | None) -> list[Jurisdiction]:
    """The top units the actor watches as a leader (a county leader: the county; a town leader: the town)."""
    r = reach(actor, LEADING_ROLES)
    towns = list(Jurisdiction.objects.filter(code__in=sorted(r.codes)).exclude(level=Level.VILLAGE))
    return sorted(towns, key=lambda j: (len(j.code), j.code))


def resolve_unit(actor: User | None, code: str | None) -> Jurisdiction:
    """The unit to show: ``code`` when the actor watches it (a town of theirs, a county all of whose towns they
    reach… or a village of a watched town), else their highest unit; 404 for anything outside."""
    r = reach(actor, LEADING_ROLES)
    if not r.codes:
        raise NotFound()
    if not code:
        return watched_units(actor)[0]
    unit = Jurisdiction.objects.filter(code=code).first()
    if unit is None:
        raise NotFound()
    if unit.level == Level.VILLAGE:
        if str(unit.parent_id) in r.codes:
            return unit
        raise NotFound()
    if unit.code in r.codes:
        return unit
    raise NotFound()


def _scope(unit: Jurisdiction) -> tuple[Q, WarningFilter]:
    if unit.level == Level.VILLAGE:
        return Q(jurisdiction_id=unit.parent_id, village_id=unit.code), WarningFilter(
            jurisdiction=str(unit.parent_id), village=unit.code
        )
    if unit.level == Level.TOWN:
        return Q(jurisdiction_id=unit.code), WarningFilter(jurisdiction=unit.code)
    # A county (or above): its own code and its towns' as a list (an IN the town-leading partial indexes serve;
    # a LIKE on the code read the whole table's index at 10M cases).
    codes = Jurisdiction.objects.filter(code__startswith=unit.code).exclude(level=Level.VILLAGE).values_list("code")
    return Q(jurisdiction_id__in=sorted(c for (c,) in codes)), WarningFilter()


def _count_scope(actor: User | None, unit: Jurisdiction) -> Q:
    """The per-day counts of ``unit`` (only towns the actor watches as a leader)."""
    towns = sorted(reach(actor, LEADING_ROLES).codes)
    if unit.level == Level.VILLAGE:
        return Q(jurisdiction_id__in=towns, jurisdiction_id=unit.parent_id, village_code=unit.code)
    if unit.level == Level.TOWN:
        return Q(jurisdiction_id__in=towns, jurisdiction_id=unit.code)
    return Q(jurisdiction_id__in=[t for t in towns if t.startswith(unit.code)])


def children(unit: Jurisdiction) -> list[Jurisdiction]:
    return list(Jurisdiction.objects.filter(parent_id=unit.code).order_by("code"))


# 驾驶舱 themes: the case types of the apps behind each theme (by the app of the case type's record).
THEMES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "approval": (_("审批"), ("approval",)),
    "enforcement": (_("执法"), ("enforcement",)),
    "grid": (_("网格"), ("grid",)),
    "credit": (_("信用"), ("credit",)),
    "voices": (_("民生"), ("opinions", "hotline", "petitions", "mediation")),
}


def theme_case_types(theme: str) -> tuple[str, ...]:
    """The registered case types of a 驾驶舱 theme."""
    from township.cases.types import all_case_types

    apps = THEMES[theme][1]
    return tuple(ct.key for ct in all_case_types() if ct.record is not None and ct.record._meta.app_label in apps)


def resolve_grid(unit: Jurisdiction, code: str | None) -> tuple[str, str] | None:
    """The grid ``code`` of village ``unit`` as (code, name) — the 大屏's lowest level; 404 for any other."""
    if not code:
        return None
    if unit.level != Level.VILLAGE:
        raise NotFound()
    found = dict(grid_selectors.screen_grids(town=str(unit.parent_id), village=unit.code))
    if code not in found:
        raise NotFound()
    return code, found[code]


def screen_data(
    *,
    actor: User | None,
    unit: Jurisdiction,
    now: datetime | None = None,
    case_types: tuple[str, ...] = (),
    grid: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """The figures of ``unit`` (all case types, or only ``case_types`` for a 驾驶舱 theme); of one grid of a village
    when ``grid`` is given (see :func:`resolve_grid`)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    today = timezone.make_aware(datetime.combine(local.date(), time.min))
    month = today.replace(day=1)
    trend_from = today - timedelta(days=TREND_DAYS - 1)
    where, f = _scope(unit)
    if grid is not None:
        where &= grid_selectors.case_in_grid_q(grid[0])
        f = WarningFilter(**{**f.__dict__, "scope": grid_selectors.case_in_grid_q(grid[0])})
    cases = Case.objects.filter(case_visible_q(actor)).filter(where)
    if case_types:
        cases = cases.filter(case_type__in=list(case_types))
        f = WarningFilter(**{**f.__dict__, "case_types": case_types})

    # New and finished cases from the per-day counts the engine keeps current (a few rows per type and day).
    days = [(trend_from + timedelta(days=i)).date() for i in range(TREND_DAYS)]
    first_day = min(days[0], month.date())
    counted = CaseDayCount.objects.filter(_count_scope(actor, unit), day__gte=first_day, day__lte=local.date())
    if case_types:
        counted = counted.filter(case_type__in=list(case_types))
    per_type: dict[str, dict[str, int]] = {}
    series: dict[str, list[int]] = {}
    late_month = 0
    if grid is not None:  # one grid: its few cases directly (the per-day counts stop at the village)
        day = TruncDate("opened_at", tzinfo=timezone.get_current_timezone())
        closed_day = TruncDate("closed_at", tzinfo=timezone.get_current_timezone())
        opened_rows = (
            cases.filter(opened_at__gte=min(trend_from, month))
            .annotate(day=day)
            .values("case_type", "day")
            .annotate(opened=Count("id"), late=Value(0))
            .order_by()
        )
        late_rows = (
            cases.filter(closed_at__gte=month, finished_late=True)
            .annotate(day=closed_day)
            .values("case_type", "day")
            .annotate(opened=Value(0), late=Count("id"))
            .order_by()
        )
        day_rows: list[dict[str, Any]] = [*opened_rows, *late_rows]
    else:
        day_rows = list(
            counted.values("case_type", "day").annotate(opened=Sum("opened"), late=Sum("closed_late")).order_by()
        )
    for r in day_rows:
        t = per_type.setdefault(r["case_type"], {"today": 0, "month": 0})
        if r["day"] >= month.date():
            t["month"] += r["opened"]
            late_month += r["late"]
        if r["day"] == local.date():
            t["today"] += r["opened"]
        if r["day"] in days:
            series.setdefault(r["case_type"], [0] * TREND_DAYS)[days.index(r["day"])] += r["opened"]
    types = sorted((k for k in per_type if per_type[k]["month"]), key=lambda k: -per_type[k]["month"])
    summary = warning_summary(actor=actor, f=f, now=now, limit=10, by=("department",))
    counts = summary.counts

    open_by_state = (
        cases.filter(closed_at__isnull=True).values("case_type", "state").annotate(n=Count("id")).order_by("-n")[:40]
    )
    states: dict[str, list[dict[str, Any]]] = {}
    for r in open_by_state:
        ct = find_case_type(r["case_type"])
        label = ct.machine.state_label(r["state"]) if ct is not None else r["state"]
        states.setdefault(r["case_type"], []).append({"state": label, "n": r["n"]})

    kids = children(unit)
    child_rows: list[dict[str, Any]] = []
    if unit.level == Level.VILLAGE and grid is None:
        child_rows = _grid_rows(cases, unit, now, month)
    elif kids:
        key = "village_id" if unit.level == Level.TOWN else "jurisdiction_id"
        grouped: dict[str, dict[str, int]] = {
            r[key]: r
            for r in cases.filter(closed_at__isnull=True, **{f"{key}__in": [k.code for k in kids]})
            .values(key)
            .annotate(
                open=Count("id"),
                overdue=Count(
                    "id", filter=Q(clock_stopped_at__isnull=True, clock_paused_at__isnull=True, due_at__lt=now)
                ),
            )
            .order_by()
        }
        count_key = "village_code" if unit.level == Level.TOWN else "jurisdiction_id"
        for r in counted.filter(day__gte=month.date()).values(count_key).annotate(month=Sum("opened")).order_by():
            grouped.setdefault(r[count_key], {})["month"] = r["month"]
        for k in kids:
            g = grouped.get(k.code, {})
            child_rows.append(
                {
                    "code": k.code,
                    "link": "?" + urlencode({"unit": k.code}),
                    "name": k.name,
                    "open": g.get("open", 0),
                    "month": g.get("month", 0),
                    "overdue": g.get("overdue", 0),
                }
            )
        child_rows.sort(key=lambda r: (-r["overdue"], -r["open"], r["code"]))

    departments = [
        {
            "name": r["department__name"] or str(_("（未指定部门）")),
            "overdue": r["overdue"],
            "red": r["red"],
            "late": r["late"],
        }
        for r in summary.by["department"]
    ]

    town_codes = (
        [unit.code] if unit.level == Level.TOWN else ([str(unit.parent_id)] if unit.level == Level.VILLAGE else [])
    )
    if unit.level not in (Level.TOWN, Level.VILLAGE):
        town_codes = sorted(c for c in reach(actor, LEADING_ROLES).codes if c.startswith(unit.code) and len(c) == 9)
    # Indicators are computed per town: a village's screen shows none rather than its town's figures.
    indicators = indicator_figures(town_codes, month, now, case_types) if unit.level != Level.VILLAGE else []

    return {
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "grid": {"code": grid[0], "name": grid[1]} if grid is not None else None,
        "generated_at": local.strftime("%Y-%m-%d %H:%M:%S"),
        "kpis": [
            {"key": k, "label": _label(k), "today": per_type[k]["today"], "month": per_type[k]["month"]} for k in types
        ],
        "warnings": counts,
        "late_month": late_month,
        "trend": {
            "days": [d.strftime("%m-%d") for d in days],
            "series": [{"key": k, "label": _label(k), "data": v} for k, v in sorted(series.items())],
        },
        "states": [{"key": k, "label": _label(k), "rows": v} for k, v in states.items()],
        "children": child_rows,
        "departments": departments,
        "indicators": indicators,
    }


def _grid_rows(cases: Any, village: Jurisdiction, now: datetime, month: datetime) -> list[dict[str, Any]]:
    """The village's grids with their open, this month's and overdue grid events (the 大屏's grid level)."""
    grids = grid_selectors.screen_grids(town=str(village.parent_id), village=village.code)
    if not grids:
        return []
    field = grid_selectors.CASE_GRID_FIELD
    figures: dict[str, dict[str, int]] = {
        r[field]: r
        for r in cases.filter(**{f"{field}__in": [c for c, _n in grids]})
        .filter(Q(closed_at__isnull=True) | Q(opened_at__gte=month))
        .values(field)
        .annotate(
            open=Count("id", filter=Q(closed_at__isnull=True)),
            month=Count("id", filter=Q(opened_at__gte=month)),
            overdue=Count(
                "id",
                filter=Q(
                    closed_at__isnull=True,
                    clock_stopped_at__isnull=True,
                    clock_paused_at__isnull=True,
                    due_at__lt=now,
                ),
            ),
        )
        .order_by()
    }
    rows: list[dict[str, Any]] = [
        {
            "code": code,
            "link": "?" + urlencode({"unit": village.code, "grid": code}),
            "name": name,
            "open": figures.get(code, {}).get("open", 0),
            "month": figures.get(code, {}).get("month", 0),
            "overdue": figures.get(code, {}).get("overdue", 0),
        }
        for code, name in grids
    ]
    rows.sort(key=lambda r: (-r["overdue"], -r["open"], r["code"]))
    return rows


INDICATOR_TTL = 300  # seconds: monthly rates on a screen polled every 30 s need not be recomputed each time


def indicator_figures(
    town_codes: list[str], month: datetime, now: datetime, case_types: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Every registered indicator of the month for ``town_codes`` (summed over the towns), kept for
    ``INDICATOR_TTL`` seconds per (towns, month, types): the rates move slowly, the screen polls every 30 s, and
    a county's month is 30 towns' worth of closed cases. The 考核 page always computes afresh."""
    key = (
        "command.indicators:"
        + hashlib.sha256(
            repr((sorted(town_codes), month.isoformat(), sorted(case_types), get_language())).encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if cached is not None:
        return cast(list[dict[str, Any]], cached)
    rows = []
    for ct, ind in all_indicators():
        if case_types and ct.key not in case_types:
            continue
        num, den = ind.compute(town_codes, month, now)
        rows.append(
            {
                "key": ind.key,
                "label": str(ind.label),
                "type": str(ct.label),
                "rate": round(100 * num / den, 1) if den else None,
                "n": den,
            }
        )
    cache.set(key, rows, INDICATOR_TTL)
    return rows


def breadcrumb(unit: Jurisdiction, actor: User | None) -> list[Jurisdiction]:
    """From the actor's highest watched unit down to ``unit`` (links for drilling back up)."""
    top = {u.code for u in watched_units(actor)}
    chain = [unit]
    current = unit
    while current.code not in top and current.parent_id:
        current = Jurisdiction.objects.get(code=current.parent_id)
        chain.append(current)
    return list(reversed(chain))

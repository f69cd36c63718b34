"""Reads of the command center: the warnings center across every case type, 督办 and the inbox — all scoped
through the engine (``case_visible_q``: tenant reach, village grants, each case type's ``visible``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from township.cases import selectors as cs
from township.cases.models import Assignment, Case
from township.command.models import Notice, Supervision, SupervisionStatus
from township.core.errors import NotFound
from township.org.models import User
from township.org.scoping import reach

LEVELS = ("overdue", "red", "yellow", "normal", "paused")
LATE = "late"  # closed after the due time (超期办结): a fact kept on the case (``Case.finished_late``)


@dataclass(frozen=True)
class WarningFilter:
    case_type: str = ""
    case_types: tuple[str, ...] = ()  # a theme of the 驾驶舱 (several types); empty: all
    level: str = ""  # one of LEVELS, or "late"
    jurisdiction: str = ""
    village: str = ""
    department: int | None = None
    person: int | None = None
    q: str = ""
    opened_from: date | None = None
    opened_to: date | None = None
    scope: Q | None = None  # a further filter on the cases (e.g. the 大屏's grid level: the cases of one grid)


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _base(actor: User | None, f: WarningFilter) -> QuerySet[Case]:
    # The units the actor leads, as a plain conjunct: the visibility rule (an OR of per-type rules and owned cases)
    # cannot use an index, this can (the open-case partial indexes lead with the town).
    from township.command.services import LEADING_ROLES

    towns = sorted(reach(actor, LEADING_ROLES).codes)
    qs = Case.objects.filter(cs.case_visible_q(actor), jurisdiction_id__in=towns)
    if f.case_type:
        qs = qs.filter(case_type=f.case_type)
    if f.case_types:
        qs = qs.filter(case_type__in=list(f.case_types))
    if f.jurisdiction:
        qs = qs.filter(jurisdiction_id=f.jurisdiction)
    if f.village:
        qs = qs.filter(village_id=f.village)
    if f.scope is not None:
        qs = qs.filter(f.scope)
    if f.department is not None or f.person is not None:
        active = Assignment.objects.filter(case_id=OuterRef("pk"), jurisdiction_id=OuterRef("jurisdiction_id"))
        active = active.filter(ended_at__isnull=True)
        if f.department is not None:
            active = active.filter(department_id=f.department)
        if f.person is not None:
            active = active.filter(assignee_id=f.person)
        qs = qs.filter(Exists(active))
    if f.q:
        qs = qs.filter(Q(number__icontains=f.q) | Q(title__icontains=f.q))
    if f.opened_from:
        qs = qs.filter(opened_at__gte=_local_start(f.opened_from))
    if f.opened_to:
        qs = qs.filter(opened_at__lt=_local_start(f.opened_to) + timedelta(days=1))
    return qs


# 超期办结 in the warnings center: cases finished late in the last year (a rolling window, so the counts do not grow
# with the years of history kept); the fact itself stays on every case for good (``Case.finished_late``).
LATE_WINDOW = timedelta(days=365)


def _counted(now: datetime) -> Q:
    """Only open cases and those finished late lately can be at a level: the rest (most rows) is never read."""
    return Q(closed_at__isnull=True) | Q(finished_late=True, closed_at__gte=now - LATE_WINDOW)


def _level_q(level: str, now: datetime) -> Q:
    if level == LATE:
        return Q(finished_late=True, closed_at__gte=now - LATE_WINDOW)
    return Q(closed_at__isnull=True) & cs.warning_q(level, now)


def _summary_only(f: WarningFilter) -> bool:
    """Whether the filter is one the per-day counts (town, village, case type) can answer."""
    return not (f.department is not None or f.person is not None or f.q or f.opened_from or f.opened_to or f.scope)


def _late_from_day_counts(actor: User | None, f: WarningFilter, now: datetime) -> int:
    """超期办结 of the last year from ``CaseDayCount`` (kept current by the engine) instead of the cases."""
    from django.db.models import Sum

    from township.cases.models import CaseDayCount
    from township.command.services import LEADING_ROLES

    qs = CaseDayCount.objects.filter(
        jurisdiction_id__in=sorted(reach(actor, LEADING_ROLES).codes),
        day__gte=timezone.localdate(now - LATE_WINDOW),
        closed_late__gt=0,
    )
    if f.jurisdiction:
        qs = qs.filter(jurisdiction_id=f.jurisdiction)
    if f.village:
        qs = qs.filter(village_code=f.village)
    if f.case_type:
        qs = qs.filter(case_type=f.case_type)
    if f.case_types:
        qs = qs.filter(case_type__in=list(f.case_types))
    return int(qs.aggregate(n=Sum("closed_late"))["n"] or 0)


def warning_counts(*, actor: User | None, f: WarningFilter, now: datetime | None = None) -> dict[str, int]:
    """How many visible cases are at each level now (open cases, one query), and how many were finished late in
    the last year (from the per-day counts when the filter allows, else from the cases)."""
    now = now or timezone.now()
    base = _base(actor, WarningFilter(**{**f.__dict__, "level": ""}))
    if _summary_only(f):
        counts = dict(
            base.filter(closed_at__isnull=True).aggregate(
                **{level: Count("id", filter=_level_q(level, now)) for level in LEVELS}
            )
        )
        counts[LATE] = _late_from_day_counts(actor, f, now)
        return counts
    aggregates = {level: Count("id", filter=_level_q(level, now)) for level in (*LEVELS, LATE)}
    return dict(base.filter(_counted(now)).aggregate(**aggregates))


# What a row of the grouped read may be keyed by (those the requested breakdowns need): every breakdown is a roll-up
# of these (Case.lead_* is the active 承办, kept on the case by the engine), read index-only from
# cases_case_open_warn / cases_case_late_warn.
_GROUP_KEYS = ("jurisdiction_id", "case_type", "village_id", "lead_department_id", "lead_assignee_id")  # index order
BREAKDOWNS = ("unit", "department", "person", "case_type")
_ALL_LEVELS = (*LEVELS, LATE)


@dataclass(frozen=True)
class WarningSummary:
    """The levels' counts and the breakdowns by unit, department, person and case type, from two grouped reads."""

    counts: dict[str, int]
    by: dict[str, list[dict[str, Any]]]


_KEYS_OF = {
    "case_type": ("case_type",),
    "unit": ("jurisdiction_id", "village_id"),
    "department": ("lead_department_id",),
    "person": ("lead_assignee_id",),
}


def _grouped(actor: User | None, f: WarningFilter, now: datetime, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows keyed by ``keys`` (in the indexes' order) with a count per level: the open cases and those finished
    late in the last year as two reads, each an index-only scan of its own partial index (one read with an OR of
    the two would be a bitmap scan of the table's pages)."""
    base = _base(actor, WarningFilter(**{**f.__dict__, "level": ""}))
    open_q = base.filter(closed_at__isnull=True)
    late_q = base.filter(_level_q(LATE, now))
    open_counts = {level: Count("id", filter=cs.warning_q(level, now)) for level in LEVELS}
    if keys:
        reads = [*open_q.values(*keys).annotate(**open_counts).order_by()]
        reads += [*late_q.values(*keys).annotate(**{LATE: Count("id")}).order_by()]
    else:
        reads = [open_q.aggregate(**open_counts), late_q.aggregate(**{LATE: Count("id")})]
    return _sum_by(reads, keys)


def _sum_by(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """``rows`` summed per level for each distinct value of ``keys`` (a level a row lacks counts 0)."""
    sums: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        key = tuple(r[k] for k in keys)
        out = sums.get(key)
        if out is None:
            out = sums[key] = {**{k: r[k] for k in keys}, **dict.fromkeys(_ALL_LEVELS, 0)}
        for level in _ALL_LEVELS:
            out[level] += r.get(level) or 0
    return list(sums.values())


def _roll_up(rows: list[dict[str, Any]], by: str, limit: int) -> list[dict[str, Any]]:
    keys = _KEYS_OF[by]
    ranked = sorted(
        (r for r in _sum_by(rows, keys) if any(r[level] for level in _ALL_LEVELS)),
        key=lambda r: (-r["overdue"], -r["red"], -r["yellow"], tuple(str(r[k] or "") for k in keys)),
    )
    return ranked[:limit]


def _name(rows_by: dict[str, list[dict[str, Any]]]) -> None:
    """Names of the units, departments and people of the (limited) rows: one small read each."""
    from township.org.models import Department, Jurisdiction

    codes = {r[k] for r in rows_by.get("unit", []) for k in ("jurisdiction_id", "village_id") if r[k]}
    units = dict(Jurisdiction.objects.filter(code__in=sorted(codes)).values_list("code", "name")) if codes else {}
    for r in rows_by.get("unit", []):
        r["jurisdiction__name"] = units.get(r["jurisdiction_id"], "")
        r["village__name"] = units.get(r["village_id"], "") if r["village_id"] else ""
    ids = sorted({r["lead_department_id"] for r in rows_by.get("department", []) if r["lead_department_id"]})
    depts = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    for r in rows_by.get("department", []):
        r["department_id"] = r.pop("lead_department_id")
        r["department__name"] = depts.get(r["department_id"], "")
    ids = sorted({r["lead_assignee_id"] for r in rows_by.get("person", []) if r["lead_assignee_id"]})
    people: dict[int, tuple[str, str]] = (
        {
            pk: (full, user)
            for pk, full, user in User.objects.filter(pk__in=ids).values_list("pk", "full_name", "username")
        }
        if ids
        else {}
    )
    for r in rows_by.get("person", []):
        r["assignee_id"] = r.pop("lead_assignee_id")
        r["assignee__full_name"], r["assignee__username"] = people.get(r["assignee_id"], ("", ""))


def warning_summary(
    *,
    actor: User | None,
    f: WarningFilter,
    now: datetime | None = None,
    limit: int = 50,
    by: tuple[str, ...] = BREAKDOWNS,
) -> WarningSummary:
    """Counts per level and the breakdowns ``by`` ("unit" — town, village —, "department", "person" — the active
    承办 —, "case_type"), rows sorted by overdue, red, yellow. Two grouped reads — the open cases, those finished late
    in the last year (both index-only) — rolled up here, plus one small read per named breakdown."""
    now = now or timezone.now()
    needed = {k for name in by for k in _KEYS_OF[name]}
    rows = _grouped(actor, f, now, tuple(k for k in _GROUP_KEYS if k in needed))
    counts = {level: sum(r[level] for r in rows) for level in _ALL_LEVELS}
    rolled = {name: _roll_up(rows, name, limit) for name in by}
    _name(rolled)
    return WarningSummary(counts=counts, by=rolled)


def warning_breakdown(
    *, actor: User | None, f: WarningFilter, by: str, now: datetime | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """One breakdown of ``warning_summary`` (``by``: "case_type", "unit", "department" or "person")."""
    if by not in BREAKDOWNS:
        raise ValueError(by)
    return warning_summary(actor=actor, f=f, now=now, limit=limit, by=(by,)).by[by]


def warning_list(
    *, actor: User | None, f: WarningFilter, cursor: str | None = None, limit: int = 20, now: datetime | None = None
) -> cs.Page:
    """The cases at ``f.level`` (all open cases when empty), earliest due first, keyset pages."""
    now = now or timezone.now()
    qs = _base(actor, f)
    qs = qs.filter(_level_q(f.level, now)) if f.level else qs.filter(closed_at__isnull=True)
    return cs.keyset_by_due(qs, cursor=cursor, limit=limit)


# --- 督办 ------------------------------------------------------------------------------------------------------


def supervisions_visible(actor: User | None) -> QuerySet[Supervision]:
    """督办 the actor issued or must answer, and every 督办 on cases the actor may see as a leader."""
    if actor is None or not actor.is_authenticated:
        return Supervision.objects.none()
    from township.command.services import LEADING_ROLES
    from township.org.scoping import reach

    mine = Q(issued_by_id=actor.pk) | Q(responsible=actor.pk)
    lead = reach(actor, LEADING_ROLES).q("jurisdiction", None)
    return Supervision.objects.filter(mine | lead).distinct()


def supervision_list(
    *, actor: User | None, status: str = "", overdue: bool = False, mine: bool = False, now: datetime | None = None
) -> QuerySet[Supervision]:
    now = now or timezone.now()
    # the county supervises a town's case: read by id, not joined (Citus)
    qs = supervisions_visible(actor).select_related("issued_by", "answered_by").prefetch_related("case")
    if status in SupervisionStatus.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=SupervisionStatus.OPEN, due_at__lt=now)
    if mine and actor is not None:
        qs = qs.filter(responsible=actor.pk, status=SupervisionStatus.OPEN)
    return qs.order_by("status", "due_at", "id")


def supervision_get(*, actor: User | None, pk: int) -> Supervision:
    s = supervision_list(actor=actor).filter(pk=pk).first()
    if s is None:
        raise NotFound()
    return s


def supervisions_of_case(*, actor: User | None, case: Case) -> list[Supervision]:
    return list(
        supervisions_visible(actor)
        .filter(jurisdiction_id=case.jurisdiction_id, case=case)
        .select_related("issued_by", "answered_by")
        .order_by("-issued_at")
    )


# --- 站内通知 ----------------------------------------------------------------------------------------------------


def notices_for(actor: User | None, *, unread: bool = False) -> QuerySet[Notice]:
    if actor is None or not actor.is_authenticated:
        return Notice.objects.none()
    qs = Notice.objects.filter(recipient_id=actor.pk)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notice_get(*, actor: User | None, pk: int) -> Notice:
    n = notices_for(actor).filter(pk=pk).first()
    if n is None:
        raise NotFound()
    return n

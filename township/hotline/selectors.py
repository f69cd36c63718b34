"""Scoped reads of 12345 work orders (fail-closed) and the facts the guards need.

Who sees an order: the hotline centre of its town (受理员, 调度员, 领导 — the whole town), and otherwise the units
it is dispatched to: the 承办 department's and 协办 departments' staff, the lead village's staff, and whoever's
data scope covers the order's tenant (本单位, 全部 …).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from township.cases.models import Assignment
from township.core.errors import NotFound
from township.hotline.machine import DONE_STATES, OPEN_STATES
from township.hotline.models import DutyItem, ImportJob, Order
from township.hotline.periods import periods_for
from township.org.models import Role, User
from township.org.scoping import reach, scope

if TYPE_CHECKING:
    from township.org.units import UnitChoice

CENTRE_VIEW = (Role.HOTLINE_OPERATOR, Role.DISPATCHER, Role.LEADER)


def order_scope_q(actor: User | None) -> Q:
    """Orders the actor may see (fail-closed)."""
    return order_scope_of(*order_scope_inputs(actor))


def order_scope_inputs(actor: User | None) -> tuple[Q, Q, Q, Q | None, list[tuple[str, str]]]:
    """Everything ``order_scope_q`` reads of the actor, as plain values (``Q`` of codes and ids; the villages): the
    centre's reach, the whole-unit part, the 承办 departments' part, the departments' part for 协办 (None without
    departments) and the villages (a village's own orders). ``order_scope_of`` builds the scope from these alone."""
    s = scope(actor)
    return (
        reach(actor, CENTRE_VIEW).q("jurisdiction", "village"),
        s.tenant_q("jurisdiction", "village"),
        s.department_q("lead_department", "jurisdiction"),
        s.department_q("department", "jurisdiction") if s.departments else None,
        sorted(s.villages),
    )


def order_scope_of(centre: Q, tenant: Q, leading: Q, departments: Q | None, villages: list[tuple[str, str]]) -> Q:
    """``order_scope_q`` from ``order_scope_inputs``: reads nothing else."""
    q = centre | tenant | leading
    if departments is not None:
        assisting = Assignment.objects.filter(departments, role="assist", ended_at__isnull=True).values("case_id")
        q |= Q(case_id__in=assisting)
    for town, village in villages:
        q |= Q(jurisdiction_id=town, lead_village_id=village)
    return q


def order_queryset(*, actor: User | None) -> QuerySet[Order]:
    return Order.objects.filter(order_scope_q(actor)).select_related(
        "case", "village", "lead_department", "lead_village"
    )


def order_get(*, actor: User | None, pk: int) -> Order:
    order = order_queryset(actor=actor).filter(pk=pk).first()
    if order is None:
        raise NotFound()
    return order


def order_by_case(*, actor: User | None, case_id: int) -> Order:
    order = order_queryset(actor=actor).filter(case_id=case_id).first()
    if order is None:
        raise NotFound()
    return order


@dataclass
class OrderFilter:
    state: str = ""
    kind: str = ""
    urgency: str = ""
    department: int | None = None
    village: str = ""
    overdue: bool = False
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""

    @classmethod
    def from_query(cls, params: Any) -> OrderFilter:
        def _date(name: str) -> date | None:
            try:
                return date.fromisoformat(params.get(name) or "")
            except ValueError:
                return None

        dept = params.get("department") or ""
        return cls(
            state=params.get("state") or "",
            kind=params.get("kind") or "",
            urgency=params.get("urgency") or "",
            department=int(dept) if str(dept).isdigit() else None,
            village=params.get("village") or "",
            overdue=params.get("overdue") in ("1", "true", "on"),
            date_from=_date("date_from"),
            date_to=_date("date_to"),
            q=(params.get("q") or "").strip()[:100],
        )


def _local_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def order_list(*, actor: User | None, f: OrderFilter | None = None, unit: UnitChoice | None = None) -> QuerySet[Order]:
    """Orders in the actor's scope under ``f``; ``unit`` (the unit tree's choice) narrows to a town, or to a village
    as the 所属村 filter does (the caller's village or the village that handles it)."""
    f = f or OrderFilter()
    qs = order_queryset(actor=actor)
    if unit:
        qs = qs.filter(unit.q("jurisdiction", "village") | unit.q("jurisdiction", "lead_village"))
    if f.state == "open":
        qs = qs.filter(case__state__in=OPEN_STATES)
    elif f.state == "done":
        qs = qs.filter(case__state__in=DONE_STATES)
    elif f.state:
        qs = qs.filter(case__state=f.state)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.department:
        qs = qs.filter(lead_department_id=f.department)
    if f.village:
        qs = qs.filter(Q(village_id=f.village) | Q(lead_village_id=f.village))
    if f.overdue:
        qs = qs.filter(
            case__closed_at__isnull=True, case__clock_paused_at__isnull=True, case__due_at__lt=timezone.now()
        )
    if f.date_from:
        qs = qs.filter(called_at__gte=_local_start(f.date_from))
    if f.date_to:
        qs = qs.filter(called_at__lt=_local_start(f.date_to + timedelta(days=1)))
    if f.q:
        qs = qs.filter(
            Q(external_no__icontains=f.q)
            | Q(content__icontains=f.q)
            | Q(address__icontains=f.q)
            | Q(matter__icontains=f.q)
            | Q(case__number__icontains=f.q)
        )
    return qs.order_by("-called_at", "-id")


def duty_level(jurisdiction_id: str, matter: str) -> str:
    if not matter:
        return ""
    return (
        DutyItem.objects.filter(jurisdiction_id=jurisdiction_id, matter=matter).values_list("level", flat=True).first()
        or ""
    )


def order_facts(order: Order) -> dict[str, Any]:
    """What the guards read (see ``township.hotline.rules``)."""
    p = periods_for(order.jurisdiction_id, order.kind, order.urgency)
    return {
        "duty_level": duty_level(order.jurisdiction_id, order.matter),
        "matter": order.matter,
        "lead_department": order.lead_department_id,
        "lead_village": order.lead_village_id,
        "designated": order.designated,
        "return_count": order.return_count,
        "return_until": order.return_until.isoformat() if order.return_until else "",
        "extension_count": order.extension_count,
        "extension_max_count": p.extension_max_count,
        "extension_max_days": p.extension_max_days,
        "instant_answer": p.instant_answer,
        "satisfaction": order.satisfaction,
        "rework_rounds": order.rework_rounds,
        "max_rework": p.max_rework,
    }


def job_queryset(*, actor: User | None) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(reach(actor, CENTRE_VIEW).q("jurisdiction", None)).defer("content")


def job_get(*, actor: User | None, pk: int) -> ImportJob:
    job = job_queryset(actor=actor).filter(pk=pk).first()
    if job is None:
        raise NotFound()
    return job


def statistics(*, actor: User | None, start: datetime, end: datetime) -> dict[str, Any]:
    """Counts for the statistics page: by state, 诉求类型, 承办单位 and village, over orders called in [start, end)."""
    qs = order_queryset(actor=actor).filter(called_at__gte=start, called_at__lt=end)
    by_state = dict(qs.values_list("case__state").annotate(n=Count("id")).values_list("case__state", "n"))
    by_kind = dict(qs.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    by_unit = list(
        qs.exclude(lead_department__isnull=True, lead_village__isnull=True)
        .values("lead_department__name", "lead_village__name")
        .annotate(n=Count("id"))
        .order_by("-n")[:20]
    )
    by_village = list(qs.exclude(village__isnull=True).values("village__name").annotate(n=Count("id")).order_by("-n"))
    overdue = qs.filter(
        case__closed_at__isnull=True, case__clock_paused_at__isnull=True, case__due_at__lt=timezone.now()
    ).count()
    return {
        "total": qs.count(),
        "by_state": by_state,
        "by_kind": by_kind,
        "by_unit": by_unit,
        "by_village": by_village,
        "overdue": overdue,
    }

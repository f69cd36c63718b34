"""考核 (#12 item 5): every registered indicator of every case type, for a town, its departments and its staff, per
month; computed on demand while a draft, ranked, frozen once published. Formulas: docs/evaluation.md."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from township.cases.types import all_indicators
from township.command.errors import CommandConflict, CommandError, CommandForbidden
from township.command.models import EvaluationPeriod, EvaluationScore, EvaluationStatus
from township.command.services import LEADING_ROLES
from township.core.errors import NotFound
from township.org.models import Department, Jurisdiction, Level, User
from township.org.scoping import has_role, reach

GROUP_LABELS = {
    "unit": gettext_lazy("单位"),
    "department": gettext_lazy("部门"),
    "person": gettext_lazy("人员"),
    "window": gettext_lazy("窗口"),
    "grid": gettext_lazy("网格"),
}
UNASSIGNED = {
    "department": gettext_lazy("（未指定部门）"),
    "person": gettext_lazy("（未指定人员）"),
    "window": gettext_lazy("（未指定窗口）"),
    "grid": gettext_lazy("（未落入网格）"),
}


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = month.replace(day=1)
    nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return timezone.make_aware(datetime.combine(start, time.min), tz), timezone.make_aware(
        datetime.combine(nxt, time.min), tz
    )


def parse_month(value: str) -> date:
    try:
        year, mon = (int(x) for x in value.split("-")[:2])
        return date(year, mon, 1)
    except (ValueError, TypeError):
        raise CommandError("evaluation_month_invalid") from None


def _rank(rows: list[EvaluationScore], higher_is_better: bool) -> None:
    rated = sorted(
        (r for r in rows if r.rate is not None),
        key=lambda r: (-(r.rate or 0.0) if higher_is_better else (r.rate or 0.0), r.group_name),
    )
    previous: float | None = None
    rank = 0
    for i, row in enumerate(rated, start=1):
        if row.rate != previous:
            rank, previous = i, row.rate
        row.rank = rank


def _rate(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 2) if den else None


@transaction.atomic
def evaluation_compute(*, actor: User, jurisdiction: Jurisdiction, month: date) -> EvaluationPeriod:
    """Compute (or recompute) the draft of ``jurisdiction`` for ``month``; refused once published."""
    if jurisdiction.level != Level.TOWN:
        raise CommandError("evaluation_unit_invalid")
    if not has_role(actor, jurisdiction.code, LEADING_ROLES):
        raise CommandForbidden("evaluation_role_required")
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise CommandError("evaluation_month_invalid")
    now = timezone.now()
    period: EvaluationPeriod
    period, created = EvaluationPeriod.objects.select_for_update().get_or_create(
        jurisdiction=jurisdiction, month=month, defaults={"computed_at": now, "computed_by": actor}
    )
    if period.status == EvaluationStatus.PUBLISHED:
        raise CommandConflict("evaluation_published")
    if not created:
        EvaluationScore.objects.filter(jurisdiction=jurisdiction, period=period).delete()  # a draft is derived data
        period.computed_at, period.computed_by = now, actor
        period.save(update_fields=["computed_at", "computed_by"])
    start, end = month_bounds(month)
    departments = dict(Department.objects.filter(jurisdiction=jurisdiction).values_list("pk", "name"))
    scores: list[EvaluationScore] = []
    people: dict[Any, str] = {}
    for ct, ind in all_indicators():
        common = {
            "jurisdiction": jurisdiction,
            "period": period,
            "case_type": ct.key,
            "indicator": ind.key,
            "label": str(ind.label)[:64],
        }
        num, den = ind.compute([jurisdiction.code], start, end)
        scores.append(
            EvaluationScore(
                **common,
                group="unit",
                group_key=jurisdiction.code,
                group_name=jurisdiction.name,
                numerator=num,
                denominator=den,
                rate=_rate(num, den),
                rank=None,
            )
        )
        if ind.grouped is None:
            continue
        for by in ind.groups:
            grouped = ind.grouped([jurisdiction.code], start, end, by)
            if by == "person":
                missing = [k for k in grouped if k is not None and k not in people]
                people.update({u.pk: u.display_name for u in User.objects.filter(pk__in=missing)})
            names: dict[Any, str] = {}
            if by == "department":
                names = departments
            elif by == "person":
                names = people
            elif ind.group_names is not None:
                names = ind.group_names(by, list(grouped))
            rows = []
            for key, (n, d) in grouped.items():
                name = UNASSIGNED.get(by, _("（未指定）")) if key is None else names.get(key, str(key))
                rows.append(
                    EvaluationScore(
                        **common,
                        group=by,
                        group_key="" if key is None else str(key),
                        group_name=str(name)[:100],
                        numerator=n,
                        denominator=d,
                        rate=_rate(n, d),
                    )
                )
            _rank([r for r in rows if r.group_key], ind.higher_is_better)
            scores.extend(rows)
    EvaluationScore.objects.bulk_create(scores)
    return period


@transaction.atomic
def evaluation_publish(*, actor: User, period: EvaluationPeriod) -> EvaluationPeriod:
    """Freeze the period: from now on its scores are what was published, whatever data arrives later."""
    locked: EvaluationPeriod = EvaluationPeriod.objects.select_for_update().get(
        pk=period.pk, jurisdiction_id=period.jurisdiction_id
    )
    if not has_role(actor, locked.jurisdiction_id, LEADING_ROLES):
        raise CommandForbidden("evaluation_role_required")
    if locked.status == EvaluationStatus.PUBLISHED:
        raise CommandConflict("evaluation_published")
    if locked.month >= timezone.localdate().replace(day=1):
        raise CommandConflict("evaluation_month_open")
    locked.status, locked.published_at, locked.published_by = EvaluationStatus.PUBLISHED, timezone.now(), actor
    locked.save(update_fields=["status", "published_at", "published_by"])
    return locked


def periods_visible(actor: User | None) -> QuerySet[EvaluationPeriod]:
    return EvaluationPeriod.objects.filter(jurisdiction_id__in=sorted(reach(actor, LEADING_ROLES).codes))


def period_find(*, actor: User | None, jurisdiction: str, month: date) -> EvaluationPeriod | None:
    return periods_visible(actor).filter(jurisdiction_id=jurisdiction, month=month.replace(day=1)).first()


def period_get(*, actor: User | None, pk: int) -> EvaluationPeriod:
    period = periods_visible(actor).filter(pk=pk).first()
    if period is None:
        raise NotFound()
    return period


def scores_of(period: EvaluationPeriod, group: str | None = None) -> QuerySet[EvaluationScore]:
    qs = EvaluationScore.objects.filter(jurisdiction_id=period.jurisdiction_id, period=period)
    if group:
        qs = qs.filter(group=group)
    return qs.order_by("case_type", "indicator", "group", "rank", "group_name")

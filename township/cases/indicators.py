"""Indicators every case type can declare from the engine's own facts (考核指标 of SPEC §3.10 / DOMAIN §1.7).

Each builder returns an :class:`~township.cases.types.Indicator` counting the cases of one type whose period field
(default: ``closed_at``, the day the case was finished) falls in the half-open period [start, end), in the given
towns; ``grouped`` splits the same counts by town, by 承办 department or by 承办 person (the case's latest lead
assignment). The formulas are in docs/evaluation.md and tested against hand-computed figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from township.cases.models import Case, ClockPause
from township.cases.types import Indicator

GROUPS = ("unit", "department", "person")
ON_TIME = _("按时办结率")
EARLY = _("提前办结率")
ONE_PASS = _("一次办结率")


def period_days(start: datetime, end: datetime) -> tuple[Any, Any]:
    """The period's first day and the day after it, in local (Beijing) dates, for records dated by day.

    ``start.date()`` would take the UTC date: from 0:00 to 8:00 Beijing time that is yesterday, and a record dated today
    would fall outside a period that ends tomorrow."""
    return timezone.localdate(start), timezone.localdate(end)


def _lead(field: str, case_ref: str = "pk") -> Any:
    """The case's 承办 (its latest lead assignment, kept on the case as ``Case.lead_department`` / ``lead_assignee``
    by ``case_assign``): ``field`` is "department_id" or "assignee_id", for a row whose ``case_ref`` is the case's
    id. On the case itself a column; on another record one primary-key read of its case in the same town."""
    column = f"lead_{field}"
    if case_ref == "pk":
        return F(column)
    return Subquery(
        Case.objects.filter(pk=OuterRef(case_ref), jurisdiction_id=OuterRef("jurisdiction_id")).values(column)[:1]
    )


Base = Callable[[Sequence[str], datetime, datetime], QuerySet[Any]]


def record_rate(
    *,
    key: str,
    label: str | Promise,
    base: Base,
    success: Q | Any,
    case_ref: str | None = "pk",
    extra_groups: Mapping[str, str] | None = None,
    group_names: Callable[[str, Sequence[Any]], dict[Any, str]] | None = None,
    formula: str | Promise = "",
    higher_is_better: bool = True,
) -> Indicator:
    """``success`` rows / rows of ``base(units, start, end)`` — any record that carries its town and leads to its
    case through ``case_ref`` (``"pk"`` for cases themselves, ``"case_id"``, ``"order__case_id"`` …). The same
    figures group by town, by the case's 承办 department or person (its latest lead assignment) and by the record's
    own ``extra_groups`` ({group: field path}, e.g. ``{"grid": "grid__code"}``, which may also replace the lead
    assignment's department or person). A record without a case (``case_ref=None``) groups by its own fields only."""
    extra = dict(extra_groups or {})
    by_lead = {"department": "department_id", "person": "assignee_id"} if case_ref is not None else {}
    groups = tuple(dict.fromkeys([*by_lead, *extra]))

    def compute(units: Sequence[str], start: datetime, end: datetime) -> tuple[int, int]:
        agg = base(units, start, end).aggregate(den=Count("pk"), num=Count("pk", filter=success))
        return agg["num"], agg["den"]

    def grouped(units: Sequence[str], start: datetime, end: datetime, by: str) -> dict[Any, tuple[int, int]]:
        if by == "unit":
            g: Any = F("jurisdiction_id")
        elif by in extra:
            g = F(extra[by])
        elif by in by_lead and case_ref is not None:
            g = _lead(by_lead[by], case_ref)
        else:
            raise ValueError(by)
        rows = (
            base(units, start, end)
            .annotate(g=g)
            .values("g")
            .annotate(den=Count("pk"), num=Count("pk", filter=success))
            .order_by()
        )
        return {r["g"]: (r["num"], r["den"]) for r in rows}

    return Indicator(
        key, label, compute, higher_is_better, formula, grouped=grouped, groups=groups, group_names=group_names
    )


def case_rate(
    *,
    key: str,
    label: str | Promise,
    case_type: str,
    success: Q | Any,
    population: Q | None = None,
    period_field: str = "closed_at",
    formula: str | Promise = "",
    higher_is_better: bool = True,
    extra_groups: Mapping[str, str] | None = None,
    group_names: Callable[[str, Sequence[Any]], dict[Any, str]] | None = None,
) -> Indicator:
    """``success`` cases / ``population`` cases of ``case_type`` whose ``period_field`` is in the period (grouped
    also by ``extra_groups`` of the case's record, e.g. ``{"grid": "grid_event__grid__code"}``)."""

    def base(units: Sequence[str], start: datetime, end: datetime) -> QuerySet[Case]:
        qs = Case.objects.filter(
            case_type=case_type,
            jurisdiction_id__in=list(units),
            **{f"{period_field}__gte": start, f"{period_field}__lt": end},
        )
        return qs.filter(population) if population is not None else qs

    return record_rate(
        key=key,
        label=label,
        base=base,
        success=success,
        formula=formula,
        higher_is_better=higher_is_better,
        extra_groups=extra_groups,
        group_names=group_names,
    )


def on_time_rate(case_type: str, key: str = "on_time_rate", label: str | Promise = ON_TIME, **groups: Any) -> Indicator:
    """Finished within the time limit: closed cases not marked 超期办结 / closed cases (with a clock). ``groups``:
    ``extra_groups`` / ``group_names`` of :func:`case_rate`."""
    return case_rate(
        **groups,
        key=key,
        label=label,
        case_type=case_type,
        population=Q(due_at__isnull=False),
        success=Q(finished_late=False),
        formula=_("期内办结数 / 有办理时限的办结数"),
    )


def early_rate(case_type: str, key: str = "early_rate", label: str | Promise = EARLY) -> Indicator:
    """Finished before the time limit was reached: clock stopped before the due time / closed cases with a clock."""
    return case_rate(
        key=key,
        label=label,
        case_type=case_type,
        population=Q(due_at__isnull=False),
        success=Q(clock_stopped_at__lt=F("due_at"), finished_late=False),
        formula=_("在期限届满前办结数 / 有办理时限的办结数"),
    )


def one_pass_rate(
    case_type: str,
    reason: str = ClockPause.Reason.SUPPLEMENT,
    key: str = "one_pass_rate",
    label: str | Promise = ONE_PASS,
) -> Indicator:
    """Finished without asking the applicant for more (no 补正 pause): closed without such a pause / closed."""
    paused = ClockPause.objects.filter(
        case_id=OuterRef("pk"), jurisdiction_id=OuterRef("jurisdiction_id"), reason=reason
    )
    return case_rate(
        key=key,
        label=label,
        case_type=case_type,
        success=~Exists(paused),
        formula=_("未经补正即办结数 / 办结数"),
    )

"""Reads of the credit workbench (scoped by the actor, fail-closed), the public 信用公示 and the report."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from township.core.errors import NotFound
from township.credit.models import CreditGradeHistory, CreditRecord, Listing, Repair

__all__ = ["Repair", "record_list", "listing_list", "repair_list", "statistics", "public_search", "grade_history"]
from township.credit.selectors import READER_ROLES, public_records, records_in_force
from township.org.models import Role
from township.subjects.models import Subject

if TYPE_CHECKING:
    from township.org.units import UnitChoice

CASE_ROLES = (Role.CREDIT_OFFICER, Role.LEADER, Role.ADMINISTRATOR, Role.AUDITOR)
PAGE = 50


def record_list(
    *,
    actor: Any,
    q: str = "",
    kind: str = "",
    severity: str = "",
    source: str = "",
    status: str = "",
    before_id: int | None = None,
    limit: int | None = PAGE,
    unit: UnitChoice | None = None,
) -> QuerySet[CreditRecord]:
    """Records written inside the actor's reach, newest first, keyset-paginated (``before_id``); ``unit``: the unit
    tree's choice (records carry no village: a village narrows to its town)."""
    qs = CreditRecord.objects.for_actor(actor, READER_ROLES).select_related("subject", "jurisdiction", "recorded_by")
    if unit:
        qs = qs.filter(unit.q("jurisdiction", None))
    if q:
        qs = qs.filter(
            Q(subject__name__icontains=q)
            | Q(subject__uscc=q.upper())
            | Q(source_number__icontains=q)
            | Q(reason__icontains=q)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if severity:
        qs = qs.filter(severity=severity)
    if source:
        qs = qs.filter(source=source)
    if status == "active":
        qs = qs.filter(pk__in=records_in_force().values("pk"))
    elif status == "ended":
        qs = qs.filter(publication_ended_at__isnull=False)
    elif status == "repaired":
        qs = qs.filter(repaired_at__isnull=False)
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    qs = qs.order_by("-id")
    return qs[:limit] if limit else qs


def listing_list(*, actor: Any, state: str = "", unit: UnitChoice | None = None) -> QuerySet[Listing]:
    qs = Listing.objects.for_actor(actor, CASE_ROLES).select_related("case", "subject", "record").order_by("-id")
    if unit:
        qs = qs.filter(unit.q("jurisdiction", None))
    return qs.filter(case__state=state) if state else qs


def repair_list(*, actor: Any, state: str = "", unit: UnitChoice | None = None) -> QuerySet[Repair]:
    qs = Repair.objects.for_actor(actor, CASE_ROLES).select_related("case", "subject", "record").order_by("-id")
    if unit:
        qs = qs.filter(unit.q("jurisdiction", None))
    return qs.filter(case__state=state) if state else qs


def listing_get(*, actor: Any, pk: int) -> Listing:
    found = listing_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def repair_get(*, actor: Any, pk: int) -> Repair:
    """A repair case: staff in reach, or the applicant account that filed it online."""
    found = repair_list(actor=actor).filter(pk=pk).first()
    if found is None:
        found = Repair.objects.select_related("case", "subject", "record").filter(pk=pk, applicant_user=actor).first()
    if found is None:
        raise NotFound()
    return found


def record_get(*, actor: Any, pk: int) -> CreditRecord:
    found: CreditRecord | None = (
        CreditRecord.objects.for_actor(actor, READER_ROLES).select_related("subject").filter(pk=pk).first()
    )
    if found is None:
        raise NotFound()
    return found


def grade_history(subject: Subject, limit: int = 50) -> list[CreditGradeHistory]:
    return list(CreditGradeHistory.objects.filter(subject=subject).order_by("-valid_from", "-id")[:limit])


def statistics(*, actor: Any) -> dict[str, Any]:
    """Counts for the workbench charts: records in reach by severity, source and month; grades of subjects with
    records in reach; listings and repairs by state."""
    records = CreditRecord.objects.for_actor(actor, READER_ROLES)
    by_severity = dict(records.filter(positive=False).values_list("severity").annotate(n=Count("id")))
    by_source = dict(records.values_list("source").annotate(n=Count("id")))
    positive = records.filter(positive=True).count()
    since = timezone.localdate().replace(day=1) - datetime.timedelta(days=330)
    months: Counter[str] = Counter(
        d.strftime("%Y-%m") for d in records.filter(valid_from__gte=since).values_list("valid_from", flat=True)
    )
    subject_ids = records.values("subject_id")
    grades = dict(
        Subject.objects.filter(pk__in=subject_ids)
        .exclude(credit_class="")
        .values_list("credit_class")
        .annotate(n=Count("id"))
    )
    return {
        "by_severity": by_severity,
        "by_source": by_source,
        "positive": positive,
        "months": sorted(months.items()),
        "grades": {g: grades.get(g, 0) for g in "ABCD"},
        # no ordering: a grouped count under the lists' ORDER BY would group by each row
        "listings": dict(listing_list(actor=actor).order_by().values_list("case__state").annotate(n=Count("id"))),
        "repairs": dict(repair_list(actor=actor).order_by().values_list("case__state").annotate(n=Count("id"))),
        "in_force": records.filter(pk__in=records_in_force().values("pk")).count(),
    }


def public_search(q: str, *, on: datetime.date | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """信用公示: records inside their publication period of the subjects matching ``q`` — an exact USCC or resident ID,
    or part of an organisation's name (never a person's name: no enumeration of people). Masked output only."""
    from township.subjects.selectors import subject_find

    q = (q or "").strip()
    if len(q) < 2:
        return []
    subjects: list[Subject] = []
    if len(q) == 18:
        found = subject_find(q.upper())
        if found is not None:
            subjects = [found]
    if not subjects:
        subjects = list(Subject.objects.filter(kind="org", name__icontains=q).order_by("id")[:limit])
    out = []
    for s in subjects:
        rows = list(public_records(on).filter(subject=s).order_by("-valid_from", "-id")[:50])
        out.append({"subject": s, "name": s.masked_name, "identifier": s.masked_identifier, "records": rows})
    return out

"""Accountability (#12 item 7, Gedian's 责任清单): for each case of a month that was finished late, reworked or failed
its file review, who answers for it — the responsibility list's department, section and person for its case type,
else the case's 承办 department and person — and a monthly report per unit (page, Excel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from township.cases.models import Assignment, Case, CaseLink, LinkKind
from township.cases.selectors import case_visible_q
from township.command.evaluation import month_bounds
from township.command.models import FileReviewItem, Responsibility
from township.org.models import Department, Jurisdiction, User

REASONS = {
    "late": _("超期办结"),
    "reworked": _("重办"),
    "review_failed": _("案卷评查不合格"),
}


@dataclass
class Row:
    case: Case
    reason: str
    reason_label: str
    department: str
    section: str
    person: str
    source: str  # "list" (责任清单) or "assignment" (承办)


def _lead(field: str) -> Subquery:
    return Subquery(
        Assignment.objects.filter(case_id=OuterRef("pk"), jurisdiction_id=OuterRef("jurisdiction_id"), role="lead")
        .order_by("-assigned_at", "-id")
        .values(field)[:1]
    )


def report(*, actor: User | None, unit: Jurisdiction, month: date) -> list[Row]:
    start, end = month_bounds(month)
    cases = Case.objects.filter(case_visible_q(actor), jurisdiction=unit)
    late = set(cases.filter(finished_late=True, closed_at__gte=start, closed_at__lt=end).values_list("pk", flat=True))
    reworked = set(
        CaseLink.objects.filter(jurisdiction=unit, kind=LinkKind.REOPENED, created_at__gte=start, created_at__lt=end)
        .filter(source__in=cases)
        .values_list("source_id", flat=True)
    )
    failed = set(
        FileReviewItem.objects.filter(
            jurisdiction=unit, rectification_required=True, reviewed_at__gte=start, reviewed_at__lt=end
        )
        .filter(case__in=cases)
        .values_list("case_id", flat=True)
    )
    ids = late | reworked | failed
    if not ids:
        return []
    rows_q = (
        cases.filter(pk__in=sorted(ids))
        .annotate(lead_dept=_lead("department_id"), lead_person=_lead("assignee_id"))
        .select_related("jurisdiction")
        .order_by("case_type", "number")
    )
    listing: dict[str, list[Responsibility]] = {}
    for r in Responsibility.objects.filter(jurisdiction=unit).select_related("department", "person"):
        listing.setdefault(r.case_type, []).append(r)
    depts = dict(Department.objects.filter(jurisdiction=unit).values_list("pk", "name"))
    people = {
        u.pk: u.display_name for u in User.objects.filter(pk__in=[c.lead_person for c in rows_q if c.lead_person])
    }
    out: list[Row] = []
    for case in rows_q:
        for reason, members in (("late", late), ("reworked", reworked), ("review_failed", failed)):
            if case.pk not in members:
                continue
            entries = listing.get(case.case_type, [])
            chosen = next((e for e in entries if e.department_id == case.lead_dept), entries[0] if entries else None)
            if chosen is not None:
                row = Row(
                    case,
                    reason,
                    str(REASONS[reason]),
                    chosen.department.name,
                    chosen.section,
                    chosen.person.display_name if chosen.person else people.get(case.lead_person, ""),
                    "list",
                )
            else:
                row = Row(
                    case,
                    reason,
                    str(REASONS[reason]),
                    depts.get(case.lead_dept, ""),
                    "",
                    people.get(case.lead_person, ""),
                    "assignment",
                )
            out.append(row)
    return out


def summary(rows: list[Row]) -> list[dict[str, object]]:
    """Counts per responsible department, most first."""
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        key = r.department or str(_("（未指定部门）"))
        entry = counts.setdefault(key, {"late": 0, "reworked": 0, "review_failed": 0, "total": 0})
        entry[r.reason] += 1
        entry["total"] += 1
    ordered = sorted(counts.items(), key=lambda kv: -kv[1]["total"])
    return [{"department": name, **figures} for name, figures in ordered]

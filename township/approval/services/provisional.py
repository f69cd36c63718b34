"""The agency's own deadlines past the holiday table (issue 17.5).

The post-approval check of a 告知承诺 approval and the rectification / call-back of a bad rating are deadlines the
agency keeps, not the applicant's: they never stop work at the year end. Past the last entered year they are the
earliest possible day (``core.calendar.agency_deadline``), marked provisional (暂定), and recomputed here when the
year is entered (``post_save`` of ``core.CalendarYear``, connected in ``apps.py``). The applicant's own periods
(补正, 容缺, 限期整改) are never guessed: they still refuse with ``calendar_not_covered``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from township.approval import rules
from township.approval.models import Application, RectificationTask, VerificationStatus, VerificationTask


def commitment_check_days(application: Application) -> int:
    rule = application.snapshot.get("commitment_rule") or {}
    return int(rule.get("check_days") or getattr(settings, "TOWNSHIP_COMMITMENT_CHECK_DAYS", None) or 30)


def commitment_check_due(application: Application, decided_on: datetime.date) -> tuple[datetime.date, bool]:
    """(due date, provisional) of the post-approval check: ``check_days`` natural days after the approval."""
    from township.core.calendar import agency_add_natural_days

    return agency_add_natural_days(decided_on, commitment_check_days(application))


def rectification_dues(rated_on: datetime.date) -> tuple[datetime.date, datetime.date, bool]:
    """(rectification due, call-back due, provisional) of a bad rating (安阳条例 Art 52)."""
    from township.core.calendar import agency_add_working_days

    due, p1 = agency_add_working_days(rated_on, rules.rectification_days())
    callback, p2 = agency_add_working_days(rated_on, rules.callback_days())
    return due, callback, p1 or p2


@transaction.atomic
def approval_provisional_dates_refresh(year: int | None = None) -> int:
    """Recompute the provisional (暂定) agency deadlines now that the holiday table reaches further (``year``
    entered; None: all of them). Dates still past the table stay provisional. Returns how many rows changed."""
    changed = 0
    tasks = VerificationTask.objects.filter(
        due_provisional=True, status__in=[VerificationStatus.OPEN, VerificationStatus.RECTIFYING]
    )
    rectifications = RectificationTask.objects.filter(dates_provisional=True)
    # town by town: each lock names the town's key, so a cluster routes it to the town's shard (Citus)
    towns = set(tasks.values_list("jurisdiction_id", flat=True)) | set(
        rectifications.values_list("jurisdiction_id", flat=True)
    )
    for town in sorted(towns):
        changed += _refresh_town(tasks.filter(jurisdiction_id=town), rectifications.filter(jurisdiction_id=town))
    return changed


def _refresh_town(tasks: Any, rectifications: Any) -> int:
    changed = 0
    for task in tasks.select_related("application").select_for_update(of=("self",)):
        start = timezone.localdate(task.application.decided_at or task.created_at)
        if task.due_working_days:
            from township.core.calendar import agency_add_working_days

            due, provisional = agency_add_working_days(start, task.due_working_days)
        else:
            due, provisional = commitment_check_due(task.application, start)
        if (due, provisional) != (task.due_date, task.due_provisional):
            task.due_date, task.due_provisional = due, provisional
            task.save(update_fields=["due_date", "due_provisional"])
            changed += 1
    for rt in rectifications.select_related("rating").select_for_update(of=("self",)):
        due, callback, provisional = rectification_dues(timezone.localdate(rt.rating.created_at))
        if (due, callback, provisional) != (rt.due_date, rt.callback_due, rt.dates_provisional):
            rt.due_date, rt.callback_due, rt.dates_provisional = due, callback, provisional
            rt.save(update_fields=["due_date", "callback_due", "dates_provisional"])
            changed += 1
    return changed

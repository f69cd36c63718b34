"""The per-day case counts (``CaseDayCount``): bumped by the engine's services, rebuilt from the cases on demand."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone


def bump(case: Any, at: datetime, **increments: int) -> None:
    """Add ``increments`` (opened / closed / closed_late) to the row of ``case``'s town, village, type and day."""
    from township.cases.models import CaseDayCount

    key = {
        "jurisdiction_id": case.jurisdiction_id,
        "village_code": case.village_id or "",
        "case_type": case.case_type,
        "day": timezone.localdate(at),
    }
    changes = {field: F(field) + n for field, n in increments.items() if n}
    if not changes or CaseDayCount.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():
            CaseDayCount.objects.create(**key, **{f: n for f, n in increments.items() if n})
    except IntegrityError:  # created meanwhile by a concurrent transaction
        CaseDayCount.objects.filter(**key).update(**changes)


def rebuild(case_model: Any, count_model: Any) -> int:
    """Recount everything from the cases (the migration's backfill and ``manage.py recount_cases``)."""
    tally: Counter[tuple[str, str, str, Any, str]] = Counter()
    rows = case_model.objects.values_list(
        "jurisdiction_id", "village_id", "case_type", "opened_at", "closed_at", "finished_late"
    )
    for jur, village, case_type, opened_at, closed_at, late in rows.iterator(chunk_size=5000):
        tally[(jur, village or "", case_type, timezone.localdate(opened_at), "opened")] += 1
        if closed_at is not None:
            day = timezone.localdate(closed_at)
            tally[(jur, village or "", case_type, day, "closed")] += 1
            if late:
                tally[(jur, village or "", case_type, day, "closed_late")] += 1
    merged: dict[tuple[str, str, str, Any], dict[str, int]] = {}
    for (jur, village, case_type, day, field), n in tally.items():
        merged.setdefault((jur, village, case_type, day), {})[field] = n
    with transaction.atomic():
        count_model.objects.all().delete()
        count_model.objects.bulk_create(
            [
                count_model(jurisdiction_id=j, village_code=v, case_type=t, day=d, **fields)
                for (j, v, t, d), fields in merged.items()
            ],
            batch_size=2000,
        )
    return len(merged)

"""Per-day case counts kept current by the engine, and rebuilt identically from the cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from township.cases.counts import rebuild
from township.cases.models import Case, CaseDayCount
from township.cases.services import case_open
from township.cases.testing import advance

pytestmark = pytest.mark.django_db


def _rows():
    return sorted(
        CaseDayCount.objects.values_list(
            "jurisdiction_id", "village_code", "case_type", "day", "opened", "closed", "closed_late"
        )
    )


def test_open_and_close_are_counted_and_rebuild_agrees(
    town_a, village_a, clerk_a, approver_a, django_assert_max_num_queries
):
    cases = [
        case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, title=str(i), village=village_a if i else None)
        for i in range(3)
    ]
    late = advance(cases[1], "accept", actor=clerk_a)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    late.refresh_from_db()
    advance(late, "decide", actor=approver_a, data={"reason": "办结"})
    today = timezone.localdate()
    assert _rows() == [
        (town_a.code, "", "toy", today, 1, 0, 0),
        (town_a.code, village_a.code, "toy", today, 2, 1, 1),
    ]
    incremental = _rows()
    rebuild(Case, CaseDayCount)
    assert _rows() == incremental


def test_a_count_costs_one_statement_once_the_day_row_exists(town_a, clerk_a, django_assert_num_queries):
    case_open(case_type="toy", jurisdiction=town_a, actor=clerk_a, title="first")
    from township.cases import counts

    case = Case.objects.first()
    with django_assert_num_queries(1):
        counts.bump(case, timezone.now(), opened=1)

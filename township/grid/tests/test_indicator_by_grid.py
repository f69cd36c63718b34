"""考核 by grid (#12 item 5): the grid's 事件按期办结率 grouped by the grid each event fell in, named by the grid."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from township.cases.models import Case
from township.cases.types import find_case_type

pytestmark = pytest.mark.django_db


def test_on_time_rate_groups_by_grid(report, town_a):
    now = timezone.now()
    events = [report(), report(), report()]
    for i, event in enumerate(events):
        Case.objects.filter(pk=event.case_id).update(
            state="closed", closed_at=now, clock_stopped_at=now, due_at=now + timedelta(days=1), finished_late=i == 2
        )
    indicator = find_case_type("grid_event").indicators[0]  # type: ignore[union-attr]
    grouped = indicator.grouped([town_a.code], now - timedelta(hours=1), now + timedelta(hours=1), "grid")
    code = events[0].grid.code
    assert grouped == {code: (2, 3)}
    assert indicator.group_names("grid", [code]) == {code: f"{events[0].grid.name}（{code}）"}
    assert indicator.compute([town_a.code], now - timedelta(hours=1), now + timedelta(hours=1)) == (2, 3)

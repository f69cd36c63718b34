"""The enforcement case list shows the engine's traffic light: the same colour as 我的待办 for the same case."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from township.cases.models import Case
from township.enforcement import selectors
from township.enforcement.tests.factories import PenaltyCaseFactory


def test_penalty_list_and_workbench_show_the_same_light(world):
    pc = PenaltyCaseFactory(world=world)
    now = timezone.now()
    # the engine's red window has begun, while the 90-day record still has more than 30 days left
    Case.objects.filter(pk=pc.case_id).update(
        yellow_at=now - dt.timedelta(days=2), red_at=now - dt.timedelta(hours=1), due_at=now + dt.timedelta(days=40)
    )
    pc.refresh_from_db()
    pc.case.refresh_from_db()
    assert pc.case.warning() == "red"
    assert selectors.penalty_warning(pc) == "red"
    red = set(selectors.penalty_case_list(actor=world.leader, filters={"warning": "red"}).values_list("pk", flat=True))
    assert pc.pk in red
    normal = selectors.penalty_case_list(actor=world.leader, filters={"warning": "normal"}).values_list("pk", flat=True)
    assert pc.pk not in set(normal)

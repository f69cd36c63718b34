"""The demo: a month of 白沙镇's 12345 orders imported from a generated export through the import service, taken
through every step; a second run changes nothing."""

from __future__ import annotations

import io

from township.cases.models import CaseEvent
from township.hotline import demo
from township.hotline.machine import S
from township.hotline.models import Callback, ImportJob, Order


def test_demo_imports_a_month_and_is_idempotent(db, monkeypatch):
    from township.org import demo as org_demo

    org_demo.seed(io.StringIO())
    monkeypatch.setattr(demo, "DEMO_ROWS", 80)
    out = io.StringIO()
    demo.seed(out)
    job = ImportJob.objects.get(jurisdiction_id=demo.BAISHA)
    assert job.status == ImportJob.Status.DONE and job.created_count == 80
    orders = Order.objects.filter(jurisdiction_id=demo.BAISHA)
    states = set(orders.values_list("case__state", flat=True))
    assert {S.ANSWERED, S.CLOSED, S.RETURNED_TO_CENTER, S.DISPATCHED} <= states
    assert orders.filter(rework_rounds=1).count() == 1
    assert orders.filter(return_count=1, designated=True).exists()
    assert orders.filter(extension_count=1).exists()
    assert Callback.objects.filter(satisfaction="unsatisfied").exists()
    assert orders.values("village").distinct().count() > 5
    before = (Order.objects.count(), CaseEvent.objects.count(), ImportJob.objects.count())
    demo.seed(io.StringIO())
    assert (Order.objects.count(), CaseEvent.objects.count(), ImportJob.objects.count()) == before

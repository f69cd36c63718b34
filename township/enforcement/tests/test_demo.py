"""The demo seeds Baisha's brigades, officers, items, cases in several states (some with 复议/诉讼) and a drawn plan —
twice safely."""

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone

from township.enforcement import demo
from township.enforcement.case_type import REMEDY_CORRECTED
from township.enforcement.models import InspectionPlan, PenaltyCase, Remedy, Team


def test_demo_seed_is_complete_and_idempotent(db):
    from township.core import demo as core_demo

    out = io.StringIO()
    core_demo.seed(out)
    demo.seed(out)
    demo.seed(out)
    assert Team.objects.filter(jurisdiction_id="500116108").count() == 5
    assert Team.objects.filter(kind="work_safety").count() == 1
    states = set(PenaltyCase.objects.values_list("case__state", flat=True))
    assert {"filed", "investigating", "notified", "served", "recorded"} <= states
    # 复议、诉讼 on decided cases: 维持, 驳回, 撤销, 撤诉 and one pending → 复议诉讼纠错率 1 / 4 this month
    assert Remedy.objects.filter(jurisdiction_id="500116108").count() == 5
    start = timezone.now() - timedelta(days=1)
    assert REMEDY_CORRECTED.compute(["500116108"], start, start + timedelta(days=2)) == (1, 4)
    plan = InspectionPlan.objects.get()
    assert plan.status == "drawn" and plan.result["visits"]
    assert "already present" in out.getvalue()

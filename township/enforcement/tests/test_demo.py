"""The demo seeds Baisha's brigades, officers, items, cases in several states and a drawn plan — twice safely."""

from __future__ import annotations

import io

from township.enforcement import demo
from township.enforcement.models import InspectionPlan, PenaltyCase, Team


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
    plan = InspectionPlan.objects.get()
    assert plan.status == "drawn" and plan.result["visits"]
    assert "already present" in out.getvalue()

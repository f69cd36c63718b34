"""The demo seeds Baisha's grids and events in every state, idempotently."""

from __future__ import annotations

import io

from township.cases.models import Case
from township.grid import demo
from township.grid.models import Event, Grid, Handover


def test_demo_seed_is_idempotent_and_covers_the_loop(db):
    out = io.StringIO()
    demo.seed(out)
    assert Grid.objects.filter(jurisdiction_id="500116108", level=3).count() == 120
    assert Grid.objects.filter(jurisdiction_id="500116108", level=2).count() == 24
    events = Event.objects.filter(jurisdiction_id="500116108").count()
    assert events == 20
    states = set(Case.objects.filter(case_type="grid_event").values_list("state", flat=True))
    assert {
        "reported",
        "verifying",
        "registered",
        "dispatched",
        "handling",
        "postponed",
        "handled",
        "verified_ok",
        "closed",
        "evaluated",
        "not_registered",
        "cancelled",
    } <= states
    assert Handover.objects.exists()
    demo.seed(io.StringIO())
    assert Event.objects.filter(jurisdiction_id="500116108").count() == events
    assert "白沙镇" in out.getvalue()
    assert Grid.objects.filter(code__startswith="320281", level=3).count() == 1557

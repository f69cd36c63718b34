"""The demo seeds Baisha's grids and events in every state, idempotently."""

from __future__ import annotations

import io

from township.cases.models import Case
from township.grid import demo
from township.grid.models import Event, Grid, GridStaff, Handover


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


def test_demo_accounts_see_the_events_of_their_scope(db):
    """数据权限 in the demo: the dispatcher sees the whole town; the 规划建设管理局 handler only its department's
    events (here the one it assists on, 协办); the grid worker its own grids and reports."""
    from township.cases.models import Assignment
    from township.grid import selectors
    from township.grid.demo_seed import seed_baisha
    from township.org import demo as org_demo
    from township.org.models import User

    org_demo.seed(io.StringIO())
    seed_baisha(io.StringIO())
    total = Event.objects.filter(jurisdiction_id="500116108").count()
    users = {u.username: u for u in User.objects.filter(username__in=["dispatcher", "handler", "patroller"])}
    assert len(selectors.event_list(actor=users["dispatcher"], limit=500)) == total
    seen = selectors.event_list(actor=users["handler"], limit=500)
    assisted = set(
        Assignment.objects.filter(role="assist", department__name="规划建设管理局").values_list("case_id", flat=True)
    )
    assert seen and {e.case_id for e in seen} <= assisted | {
        e.case_id for e in seen if e.department and e.department.name == "规划建设管理局"
    }
    patrol = selectors.event_list(actor=users["patroller"], limit=500)
    assert 0 < len(patrol) <= total
    staffed = set(GridStaff.objects.filter(user=users["patroller"]).values_list("grid_id", flat=True))
    assert all(e.reporter_id == users["patroller"].pk or e.grid_id in staffed for e in patrol)

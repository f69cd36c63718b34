"""The demo seed builds Ms Luo's applications in several states, an agent filing and a queue; twice is once."""

from __future__ import annotations

import io

import pytest

from township.approval.machine import S
from township.approval.models import Application, QueueTicket


@pytest.mark.slow
def test_demo_seed_is_realistic_and_idempotent(now, db):
    from township.approval import demo as approval_demo
    from township.catalog import demo as catalog_demo
    from township.certificates import demo as certificates_demo
    from township.core import demo as core_demo
    from township.subjects import demo as subjects_demo

    out = io.StringIO()
    for module in (core_demo, catalog_demo, subjects_demo, certificates_demo, approval_demo, approval_demo):
        module.seed(out)
    assert "approval: already seeded" in out.getvalue()
    states = {a.title: a.case.state for a in Application.objects.filter(applicant__name="罗晓梅", kind="single")}
    assert states == {"个体工商户登记": S.CLOSED}
    children = Application.objects.filter(kind="child").order_by("id")
    assert sorted(c.case.state for c in children) == sorted([S.UNDER_REVIEW, S.CLOSED])
    agent_app = Application.objects.get(channel="village_agent")
    assert agent_app.case.state == S.AWAITING_SUPPLEMENT and agent_app.village_id == "500116108201"
    assert QueueTicket.objects.filter(status="called").count() == 2

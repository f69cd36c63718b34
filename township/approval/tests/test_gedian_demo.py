"""The 葛店 demo (approval.demo.finish): played live today through the services, idempotent."""

from __future__ import annotations

import io

from township.approval.models import Application, VerificationTask


def test_gedian_demo_plays_the_story_once(now, db):
    from township.approval import demo
    from township.approval.testing import ensure_holidays

    ensure_holidays()
    from township.approval.gedian import ensure_town
    from township.org.models import Department

    town = ensure_town()
    Department.objects.filter(jurisdiction=town, name="行政审批局").update(uscc="", kind="")  # as the catalog seed
    out = io.StringIO()
    demo.finish(out)
    text = out.getvalue()
    assert "绿色通道" in text and "虚假承诺" in text and "approval_gd_clerk" in text, text
    decided = Application.objects.filter(jurisdiction_id="420703101").exclude(decision="")
    assert decided.count() == VerificationTask.objects.filter(application__in=decided).count() == 2
    before = Application.objects.count()
    again = io.StringIO()
    demo.finish(again)
    assert "already played" in again.getvalue() and Application.objects.count() == before

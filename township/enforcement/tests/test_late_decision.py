"""Issue 17.3: a late decision stays late. The engine records a decision after the due time as ``Case.finished_late``
(warning ``late``, 超期办结); the enforcement case list shows it (a 超期办结 filter, the tag, the count), the case page
shows the label (never a raw code) and the penalty API gives ``finished_late``.
"""

from __future__ import annotations

import datetime as dt

from township.cases.models import Case
from township.cases.selectors import late_counts
from township.enforcement import selectors
from township.enforcement.machine import PenaltyState as S
from township.enforcement.tests.factories import PenaltyCaseFactory
from township.enforcement.tests.steps import decide_waived


def _decided_late(world):
    """A case decided after the engine's due time: the engine's clock ran out the day before (its due time moved back
    to stand for 90 days gone by), while the record's own period still lets the head decide."""
    pc = PenaltyCaseFactory(world=world, state=S.NOTIFIED, fine=500)
    assert pc.case.due_at is not None  # the 90-day clock runs
    Case.objects.filter(pk=pc.case_id).update(due_at=pc.case.due_at.replace(year=2026, month=3, day=1))
    decide_waived(world, pc, types=["fine"], fine=500)
    pc.refresh_from_db()
    pc.case.refresh_from_db()
    return pc


def test_a_case_decided_after_its_limit_is_late_on_the_list_and_counted(world, client):
    late = _decided_late(world)
    on_time = PenaltyCaseFactory(world=world, state=S.DECIDED, fine=500)
    open_case = PenaltyCaseFactory(world=world)
    assert late.case.state == S.DECIDED and late.case.finished_late
    assert not on_time.case.finished_late

    assert selectors.penalty_warning(late) == "late"
    assert selectors.penalty_warning(on_time) == "none"
    late_ids = set(
        selectors.penalty_case_list(actor=world.leader, filters={"warning": "late"}).values_list("pk", flat=True)
    )
    assert late_ids == {late.pk}
    assert selectors.penalty_late_count(actor=world.leader) == 1
    assert late_counts(actor=world.leader).get("penalty") == 1

    # the list page: the 超期办结 filter, the tag on the row and the count
    client.force_login(world.leader)
    page = client.get("/enforcement/cases/", {"warning": "late"}).content.decode()
    assert late.case.number in page and on_time.case.number not in page and open_case.case.number not in page
    assert '<option value="late" selected>超期办结</option>' in page
    assert '<span class="tag late">超期办结</span>' in page
    assert '超期办结：<a href="?warning=late">1</a>' in page

    # the case page shows the label, not the code; an open case shows 正常, not `normal`
    detail = client.get(f"/enforcement/cases/{late.pk}/").content.decode()
    assert '<span class="tag late">超期办结</span>' in detail
    detail = client.get(f"/enforcement/cases/{open_case.pk}/").content.decode()
    assert '<span class="tag normal">正常</span>' in detail and ">normal<" not in detail

    # the penalty API: finished_late, warning late with its label, and the filter
    body = client.get(f"/api/v1/enforcement/cases/{late.pk}").json()
    assert body["finished_late"] is True and body["warning"] == "late" and body["warning_label"] == "超期办结"
    body = client.get(f"/api/v1/enforcement/cases/{on_time.pk}").json()
    assert body["finished_late"] is False and body["warning"] == "none"
    items = client.get("/api/v1/enforcement/cases", {"warning": "late"}).json()["items"]
    assert [i["id"] for i in items] == [late.pk]


def test_late_stays_late_after_service(world):
    from township.enforcement import services

    pc = _decided_late(world)
    services.penalty_serve(penalty_case=pc, actor=world.o1, mode="direct", sent_on=dt.date(2026, 3, 2))
    pc.refresh_from_db()
    pc.case.refresh_from_db()
    assert pc.case.state == S.SERVED and selectors.penalty_warning(pc) == "late"

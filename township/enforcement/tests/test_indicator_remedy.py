"""复议诉讼纠错率 (#12 item 5): remedies whose result corrected the decision / remedies decided in the period.

Hand-computed (docs/evaluation.md): in March 2026 白沙镇's remedies decided and not replaced are 维持 (3-05),
撤销 (3-10), 确认违法 (3-12, the correction of a 变更 recorded by mistake: only the correction counts), 撤诉 (3-20)
and 驳回 (3-31); one more is pending (no result) and one was decided on 4-01 (next month); 龙华镇 has none.
Numerator 撤销 + 确认违法 = 2, denominator 5.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from township.cases.services import case_assign
from township.enforcement.case_type import REMEDY_CORRECTED
from township.enforcement.models import PenaltyCase, Remedy
from township.enforcement.tests.steps import file_case

D = dt.date
R = Remedy.Result


def _remedy(pc: PenaltyCase, decided_on: dt.date | None, result: str, **kw: Any) -> Remedy:
    return Remedy.objects.create(
        jurisdiction_id=pc.jurisdiction_id,
        penalty_case=pc,
        kind=kw.pop("kind", Remedy.Kind.RECONSIDERATION),
        body="重庆市江津区人民政府",
        received_on=D(2026, 1, 20),
        decided_on=decided_on,
        result=result,
        recorded_at=timezone.now(),
        **kw,
    )


def _march() -> tuple[dt.datetime, dt.datetime]:
    tz = dt.timezone(dt.timedelta(hours=8))
    return dt.datetime(2026, 3, 1, tzinfo=tz), dt.datetime(2026, 4, 1, tzinfo=tz)


def test_remedy_corrected_rate_hand_computed(world):
    a, b, c = (file_case(world) for _ in range(3))
    _remedy(a, D(2026, 3, 5), R.UPHELD)
    _remedy(a, D(2026, 3, 10), R.ANNULLED, kind=Remedy.Kind.LITIGATION)
    changed = _remedy(b, D(2026, 3, 12), R.CHANGED)
    _remedy(b, D(2026, 3, 12), R.ILLEGAL, replaces=changed, note="更正：复议决定为确认违法")
    _remedy(b, D(2026, 3, 20), R.WITHDRAWN, kind=Remedy.Kind.LITIGATION)
    _remedy(c, D(2026, 3, 31), R.REJECTED)
    _remedy(c, None, "")  # pending
    _remedy(c, D(2026, 4, 1), R.VOID)  # next month

    start, end = _march()
    assert REMEDY_CORRECTED.compute([world.town.code], start, end) == (2, 5)
    assert REMEDY_CORRECTED.compute([world.other_town.code], start, end) == (0, 0)
    assert REMEDY_CORRECTED.compute([world.town.code], end, end + dt.timedelta(days=30)) == (1, 1)
    assert REMEDY_CORRECTED.grouped([world.town.code], start, end, "unit") == {world.town.code: (2, 5)}
    assert REMEDY_CORRECTED.higher_is_better is False  # a correction counts against the unit


def test_remedy_corrected_rate_by_person(world):
    """By the case's 承办 person (its latest lead assignment): 李明 1 / 2, 赵强 0 / 1."""
    a, b = file_case(world), file_case(world)
    case_assign(case=a.case, actor=world.leader, assignee=world.o1, role="lead")
    case_assign(case=b.case, actor=world.leader, assignee=world.o2, role="lead")
    _remedy(a, D(2026, 3, 5), R.UPHELD)
    _remedy(a, D(2026, 3, 6), R.PARTLY_ANNULLED)
    _remedy(b, D(2026, 3, 7), R.MEDIATED)
    start, end = _march()
    assert REMEDY_CORRECTED.grouped([world.town.code], start, end, "person") == {
        world.o1.pk: (1, 2),
        world.o2.pk: (0, 1),
    }


def test_on_the_evaluation_page_and_api_like_the_others(world, client):
    """The command center's 考核 reads it through the registry: February 2026, 1 / 2 for 白沙镇."""
    pc = file_case(world)
    _remedy(pc, D(2026, 2, 10), R.UPHELD)
    _remedy(pc, D(2026, 2, 11), R.REDO, kind=Remedy.Kind.LITIGATION)
    client.force_login(world.leader)
    body = client.post(
        "/api/v1/command/evaluation/compute",
        {"unit": world.town.code, "month": "2026-02"},
        content_type="application/json",
    ).json()
    town = [s for s in body["scores"] if s["indicator"] == "remedy_corrected_rate" and s["group"] == "unit"]
    assert [(s["case_type"], s["label"], s["numerator"], s["denominator"], s["rate"]) for s in town] == [
        ("penalty", "复议诉讼纠错率", 1, 2, 50.0)
    ]
    page = client.get(f"/command/evaluation/?unit={world.town.code}&month=2026-02").content.decode()
    assert "复议诉讼纠错率" in page and "50.0%（1 / 2）" in page

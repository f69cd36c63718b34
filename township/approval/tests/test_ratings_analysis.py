"""好差评 analysis and its two indicators, against hand-counted ratings."""

from __future__ import annotations

import datetime

import pytest

from township.approval import services as svc
from township.approval.ratings_analysis import INDICATORS, rating_analysis
from township.approval.tests.conftest import SH
from township.approval.tests.test_bundle_and_scope import _closed

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 11, 1, tzinfo=SH)
END = datetime.datetime(2026, 12, 1, tzinfo=SH)


@pytest.fixture
def rated(now, luo_user, luo, catalog, approver_a, head_a, upload):
    """Four ratings: 非常满意, 基本满意, 不满意 (rectified and called back), 非常不满意 (open)."""
    apps = [_closed(luo_user, luo, catalog, approver_a, upload) for _ in range(4)]
    svc.application_rate(application=apps[0], actor=luo_user, grade=1, text="很快")
    svc.application_rate(application=apps[1], actor=luo_user, grade=3)
    bad = svc.application_rate(application=apps[2], actor=luo_user, grade=4, text="排队太久")
    svc.rectification_callback(task=bad.rectification, actor=head_a, note="已电话回访", result="增开窗口")
    svc.application_rate(application=apps[3], actor=luo_user, grade=5, text="材料要求反复变化")
    return apps


def test_indicators(rated, town_a, approver_a):
    satisfaction, rectified, _queue = INDICATORS
    assert satisfaction.compute([town_a.code], START, END) == (2, 4)
    assert rectified.compute([town_a.code], START, END) == (1, 2)
    # by the applications' 承办 person (the item's responsible user the case was assigned to)
    by_person = satisfaction.grouped([town_a.code], START, END, "person")
    assert sum(n for n, _d in by_person.values()) == 2 and sum(d for _n, d in by_person.values()) == 4


def test_windows_evaluated_by_calling_in_time(town_a, clerk_a):
    """窗口及时叫号率 by 窗口号 and by clerk: called within 20 minutes of taking the ticket / tickets called."""
    from datetime import timedelta

    from django.utils import timezone

    from township.approval.models import QueueTicket

    queue = INDICATORS[2]
    now = timezone.now()
    taken = now - timedelta(hours=2)
    for window, wait in ((1, 5), (1, 35), (2, 10), (None, 1)):  # the last: never called to a window
        QueueTicket.objects.create(
            jurisdiction=town_a,
            day=timezone.localdate(taken),
            category="A",
            seq=QueueTicket.objects.count() + 1,
            status="done",
            taken_at=taken,
            called_at=taken + timedelta(minutes=wait) if window else None,
            window=window,
            clerk=clerk_a,
        )
    span = (now - timedelta(days=1), now + timedelta(days=1))
    assert queue.compute([town_a.code], *span) == (2, 3)
    assert queue.grouped([town_a.code], *span, "window") == {1: (1, 2), 2: (1, 1)}
    assert queue.grouped([town_a.code], *span, "person") == {clerk_a.pk: (2, 3)}
    assert queue.groups == ("person", "window") or set(queue.groups) == {"person", "window"}
    assert queue.group_names is not None and queue.group_names("window", [1]) == {1: "1号窗口"}


def test_analysis(rated, town_a):
    a = rating_analysis(units=[town_a.code], start=START, end=END)
    assert (a["totals"]["n"], a["totals"]["bad"], a["totals"]["rate"]) == (4, 2, 50.0)
    assert (
        a["rectification"]["total"] == 2
        and a["rectification"]["closed"] == 1
        and a["rectification"]["called_back"] == 1
    )
    assert [r["bad"] for r in a["by_item"]] == [2]
    assert {r.text for r in a["bad"]} == {"排队太久", "材料要求反复变化"}


def test_page_for_the_head_only(client, rated, head_a, approver_a):
    client.force_login(head_a)
    html = client.get("/approval/ratings/?from=2026-11-01&to=2026-11-30").content.decode()
    assert "好差评分析" in html and "材料要求反复变化" in html and "50.0%" in html
    client.force_login(approver_a)
    assert client.get("/approval/ratings/").status_code == 403


def test_api(client, rated, head_a, clerk_a):
    client.force_login(head_a)
    body = client.get("/api/v1/approval/ratings/analysis?date_from=2026-11-01&date_to=2026-11-30").json()
    assert (body["total"], body["bad"], body["satisfaction_rate"]) == (4, 2, 50.0)
    assert body["rectification"]["called_back"] == 1
    client.force_login(clerk_a)
    assert client.get("/api/v1/approval/ratings/analysis").status_code == 403

"""综合评价 from the summary table (issue 18): the same figures as the direct computation over the events, kept
current by the engine's steps, and a constant number of statements as events grow."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from township.grid import counts, evaluation, selectors, services
from township.grid.models import Event, EventDayCount
from township.grid.tests.conftest import photo

pytestmark = pytest.mark.django_db

DIMS = (None, "town", "village", "grid", "department", "reporter", "handler")


def _same(actor, **kw):
    """evaluate_for (summary) equals evaluate (events) for every dimension."""
    for by in DIMS:
        direct = evaluation.evaluate(selectors.event_queryset(actor=actor), by=by, **kw)
        summary = evaluation.evaluate_for(actor, by=by, **kw)
        assert summary == direct, (by, kw)


def test_the_loop_is_counted_by_the_engine_steps(report, dispatcher_a, handler_a, patroller_a, leader_a, dept_a):
    assert evaluation.summary_applies(dispatcher_a)
    closed = report()
    services.event_register(event=closed, actor=dispatcher_a)
    services.event_dispatch(event=closed, actor=dispatcher_a, department=dept_a)
    services.event_accept(event=closed, actor=handler_a)
    services.event_feedback(event=closed, actor=handler_a, photos=[photo()])
    services.event_check(event=closed, actor=patroller_a, ok=False, reason="未清理干净")
    services.event_feedback(event=closed, actor=handler_a, photos=[photo()])
    services.event_check(event=closed, actor=patroller_a, ok=True)
    services.event_close(event=closed, actor=dispatcher_a)
    postponed = report(lon=106.09, lat=29.09)
    services.event_register(event=postponed, actor=dispatcher_a)
    services.event_dispatch(event=postponed, actor=dispatcher_a, department=dept_a)
    services.event_accept(event=postponed, actor=handler_a)
    services.event_postpone_request(event=postponed, actor=handler_a, reason="等待配件", days=5)
    services.event_postpone_approve(event=postponed, actor=leader_a)
    services.event_reject(event=report(lon=106.15, lat=29.05), actor=dispatcher_a, reason="不属实")
    report(lon=106.0901, lat=29.09, link_to=postponed)

    # the whole history lies in today: move it to yesterday so it is read from the summary rows, recount
    Event.objects.update(reported_at=timezone.now() - timedelta(days=1))
    counts.rebuild()
    assert EventDayCount.objects.exists()
    end = timezone.now() + timedelta(seconds=1)
    total = evaluation.evaluate_for(dispatcher_a, end=end)[0]["counts"]
    assert total["reported"] == 4 and total["valid"] == 3 and total["due_to_close"] == 1 and total["closed"] == 1
    _same(dispatcher_a, end=end)
    # a step taken now reaches the summary without a rebuild (the engine's timeline marks the bucket)
    services.event_postpone_end(event=postponed, actor=leader_a)
    _same(dispatcher_a, end=end + timedelta(days=30))


def test_random_events_give_the_same_figures(report, dispatcher_a, handler_a, dept_a, leader_a):
    rng = random.Random(18)
    events = [report(lon=106.005 + rng.random() * 0.19, lat=29.005 + rng.random() * 0.19) for _ in range(24)]
    for e in events[:16]:
        services.event_register(event=e, actor=dispatcher_a)
    for e in events[:12]:
        services.event_dispatch(event=e, actor=dispatcher_a, department=dept_a)
    now = timezone.now()
    for i, e in enumerate(events):
        # spread over ten days with random facts, as years of history would have them
        at = now - timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
        facts = {"reported_at": at}
        if rng.random() < 0.5 and e.case.state != "reported":
            facts.update(closed_at=at + timedelta(hours=3), closed_on_time=rng.random() < 0.6)
        if rng.random() < 0.3:
            facts.update(handled_at=at + timedelta(hours=2), handled_on_time=rng.random() < 0.5)
        facts.update(
            cancelled=rng.random() < 0.1,
            postponed=rng.random() < 0.15,
            rework_count=rng.choice([0, 0, 1]),
            postpone_count=rng.choice([0, 0, 1]),
            handler_id=handler_a.pk if rng.random() < 0.4 else None,
        )
        Event.objects.filter(pk=e.pk).update(**facts)
        e.case.__class__.objects.filter(pk=e.case_id).update(due_at=at + timedelta(days=rng.randint(0, 12)))
        if i % 5 == 0:
            Event.objects.filter(pk=e.pk).update(duplicate_of=events[0])
    counts.rebuild()
    _same(dispatcher_a)
    _same(dispatcher_a, end=now - timedelta(days=2, hours=5))
    _same(dispatcher_a, start=now - timedelta(days=6, hours=7), end=now - timedelta(days=1, hours=2))
    day = timezone.localdate(now - timedelta(days=4))
    _same(dispatcher_a, start=counts.day_start(day), end=counts.day_start(day + timedelta(days=2)))
    _same(leader_a, start=now - timedelta(days=30), end=now + timedelta(days=30))
    _same(dispatcher_a, start=now - timedelta(hours=3), end=now - timedelta(hours=1))  # inside one day
    _same(dispatcher_a, start=counts.day_start(day), end=now)


def test_department_scopes_read_the_events(report, handler_a, dispatcher_a, dept_a):
    e = report()
    services.event_register(event=e, actor=dispatcher_a)
    services.event_dispatch(event=e, actor=dispatcher_a, department=dept_a)
    assert not evaluation.summary_applies(handler_a)
    _same(handler_a)


def test_statements_do_not_grow_with_events(report, dispatcher_a, django_assert_max_num_queries):
    report()
    Event.objects.update(reported_at=timezone.now() - timedelta(days=2))
    counts.rebuild()
    evaluation.evaluate_for(dispatcher_a, by="grid")
    with django_assert_max_num_queries(20) as few:
        evaluation.evaluate_for(dispatcher_a, by="grid")
    for i in range(8):
        report(lon=106.02 + i / 100)
    Event.objects.update(reported_at=timezone.now() - timedelta(days=3))
    counts.rebuild()
    counts.flush()  # the reports' own recounts (as many as there were steps since the last read)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = evaluation.evaluate_for(dispatcher_a, by="grid")
    assert sum(r["counts"]["reported"] for r in rows) == 9


def test_evaluation_api_and_page_read_the_summary(client, report, dispatcher_a):
    report()
    Event.objects.update(reported_at=timezone.now() - timedelta(days=1))
    counts.rebuild()
    client.force_login(dispatcher_a)
    rows = client.get("/api/v1/grid/evaluation?by=grid").json()
    assert sum(r["counts"]["reported"] for r in rows) == 1
    assert client.get("/grid/evaluation/").status_code == 200

"""Evaluation formulas (DOMAIN §1.7) and the set-based counts behind them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from township.grid import evaluation, selectors, services
from township.grid.tests.conftest import photo


def test_published_example_tianmen_december():
    """应结案 972, 结案 911, 按期 737 → 结案率 93.72 %, 按期结案率 75.82 % (hbcic.net.cn/info/wcm/74587.htm)."""
    counts = evaluation.Counts(due_to_close=972, closed=911, closed_on_time=737)
    rates = evaluation.rates(counts)
    assert rates["close_rate"] == Decimal("93.72")
    assert rates["on_time_close_rate"] == Decimal("75.82")


def test_every_formula_uses_its_documented_denominator():
    counts = evaluation.Counts(
        valid=200,
        registered=180,
        to_handle=160,
        handled=150,
        handled_on_time=120,
        due_to_close=140,
        closed=130,
        closed_on_time=100,
        reworked=3,
        postponed=7,
    )
    r = evaluation.rates(counts)
    assert r["register_rate"] == Decimal("90.00")  # 180/200
    assert r["handle_rate"] == Decimal("93.75")  # 150/160
    assert r["on_time_handle_rate"] == Decimal("75.00")  # 120/160
    assert r["rework_rate"] == Decimal("2.00")  # 3/150
    assert r["postpone_rate"] == Decimal("5.00")  # 7/140
    assert evaluation.rates(evaluation.Counts())["close_rate"] is None  # nothing due: no rate, not 0 %


def test_counts_follow_the_loop(
    report, dispatcher_a, handler_a, patroller_a, leader_a, dept_a, django_assert_num_queries
):
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

    rejected = report(lon=106.15, lat=29.05)
    services.event_reject(event=rejected, actor=dispatcher_a, reason="不属实")

    report(lon=106.0901, lat=29.09, link_to=postponed)  # a linked duplicate: not a valid report

    events = selectors.event_queryset(actor=dispatcher_a)
    with django_assert_num_queries(1):
        total = evaluation.evaluate(events, end=timezone.now() + timedelta(seconds=1))[0]
    c = total["counts"]
    assert c["reported"] == 4 and c["valid"] == 3
    assert c["registered"] == 2 and c["to_handle"] == 2 and c["handled"] == 1
    assert c["due_to_close"] == 1  # the postponed one is excluded from 应结案
    assert c["closed"] == 1 and c["closed_on_time"] == 1
    assert c["reworked"] == 1 and c["postponed"] == 1
    assert total["rates"]["close_rate"] == Decimal("100.00")
    assert total["rates"]["register_rate"] == Decimal("66.67")

    by_dept = evaluation.evaluate(events, end=timezone.now() + timedelta(seconds=1), by="department")
    row = next(r for r in by_dept if r["key"] == dept_a.pk)
    assert row["name"] == "环卫所" and row["counts"]["to_handle"] == 2
    by_grid = {r["key"]: r for r in evaluation.evaluate(events, by="grid")}
    assert by_grid[postponed.grid_id]["counts"]["reported"] == 2
    assert by_grid[closed.grid_id]["counts"]["reported"] == 1
    by_post = evaluation.evaluate(events, by="reporter")
    assert by_post[0]["counts"]["reported"] == 4


def test_evaluation_is_scoped_to_the_actor(report, dispatcher_b):
    report()
    total = evaluation.evaluate(selectors.event_queryset(actor=dispatcher_b))[0]
    assert total["counts"]["reported"] == 0


def test_composite_score_uses_configurable_weights(settings):
    values = {"close_rate": Decimal("90.00"), "rework_rate": Decimal("10.00"), "handle_rate": None}
    assert evaluation.composite(values, {"close_rate": 1, "rework_rate": 1}) == Decimal("90.00")  # (90 + 100−10) / 2
    settings.GRID_EVALUATION_WEIGHTS = {"close_rate": 3, "rework_rate": 1}
    assert evaluation.composite(values) == Decimal("90.00")
    settings.GRID_EVALUATION_WEIGHTS = {"close_rate": 1, "on_time_close_rate": 1}
    assert evaluation.composite({"close_rate": Decimal("80"), "on_time_close_rate": Decimal("60")}) == Decimal("70.00")
    assert evaluation.composite({"close_rate": None}) is None

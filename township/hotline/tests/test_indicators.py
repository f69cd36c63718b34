"""响应率 / 解决率 / 满意率 against hand-computed figures, and the registration with the engine."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from township.cases.types import all_indicators
from township.hotline import services
from township.hotline.indicators import resolution_rate, response_rate, satisfaction_rate


def test_registered_with_the_engine():
    keys = {ind.key for ct, ind in all_indicators() if ct.key == "hotline_order"}
    assert keys == {"hotline_response_rate", "hotline_resolution_rate", "hotline_satisfaction_rate"}


def test_rates_match_hand_computed_figures(new_order, operator, handler, dept, town_a):
    now = timezone.now()
    start, end = now - timedelta(days=1), now + timedelta(days=1)
    # 1: answered at once (resolved, finished)
    services.order_answer(order=new_order(kind="consult"), actor=operator, reply="已答复")
    # 2: dispatched, signed in time, finished, 满意, closed (resolved)
    o2 = new_order()
    services.order_dispatch(order=o2, actor=operator, department=dept)
    services.order_sign(order=o2, actor=handler)
    services.order_finish(order=o2, actor=handler, reply="已处理")
    services.order_callback(order=o2, actor=operator, satisfaction="satisfied")
    services.order_close(order=o2, actor=operator)
    # 3: dispatched, signed late, finished, 不满意 (not resolved), closed anyway
    o3 = new_order()
    services.order_dispatch(order=o3, actor=operator, department=dept)
    o3.refresh_from_db()
    services.order_sign(order=o3, actor=handler, at=o3.sign_due_at + timedelta(minutes=5))
    services.order_finish(order=o3, actor=handler, reply="已处理")
    services.order_callback(order=o3, actor=operator, satisfaction="unsatisfied", resolved=False)
    services.order_close(order=o3, actor=operator)
    # 4: dispatched, not yet signed; 5: 基本满意 callback, still open (called back, not closed)
    services.order_dispatch(order=new_order(), actor=operator, department=dept)
    o5 = new_order()
    services.order_dispatch(order=o5, actor=operator, department=dept)
    services.order_sign(order=o5, actor=handler)
    services.order_finish(order=o5, actor=handler, reply="已处理")
    services.order_callback(order=o5, actor=operator, satisfaction="basic")
    towns = [town_a.code]
    # 响应率: signed in time {2, 5} / first dispatched {2, 3, 4, 5}
    assert response_rate(towns, start, end) == (2, 4)
    # 解决率: resolved {1, 2} / finished {1, 2, 3}
    assert resolution_rate(towns, start, end) == (2, 3)
    # 满意率: 满意 + 基本满意 {2, 5} / 回访 {2, 3, 5}
    assert satisfaction_rate(towns, start, end) == (2, 3)
    # another town and another period see nothing
    assert response_rate(["500116100"], start, end) == (0, 0)
    assert satisfaction_rate(towns, end, end + timedelta(days=1)) == (0, 0)


def test_rates_group_by_the_lead_department(new_order, operator, handler, dept, town_a):
    """The same figures by 承办 department (the case's lead assignment); an order answered at once has none."""
    ind = {i.key: i for ct, i in all_indicators() if ct.key == "hotline_order"}
    now = timezone.now()
    start, end = now - timedelta(days=1), now + timedelta(days=1)
    services.order_answer(order=new_order(kind="consult"), actor=operator, reply="已答复")
    o2 = new_order()
    services.order_dispatch(order=o2, actor=operator, department=dept)
    services.order_sign(order=o2, actor=handler)
    services.order_finish(order=o2, actor=handler, reply="已处理")
    services.order_callback(order=o2, actor=operator, satisfaction="unsatisfied", resolved=False)
    services.order_dispatch(order=new_order(), actor=operator, department=dept)
    towns = [town_a.code]
    assert ind["hotline_response_rate"].grouped(towns, start, end, "department") == {dept.pk: (1, 2)}
    assert ind["hotline_resolution_rate"].grouped(towns, start, end, "department") == {None: (1, 1)}
    assert ind["hotline_satisfaction_rate"].grouped(towns, start, end, "department") == {dept.pk: (0, 1)}
    assert ind["hotline_satisfaction_rate"].grouped(towns, start, end, "unit") == {town_a.code: (0, 1)}
    assert set(ind["hotline_response_rate"].groups) == {"department", "person"}

"""The 12345 loop on the engine: 即时答复, 派单 (承办 + 协办), 签收, 退回 once (指定承办 cannot return again), 延期
(approval, bounded), 办结, 回访, 不满意 → 重办, 结案; rule 7 (duty levels); intake checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from township.cases.errors import TransitionRefused
from township.cases.models import Assignment, CaseEvent
from township.core.errors import DomainError
from township.hotline import services
from township.hotline.machine import MACHINE, S
from township.hotline.models import Callback, DutyItem, Order


def state(order: Order) -> str:
    order.case.refresh_from_db()
    return order.case.state


def test_machine_is_well_formed():
    assert MACHINE.problems() == []


def test_intake_opens_a_numbered_case_with_the_dispatch_clock_and_encrypted_phone(new_order, town_a):
    order = new_order()
    assert state(order) == S.REGISTERED
    assert "白沙热〔" in order.case.number or "热〔" in order.case.number
    assert order.case.clock_unit == "working_hours" and order.case.clock_limit == 2
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT caller_phone FROM hotline_order WHERE id = %s", [order.pk])
        raw = cur.fetchone()[0]
    assert raw != "13800138000" and "13800138000" not in raw
    assert Order.objects.get(pk=order.pk).caller_phone == "13800138000"


def test_an_order_takes_the_towns_number_after_its_own_row(new_order):
    """The town's case counter is locked from the statement taking a number to the commit: on PostgreSQL it comes
    after the order's row (cases/numbering.py), and the stored number is the real one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from township.cases.counts import numbered_in_one_statement

    new_order()
    with CaptureQueriesContext(connection) as ctx:
        order = new_order()
    sqls = [q["sql"] for q in ctx.captured_queries]
    counter = next(i for i, s in enumerate(sqls) if 'INSERT INTO "cases_casecounter"' in s)
    row = next(i for i, s in enumerate(sqls) if s.startswith('INSERT INTO "hotline_order"'))
    assert (counter > row) == numbered_in_one_statement(), "\n".join(sqls)
    order.case.refresh_from_db()
    assert order.case.number.endswith("000002") and "〔" in order.case.number


def test_intake_refuses_duplicates_strangers_and_villages_of_other_towns(new_order, make_user, town_a, town_b):
    new_order(external_no="X-1")
    with pytest.raises(DomainError) as exc:
        new_order(external_no="X-1")
    assert exc.value.code == "hotline_duplicate_external_no"
    from township.org.models import Jurisdiction, Level

    far = Jurisdiction.objects.create(code="500116100201", name="外镇村", level=Level.VILLAGE, parent=town_b)
    with pytest.raises(DomainError) as exc:
        new_order(external_no="X-2", village=far)
    assert exc.value.code == "hotline_village_invalid"
    stranger = make_user((town_b, "hotline_operator"))
    with pytest.raises(DomainError) as exc:
        new_order(external_no="X-3", actor=stranger)
    assert exc.value.code == "role_required"


def test_instant_answer_closes_with_the_reply(new_order, operator):
    order = new_order(kind="consult", matter="")
    services.order_answer(order=order, actor=operator, reply="已告知办理地点和材料")
    assert state(order) == S.ANSWERED
    order.refresh_from_db()
    assert order.instant and order.resolved and order.reply


def test_instant_answer_refused_where_the_locality_does_not_allow_it(new_order, operator):
    order = new_order(kind="complaint")  # complaints: 派单 (default setting)
    with pytest.raises(TransitionRefused) as exc:
        services.order_answer(order=order, actor=operator, reply="x")
    assert exc.value.code == "hotline_instant_not_allowed"


def test_full_loop_with_assisting_units_extension_callback_rework_and_close(
    new_order, operator, handler, leader, dept, dept2
):
    order = new_order()
    services.order_dispatch(order=order, actor=operator, department=dept, assisting=[dept2])
    assert state(order) == S.DISPATCHED
    order.refresh_from_db()
    assert order.case.clock_unit == "working_days" and order.case.clock_limit == 13  # 投诉: 13 working days
    roles = set(Assignment.objects.filter(case=order.case, ended_at__isnull=True).values_list("role", "department"))
    assert roles == {("lead", dept.pk), ("assist", dept2.pk)}
    assert order.sign_due_at and order.return_until
    services.order_sign(order=order, actor=handler)
    order.refresh_from_db()
    assert state(order) == S.HANDLING and order.signed_in_time is True
    due = order.case.due_at
    services.order_extend_request(order=order, actor=handler, days=5, reason="需协调供电部门")
    assert state(order) == S.EXTENSION_REQUESTED
    services.order_extend_approve(order=order, actor=leader, comment="同意")
    order.refresh_from_db()
    assert state(order) == S.HANDLING and order.extension_count == 1
    assert order.case.due_at > due
    services.order_finish(order=order, actor=handler, reply="已清运并设置垃圾桶")
    assert state(order) == S.REPLIED
    services.order_callback(order=order, actor=operator, satisfaction="unsatisfied", resolved=False, note="仍有异味")
    assert state(order) == S.CALLED_BACK
    services.order_rework(order=order, actor=operator, reason="群众不满意，重新处理")
    order.refresh_from_db()
    assert state(order) == S.HANDLING and order.rework_rounds == 1
    services.order_finish(order=order, actor=handler, reply="已消杀除臭")
    services.order_callback(order=order, actor=operator, satisfaction="satisfied")
    services.order_close(order=order, actor=operator)
    assert state(order) == S.CLOSED
    assert Callback.objects.filter(order=order).count() == 2
    names = list(CaseEvent.objects.filter(case=order.case).values_list("name", flat=True))
    assert names.count("hl_finish") == 2 and "hl_rework" in names and "extend" in names


def test_return_once_then_designated_unit_cannot_return(new_order, operator, handler, dept):
    order = new_order()
    services.order_dispatch(order=order, actor=operator, department=dept)
    services.order_return(order=order, actor=handler, reason="不属于本部门职责")
    order.refresh_from_db()
    assert state(order) == S.REGISTERED and order.return_count == 1
    services.order_dispatch(order=order, actor=operator, department=dept)
    order.refresh_from_db()
    assert order.designated
    with pytest.raises(TransitionRefused) as exc:
        services.order_return(order=order, actor=handler, reason="再次退回")
    assert exc.value.code == "hotline_designated_no_return"
    assert state(order) == S.DISPATCHED


def test_return_needs_a_reason_and_the_window(new_order, operator, handler, dept):
    order = new_order()
    services.order_dispatch(order=order, actor=operator, department=dept)
    with pytest.raises(TransitionRefused) as exc:
        services.order_return(order=order, actor=handler, reason="")
    assert exc.value.code == "hotline_reason_required"
    order.refresh_from_db()
    late = order.return_until + timedelta(minutes=1)
    with pytest.raises(TransitionRefused) as exc:
        services.order_return(order=order, actor=handler, reason="不属于本部门", at=late)
    assert exc.value.code == "hotline_return_window"


def test_only_the_lead_unit_signs(new_order, operator, other_handler, dept):
    order = new_order()
    services.order_dispatch(order=order, actor=operator, department=dept)
    with pytest.raises(TransitionRefused) as exc:
        services.order_sign(order=order, actor=other_handler)
    assert exc.value.code == "hotline_not_in_charge"


def test_village_agent_handles_an_order_dispatched_to_the_village(new_order, operator, agent, village_a):
    order = new_order(matter="邻里纠纷", kind="help")
    services.order_dispatch(order=order, actor=operator, village=village_a)
    services.order_sign(order=order, actor=agent)
    services.order_finish(order=order, actor=agent, reply="已调解")
    assert state(order) == S.REPLIED


def test_late_sign_is_recorded(new_order, operator, handler, dept):
    order = new_order()
    services.order_dispatch(order=order, actor=operator, department=dept)
    order.refresh_from_db()
    services.order_sign(order=order, actor=handler, at=order.sign_due_at + timedelta(hours=1))
    order.refresh_from_db()
    assert order.signed_in_time is False


def test_extension_is_bounded_and_once(new_order, operator, handler, leader, dept):
    order = new_order()
    services.order_dispatch(order=order, actor=operator, department=dept)
    services.order_sign(order=order, actor=handler)
    with pytest.raises(TransitionRefused) as exc:
        services.order_extend_request(order=order, actor=handler, days=11, reason="需要更长时间")
    assert exc.value.code == "hotline_extension_days"
    services.order_extend_request(order=order, actor=handler, days=3, reason="需要协调")
    services.order_extend_approve(order=order, actor=leader)
    with pytest.raises(TransitionRefused) as exc:
        services.order_extend_request(order=order, actor=handler, days=3, reason="再延期")
    assert exc.value.code == "hotline_extension_count"


def test_rework_only_when_unsatisfied(new_order, operator, handler, dept):
    order = new_order()
    services.order_dispatch(order=order, actor=operator, department=dept)
    services.order_sign(order=order, actor=handler)
    services.order_finish(order=order, actor=handler, reply="已处理")
    with pytest.raises(TransitionRefused) as exc:
        services.order_callback(order=order, actor=operator, satisfaction="great")
    assert exc.value.code == "hotline_satisfaction_invalid"
    services.order_callback(order=order, actor=operator, satisfaction="basic")
    with pytest.raises(TransitionRefused) as exc:
        services.order_rework(order=order, actor=operator, reason="重办")
    assert exc.value.code == "hotline_rework_needs_unsatisfied"


def test_close_only_after_callback(new_order, operator, handler, dept):
    order = new_order()
    services.order_dispatch(order=order, actor=operator, department=dept)
    services.order_sign(order=order, actor=handler)
    services.order_finish(order=order, actor=handler, reply="已处理")
    with pytest.raises(TransitionRefused) as exc:
        services.order_close(order=order, actor=operator)
    assert exc.value.code == "transition_not_allowed"


def test_county_duty_is_not_pushed_onto_the_town(new_order, operator, dept, village_a):
    order = new_order(matter="劳动保障")
    assert DutyItem.objects.get(jurisdiction_id=order.jurisdiction_id, matter="劳动保障").level == "county"
    for kw in ({"department": dept}, {"village": village_a}):
        with pytest.raises(TransitionRefused) as exc:
            services.order_dispatch(order=order, actor=operator, **kw)
        assert exc.value.code == "hotline_duty_county"
        assert "第24条" in exc.value.message
    services.order_to_center(order=order, actor=operator, reason="属县人力社保局职责")
    assert state(order) == S.RETURNED_TO_CENTER


def test_unlisted_or_town_tasks_are_not_pushed_onto_villages(new_order, operator, village_a, dept):
    for matter in ("环境卫生", "无清单事项"):
        order = new_order(matter=matter)
        with pytest.raises(TransitionRefused) as exc:
            services.order_dispatch(order=order, actor=operator, village=village_a)
        assert exc.value.code == "hotline_duty_not_village"
        assert "第17条" in exc.value.message
        services.order_dispatch(order=order, actor=operator, department=dept)  # the town's own department may


def test_service_edges_cannot_be_fired_from_the_generic_engine(new_order, operator):
    from township.cases.services import case_transition

    order = new_order()
    with pytest.raises(TransitionRefused) as exc:
        case_transition(case=order.case, name="hl_answer", actor=operator, data={"reply": "x"})
    assert exc.value.code == "transition_service_only"


def test_per_locality_periods_apply(new_order, operator, dept, town_a, make_user):
    from township.org.models import Role

    admin = make_user((town_a, Role.ADMINISTRATOR))
    services.period_save(
        actor=admin,
        jurisdiction=town_a.code,
        kind="complaint",
        urgency="",
        values={"handle_amount": 7, "sign_hours": 4},
    )
    order = new_order()
    services.order_dispatch(order=order, actor=operator, department=dept)
    order.refresh_from_db()
    assert order.case.clock_limit == 7
    with pytest.raises(DomainError) as exc:
        services.period_save(actor=operator, jurisdiction=town_a.code, kind="", urgency="", values={})
    assert exc.value.code == "hotline_settings_admin"


def test_longer_statutory_period_prevails_and_urgent_counts_hours(new_order, operator, dept, town_a, make_user):
    from township.hotline.periods import periods_for
    from township.org.models import Role

    admin = make_user((town_a, Role.ADMINISTRATOR))
    services.period_save(
        actor=admin,
        jurisdiction=town_a.code,
        kind="report",
        urgency="",
        values={"handle_amount": 5, "statutory_days": 20},
    )
    assert periods_for(town_a.code, "report", "normal").handle == ("working_days", 20)
    assert periods_for(town_a.code, "consult", "urgent").handle == ("natural_hours", 24)
    assert periods_for(town_a.code, "help", "normal").handle == ("working_days", 5)


def test_overdue_orders_appear_in_the_engine_warning_list(new_order, operator):
    from township.cases.selectors import workbench_list

    order = new_order(called_at=timezone.now() - timedelta(days=10))
    order.case.refresh_from_db()
    assert order.case.warning() == "overdue"
    page = workbench_list(actor=operator, case_type="hotline_order", warning="overdue")
    assert order.case.pk in [c.pk for c in page.items]
    fresh = new_order()
    page = workbench_list(actor=operator, case_type="hotline_order", warning="overdue")
    assert fresh.case.pk not in [c.pk for c in page.items]

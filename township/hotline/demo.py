"""Demo data of the 12345 hotline: a month of 白沙镇's orders imported from a generated hotline export through the
import service (``DEMO_ROWS`` rows over the last 30 days, spread over villages, types and matters), then taken
through the loop: some answered at once, dispatched to departments and villages, one county matter returned to the
centre, returned and re-dispatched (指定承办), extended, finished, called back with satisfaction, one 不满意 → 重办,
closed; the last days stay open (some overdue). Idempotent: a second run finds the import and changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

BAISHA = "500116108"
PREFIX = "BS12345"
DEMO_VILLAGE = "500116108201"  # 黑石山村: its agent handles its orders; the centre acts for the others
DEMO_ROWS = 240
MATTER_DEPARTMENT = {
    "环境卫生": "综合行政执法局",
    "道路交通": "规划建设管理局",
    "城乡建设": "规划建设管理局",
    "农业农村": "农业农村服务局",
    "社会救助": "社会事务局",
}


def _user(username: str) -> Any:
    from township.org.models import User

    return User.objects.filter(username=username).first()


def _ensure_unit_staff() -> None:
    """One handler per department the demo dispatches to (besides the org demo's 规建局 handler)."""
    from township.org.demo import create_demo_user
    from township.org.models import Department, Role, RoleGrant

    for username, dept_name, full_name in (
        ("hotline_agri", "农业农村服务局", "罗农服"),
        ("hotline_social", "社会事务局", "沈社事"),
        ("hotline_enforce", "综合行政执法局", "任执法"),
    ):
        dept = Department.objects.filter(jurisdiction_id=BAISHA, name=dept_name).first()
        if dept is None:
            continue
        user = _user(username) or create_demo_user(username, "Bs-hotline-unit-2026", full_name=full_name)
        RoleGrant.objects.get_or_create(user=user, jurisdiction_id=BAISHA, role=Role.HANDLER, department=dept)


def seed(stdout: Any) -> None:
    from township.hotline import services
    from township.hotline.generate import export_bytes, sample_rows
    from township.hotline.models import ImportJob, Order
    from township.org.models import Jurisdiction, Level

    if not Jurisdiction.objects.filter(pk=BAISHA).exists():
        return
    services.duties_seed(jurisdiction=BAISHA)
    _ensure_unit_staff()
    if Order.objects.filter(jurisdiction_id=BAISHA, external_no__startswith=PREFIX).exists():
        return
    operator = _user("hotline")
    if operator is None:
        return
    villages = list(
        Jurisdiction.objects.filter(parent_id=BAISHA, level=Level.VILLAGE)
        .order_by("code")
        .values_list("name", flat=True)
    )
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=31)
    rows = sample_rows(DEMO_ROWS, villages=villages, start=start, days=30, prefix=PREFIX, seed=2026)
    job = services.job_create(
        actor=operator,
        jurisdiction=BAISHA,
        filename=f"12345工单导出-{start:%Y%m}.xlsx",
        content=export_bytes(rows),
        mode=ImportJob.Mode.ALL_OR_NOTHING,
    )
    job = services.job_run(job)
    stdout.write(f"hotline: {job.message}\n")
    counts = _work(operator)
    stdout.write("hotline: " + "，".join(f"{k} {v}" for k, v in counts.items()) + "\n")


def _clamp(at: datetime) -> datetime:
    latest = timezone.now() - timedelta(minutes=1)
    return at if at < latest else latest


def _work(operator: Any) -> dict[str, int]:
    """Take the imported orders through the loop, by age and a fixed pattern (deterministic)."""
    from township.hotline import services
    from township.hotline.models import Order
    from township.hotline.selectors import duty_level
    from township.org.models import Department, Jurisdiction

    leader = _user("leader") or operator
    depts = {d.name: d for d in Department.objects.filter(jurisdiction_id=BAISHA)}
    staff = {
        "规划建设管理局": _user("handler"),
        "农业农村服务局": _user("hotline_agri"),
        "社会事务局": _user("hotline_social"),
        "综合行政执法局": _user("hotline_enforce"),
    }
    agent = _user("agent")  # 黑石山村's agent
    counts = {
        "即时答复": 0,
        "派单": 0,
        "退回热线中心": 0,
        "退回后指定承办": 0,
        "延期": 0,
        "结案": 0,
        "重办": 0,
        "未办结": 0,
    }
    now = timezone.now()
    rework_done = False
    orders = list(Order.objects.filter(jurisdiction_id=BAISHA, external_no__startswith=PREFIX).order_by("called_at"))
    for i, order in enumerate(orders):
        t = order.called_at
        age = now - t
        duty = duty_level(BAISHA, order.matter)
        if order.kind == "consult" and duty != "county" and i % 3 != 2:
            services.order_answer(
                order=order, actor=operator, reply="已根据知识库当场答复来电人。", at=_clamp(t + timedelta(minutes=8))
            )
            counts["即时答复"] += 1
            continue
        if age < timedelta(days=2) and i % 2 == 0:
            counts["未办结"] += 1  # still waiting for 派单 (some overdue)
            continue
        if duty == "county":
            services.order_to_center(
                order=order,
                actor=operator,
                reason=f"“{order.matter}”属县级部门职责，退回热线中心另行派单",
                at=_clamp(t + timedelta(minutes=30)),
            )
            counts["退回热线中心"] += 1
            continue
        village = None
        dept = None
        if duty == "village" and order.village_id:
            village = Jurisdiction.objects.get(pk=order.village_id)
            unit_user = agent if village.pk == DEMO_VILLAGE else operator
        else:
            dept = depts.get(MATTER_DEPARTMENT.get(order.matter, "规划建设管理局")) or depts.get("规划建设管理局")
            unit_user = staff.get(dept.name if dept else "") or operator
        unit_user = unit_user or operator
        assisting = [depts["应急管理局"]] if order.urgency == "urgent" and "应急管理局" in depts and dept else []
        at = _clamp(t + timedelta(minutes=40))
        services.order_dispatch(
            order=order, actor=operator, department=dept, village=village, assisting=assisting, at=at
        )
        counts["派单"] += 1
        if age < timedelta(days=3):
            counts["未办结"] += 1
            continue
        if i % 17 == 5 and dept is not None:  # returned once, then designated
            services.order_return(
                order=order, actor=unit_user, reason="经核实不属于本单位职责", at=_clamp(at + timedelta(hours=1))
            )
            services.order_dispatch(order=order, actor=operator, department=dept, at=_clamp(at + timedelta(hours=2)))
            counts["退回后指定承办"] += 1
            at = at + timedelta(hours=2)
        late = i % 9 == 4
        services.order_sign(order=order, actor=unit_user, at=_clamp(at + timedelta(hours=3 if late else 1)))
        if age < timedelta(days=6) and i % 2:
            counts["未办结"] += 1
            continue
        if i % 13 == 7:
            services.order_extend_request(
                order=order,
                actor=unit_user,
                days=5,
                reason="需协调相关单位现场处理",
                at=_clamp(at + timedelta(hours=5)),
            )
            services.order_extend_approve(
                order=order, actor=leader, comment="同意延期5个工作日", at=_clamp(at + timedelta(hours=6))
            )
            counts["延期"] += 1
        done = _clamp(at + timedelta(days=2))
        services.order_finish(order=order, actor=unit_user, reply="已到现场处理，并电话告知来电人处理结果。", at=done)
        satisfaction = ("satisfied", "satisfied", "basic", "satisfied", "unsatisfied")[i % 5]
        services.order_callback(
            order=order,
            actor=operator,
            satisfaction=satisfaction,
            resolved=satisfaction != "unsatisfied",
            note="电话回访",
            at=_clamp(done + timedelta(days=1)),
        )
        if satisfaction == "unsatisfied" and not rework_done:
            services.order_rework(
                order=order,
                actor=operator,
                reason="来电人不满意，重新办理",
                at=_clamp(done + timedelta(days=1, hours=1)),
            )
            services.order_finish(
                order=order, actor=unit_user, reply="再次到场处理，问题已解决。", at=_clamp(done + timedelta(days=2))
            )
            services.order_callback(
                order=order, actor=operator, satisfaction="basic", note="二次回访", at=_clamp(done + timedelta(days=3))
            )
            rework_done = True
            counts["重办"] += 1
        services.order_close(order=order, actor=operator, at=_clamp(done + timedelta(days=3, hours=1)))
        counts["结案"] += 1
    return counts

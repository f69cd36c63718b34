"""Writes of 12345 work orders: intake, and each step of the loop through the case type's authority.

Every step is one transaction: the edge is fired with ``HOTLINE.fire`` (guards, clock, timeline) and the order's
facts are written beside it. Errors: the codes of ``township.hotline.errors.Code`` and the edges' own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases import numbering
from township.cases.models import Assignment, Case
from township.cases.services import case_assign, case_extend, case_note, case_open
from township.cases.types import case_type_for
from township.core.calendar import agency_due_datetime
from township.core.errors import DomainError, PermissionRefused
from township.hotline.errors import Code
from township.hotline.machine import CASE_TYPE, CENTRE
from township.hotline.models import Callback, Channel, ImportJob, Kind, Order, Urgency
from township.hotline.periods import periods_for
from township.org.models import Department, Jurisdiction, Level, User
from township.org.scoping import has_role

ASSIST = "assist"


def _fire(order: Order, name: str, actor: User | None, data: dict[str, Any] | None = None, **kw: Any) -> None:
    case_type_for(CASE_TYPE).fire(order.case, name, actor, data or {}, **kw)


def _due(start: datetime, hours: int) -> datetime:
    return agency_due_datetime(start, hours, "working_hours")[0]


def _title(kind: str, content: str) -> str:
    return f"{Kind(kind).label}：{content.strip()[:60]}"


def village_of(town: str, value: Jurisdiction | str | None) -> Jurisdiction | None:
    """The village (by code or name) inside ``town``; None when blank. Refuses a village of another town."""
    if value in (None, ""):
        return None
    village: Jurisdiction | None
    if isinstance(value, Jurisdiction):
        village = value
    else:
        village = (
            Jurisdiction.objects.filter(parent_id=town, level=Level.VILLAGE).filter(code=value).first()
            or Jurisdiction.objects.filter(parent_id=town, level=Level.VILLAGE, name=value).first()
        )
    if village is None or village.parent_id != town or village.level != Level.VILLAGE:
        raise DomainError(Code.VILLAGE_INVALID, _("所属村须为本镇的村（社区）"), field="village")
    return village


@transaction.atomic
@numbering.numbers_last()  # the town's case counter locked only for the last statement and the commit
def order_create(
    *,
    jurisdiction: Jurisdiction | str,
    actor: User | None,
    content: str,
    kind: str = Kind.CONSULT,
    urgency: str = Urgency.NORMAL,
    matter: str = "",
    called_at: datetime | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    address: str = "",
    village: Jurisdiction | str | None = None,
    external_no: str = "",
    channel: str = Channel.OPERATOR,
    import_job: ImportJob | None = None,
    check_role: bool = True,
) -> Order:
    """受理 a work order: the case opens with the 派单 period running (working hours from the call).

    Errors: hotline_content_required, hotline_village_invalid, hotline_duplicate_external_no, permission."""
    town = jurisdiction.pk if isinstance(jurisdiction, Jurisdiction) else jurisdiction
    if check_role and not has_role(actor, town, CENTRE):
        raise PermissionRefused("role_required", _("仅12345热线工单受理员或指挥中心调度员可以受理工单"))
    if not content.strip():
        raise DomainError(Code.CONTENT_REQUIRED, _("请填写诉求内容"), field="content")
    if kind not in Kind.values:
        raise DomainError("invalid_input", _("诉求类型无效"), field="kind")
    if urgency not in Urgency.values:
        raise DomainError("invalid_input", _("紧急程度无效"), field="urgency")
    v = village_of(town, village)
    external_no = external_no.strip()
    if external_no and Order.objects.filter(jurisdiction_id=town, external_no=external_no).exists():
        raise DomainError(
            Code.DUPLICATE_EXTERNAL_NO, _("工单编号 %(n)s 已存在") % {"n": external_no}, field="external_no"
        )
    at = called_at or timezone.now()
    p = periods_for(town, kind, urgency)
    case = case_open(
        case_type=CASE_TYPE,
        jurisdiction=town,
        actor=actor,
        title=_title(kind, content),
        village=v,
        clock_unit="working_hours",
        clock_limit=p.dispatch_hours,
        opened_at=at,
        data={"channel": channel, "external_no": external_no},
    )
    return Order.objects.create(
        case=case,
        jurisdiction_id=town,
        village=v,
        external_no=external_no,
        channel=channel,
        called_at=at,
        caller_name=caller_name.strip()[:40],
        caller_phone=caller_phone.strip()[:20],
        kind=kind,
        urgency=urgency,
        matter=matter.strip()[:40],
        content=content.strip(),
        address=address.strip()[:200],
        import_job=import_job,
    )


def _save(order: Order, **fields: Any) -> Order:
    for k, v in fields.items():
        setattr(order, k, v)
    order.save(update_fields=list(fields))
    return order


@transaction.atomic
def order_answer(*, order: Order, actor: User, reply: str, at: datetime | None = None) -> Order:
    """即时答复: answered on the spot from the knowledge base, closed with the reply (潍坊 Art 18)."""
    now = at or timezone.now()
    _fire(order, "hl_answer", actor, {"reply": reply}, comment=reply, at=now)
    return _save(order, reply=reply.strip(), answered_at=now, instant=True, resolved=True)


def _end_assignments(order: Order, at: datetime) -> None:
    Assignment.objects.filter(
        jurisdiction_id=order.jurisdiction_id, case_id=order.case_id, ended_at__isnull=True
    ).update(ended_at=at)


@transaction.atomic
def order_dispatch(
    *,
    order: Order,
    actor: User,
    department: Department | None = None,
    village: Jurisdiction | None = None,
    assisting: Sequence[Department] = (),
    comment: str = "",
    at: datetime | None = None,
) -> Order:
    """派单 to a 承办单位 (a department of the town, or one of its villages) with 协办 departments; the 办理时限
    starts. After a 退回 the order is dispatched by designation (指定承办): that unit cannot return it again.

    Errors: hotline_unit_required, hotline_unit_invalid, hotline_assist_invalid, hotline_duty_county,
    hotline_duty_not_village (rule 7), and the edge's own."""
    if (department is None) == (village is None):
        raise DomainError(Code.UNIT_REQUIRED, _("请选择一个承办单位（部门或村）"), field="department")
    town = order.jurisdiction_id
    if department is not None and (department.jurisdiction_id != town or not department.active):
        raise DomainError(Code.UNIT_INVALID, _("承办部门须为本镇的部门"), field="department")
    if village is not None and (village.parent_id != town or village.level != Level.VILLAGE):
        raise DomainError(Code.UNIT_INVALID, _("承办村须为本镇的村（社区）"), field="village")
    helpers: dict[int, Department] = {}
    for d in assisting:
        if d.jurisdiction_id != town or (department is not None and d.pk == department.pk):
            raise DomainError(Code.ASSIST_INVALID, _("协办单位须为本镇承办单位以外的部门"), field="assisting")
        helpers.setdefault(d.pk, d)
    now = at or timezone.now()
    p = periods_for(town, order.kind, order.urgency)
    unit, amount = p.handle
    designated = order.return_count >= 1
    unit_name = department.name if department is not None else village.name  # type: ignore[union-attr]
    data = {
        "clock": {"unit": unit, "limit": amount},
        "unit_level": "village" if village is not None else "town",
        "unit": unit_name,
        "assisting": [d.name for d in helpers.values()],
        "designated": designated,
    }
    _fire(order, "hl_dispatch", actor, data, comment=comment, at=now)
    _end_assignments(order, now)
    if department is not None:
        case_assign(case=order.case, actor=actor, department=department, comment=comment)
    else:
        case_note(case=order.case, actor=actor, name="lead_village", label=_("承办村"), data={"village": village.pk})  # type: ignore[union-attr]
    for d in helpers.values():
        case_assign(case=order.case, actor=actor, department=d, role=ASSIST, comment=comment)
    return _save(
        order,
        lead_department=department,
        lead_village=village,
        designated=designated,
        dispatched_at=now,
        first_dispatched_at=order.first_dispatched_at or now,
        sign_due_at=_due(now, p.sign_hours),
        return_until=_due(now, p.return_hours),
        signed_at=None,
        signed_in_time=None,
    )


@transaction.atomic
def order_to_center(*, order: Order, actor: User, reason: str, at: datetime | None = None) -> Order:
    """退回热线中心: not the town's matter (e.g. a county department's duty, 潍坊 Art 24)."""
    _fire(order, "hl_to_center", actor, {"reason": reason}, comment=reason, at=at)
    return order


@transaction.atomic
def order_sign(*, order: Order, actor: User, at: datetime | None = None) -> Order:
    """签收 by the lead unit; whether it was within the 签收 period is recorded (响应率)."""
    now = at or timezone.now()
    _fire(order, "hl_sign", actor, {}, at=now)
    in_time = order.sign_due_at is None or now <= order.sign_due_at
    return _save(order, signed_at=now, signed_in_time=in_time)


@transaction.atomic
def order_return(*, order: Order, actor: User, reason: str, at: datetime | None = None) -> Order:
    """退回 by the lead unit, once, within the window, with a reason; the 派单 period runs again."""
    now = at or timezone.now()
    p = periods_for(order.jurisdiction_id, order.kind, order.urgency)
    data = {"reason": reason, "now": now.isoformat(), "clock": {"unit": "working_hours", "limit": p.dispatch_hours}}
    _fire(order, "hl_return", actor, data, comment=reason, at=now)
    _end_assignments(order, now)
    return _save(order, return_count=order.return_count + 1, lead_department=None, lead_village=None)


@transaction.atomic
def order_extend_request(*, order: Order, actor: User, days: int, reason: str, at: datetime | None = None) -> Order:
    _fire(order, "hl_extend_request", actor, {"days": days, "reason": reason}, comment=reason, at=at)
    return _save(order, extension_days=days)


def _amount(case: Case, days: int) -> int:
    if case.clock_unit == "working_hours":
        return days * 8
    if case.clock_unit == "natural_hours":
        return days * 24
    return days


@transaction.atomic
def order_extend_approve(*, order: Order, actor: User, comment: str = "", at: datetime | None = None) -> Order:
    """批准延期: the 办理时限 moves by the requested working days (once, bounded by the local setting)."""
    _fire(order, "hl_extend_approve", actor, {"days": order.extension_days}, comment=comment, at=at)
    reason = comment or _("延期%(n)s个工作日") % {"n": order.extension_days}
    case_extend(
        case=order.case, actor=actor, amount=_amount(order.case, order.extension_days), reason=reason, approved_by=actor
    )
    return _save(order, extension_count=order.extension_count + 1)


@transaction.atomic
def order_extend_reject(*, order: Order, actor: User, comment: str = "", at: datetime | None = None) -> Order:
    _fire(order, "hl_extend_reject", actor, {}, comment=comment, at=at)
    return _save(order, extension_days=0)


@transaction.atomic
def order_finish(*, order: Order, actor: User, reply: str, at: datetime | None = None) -> Order:
    """办结 with the reply to the caller."""
    now = at or timezone.now()
    _fire(order, "hl_finish", actor, {"reply": reply}, comment=reply, at=now)
    return _save(order, reply=reply.strip(), answered_at=now)


@transaction.atomic
def order_callback(
    *,
    order: Order,
    actor: User,
    satisfaction: str,
    resolved: bool = True,
    note: str = "",
    at: datetime | None = None,
) -> Order:
    """回访 after 办结: satisfaction (满意/基本满意/不满意) and whether the problem was resolved."""
    now = at or timezone.now()
    data = {"satisfaction": satisfaction, "resolved": bool(resolved)}
    _fire(order, "hl_callback", actor, data, comment=note, at=now)
    Callback.objects.create(
        order=order,
        jurisdiction_id=order.jurisdiction_id,
        at=now,
        round=order.rework_rounds,
        satisfaction=satisfaction,
        resolved=bool(resolved),
        note=note[:500],
        by=actor,
    )
    return _save(order, satisfaction=satisfaction, resolved=bool(resolved))


@transaction.atomic
def order_rework(*, order: Order, actor: User, reason: str, at: datetime | None = None) -> Order:
    """不满意 → 重办: back to the lead unit, the 办理时限 restarts; rounds are counted."""
    now = at or timezone.now()
    unit, amount = periods_for(order.jurisdiction_id, order.kind, order.urgency).handle
    data = {"reason": reason, "clock": {"unit": unit, "limit": amount}, "round": order.rework_rounds + 1}
    _fire(order, "hl_rework", actor, data, comment=reason, at=now)
    return _save(order, rework_rounds=order.rework_rounds + 1, resolved=None)


@transaction.atomic
def order_close(*, order: Order, actor: User, comment: str = "", at: datetime | None = None) -> Order:
    _fire(order, "hl_close", actor, {}, comment=comment, at=at)
    return order

"""The 12345 work order case type declared to the engine: actions (one form each; the services do the work),
facts for the guards, visibility, menu, the import worker job, indicators and the intake of forwarded matters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from township.cases.types import Action, CaseType, Intake, MenuEntry, TimedJob, Visible
from township.core.errors import DomainError
from township.hotline import forms
from township.hotline.errors import Code
from township.hotline.indicators import INDICATORS
from township.hotline.machine import CENTRE, MACHINE
from township.hotline.models import Order
from township.org.models import Role


def _units(case: Any, actor: Any) -> dict[str, Any]:
    from township.org.models import Department, Jurisdiction, Level

    depts = list(Department.objects.filter(jurisdiction_id=case.jurisdiction_id, active=True).order_by("sort", "id"))
    villages = Jurisdiction.objects.filter(parent_id=case.jurisdiction_id, level=Level.VILLAGE).order_by("code")
    units = [(f"d:{d.pk}", f"{d.name}（部门）") for d in depts] + [(f"v:{v.pk}", f"{v.name}（村）") for v in villages]
    return {"units": units, "departments": [(d.pk, d.name) for d in depts]}


def _dispatch(order: Order, actor: Any, d: dict[str, Any], files: Any) -> Any:
    from township.hotline import services
    from township.org.models import Department, Jurisdiction

    kind, _sep, key = str(d.get("unit") or "").partition(":")
    department = village = None
    if kind == "d" and key.isdigit():
        department = Department.objects.filter(pk=int(key), jurisdiction_id=order.jurisdiction_id).first()
    elif kind == "v":
        village = Jurisdiction.objects.filter(pk=key, parent_id=order.jurisdiction_id).first()
    if department is None and village is None:
        raise DomainError(Code.UNIT_REQUIRED, _("请选择一个承办单位（部门或村）"), field="unit")
    assisting = list(Department.objects.filter(pk__in=d.get("assisting") or [], jurisdiction_id=order.jurisdiction_id))
    return services.order_dispatch(
        order=order,
        actor=actor,
        department=department,
        village=village,
        assisting=assisting,
        comment=d.get("reason", ""),
    )


def _call(name: str, **mapping: str) -> Any:
    """A handler calling ``services.<name>(order=…, actor=…, **{param: data[field]})``."""

    def handler(order: Order, actor: Any, d: dict[str, Any], files: Any) -> Any:
        from township.hotline import services

        kwargs = {param: d.get(field) if d.get(field) is not None else "" for param, field in mapping.items()}
        return getattr(services, name)(order=order, actor=actor, **kwargs)

    return handler


ACTIONS = (
    Action("hl_answer", _("即时答复"), _call("order_answer", reply="reply"), forms.ReplyForm, "hl_answer"),
    Action("hl_dispatch", _("派单"), _dispatch, forms.DispatchForm, "hl_dispatch", form_kwargs=_units),
    Action(
        "hl_to_center",
        _("退回热线中心"),
        _call("order_to_center", reason="reason"),
        forms.ReasonForm,
        "hl_to_center",
        danger=True,
        help=_("不属于本镇职责的工单（如县级部门职责）退回热线中心重新派发"),
    ),
    Action("hl_sign", _("签收"), _call("order_sign"), None, "hl_sign"),
    Action("hl_return", _("退回"), _call("order_return", reason="reason"), forms.ReasonForm, "hl_return", danger=True),
    Action(
        "hl_extend_request",
        _("申请延期"),
        _call("order_extend_request", days="days", reason="reason"),
        forms.ExtendForm,
        "hl_extend_request",
    ),
    Action(
        "hl_extend_approve",
        _("批准延期"),
        _call("order_extend_approve", comment="reason"),
        forms.CommentForm,
        "hl_extend_approve",
    ),
    Action(
        "hl_extend_reject",
        _("驳回延期"),
        _call("order_extend_reject", comment="reason"),
        forms.CommentForm,
        "hl_extend_reject",
    ),
    Action("hl_finish", _("办结"), _call("order_finish", reply="reply"), forms.ReplyForm, "hl_finish"),
    Action(
        "hl_callback",
        _("回访"),
        _call("order_callback", satisfaction="satisfaction", resolved="resolved", note="reason"),
        forms.CallbackForm,
        "hl_callback",
    ),
    Action("hl_rework", _("重办"), _call("order_rework", reason="reason"), forms.ReasonForm, "hl_rework"),
    Action("hl_close", _("结案"), _call("order_close", comment="reason"), forms.CommentForm, "hl_close"),
)


def _facts(case: Any) -> dict[str, Any]:
    from township.hotline.selectors import order_facts

    record = getattr(case, "_case_type_record", None)
    if record is None:
        record = Order.objects.filter(jurisdiction_id=case.jurisdiction_id, case_id=case.pk).first()
        if record is None:
            return {}
    return order_facts(record)


def _visible_inputs(actor: Any) -> tuple[Any, ...]:
    from township.hotline.selectors import order_scope_inputs

    return order_scope_inputs(actor)


def _visible_of(*inputs: Any) -> Any:
    """Cases of the orders the actor may see (``hotline.selectors.order_scope_q``)."""
    from django.db.models import Q

    from township.hotline.selectors import order_scope_of

    return Q(pk__in=Order.objects.filter(order_scope_of(*inputs)).values("case_id"))


def _intake(intake: Intake) -> Any:
    """A 社情民意 item (or another matter) forwarded into a 12345 order, in the origin's town."""
    from township.hotline import services
    from township.hotline.models import Channel, Kind, Urgency

    extra = dict(intake.extra or {})
    content = intake.description or intake.title
    order = services.order_create(
        jurisdiction=intake.origin.jurisdiction_id,
        actor=intake.actor,
        content=content,
        kind=str(extra.get("kind")) if extra.get("kind") in Kind.values else str(Kind.HELP),
        urgency=str(extra.get("urgency")) if extra.get("urgency") in Urgency.values else str(Urgency.NORMAL),
        matter=str(extra.get("matter") or ""),
        caller_name=intake.person_name,
        caller_phone=intake.person_phone,
        address=str(extra.get("address") or ""),
        village=intake.village or intake.origin.village_id,
        channel=Channel.FORWARDED,
        check_role=False,  # the forwarding case type checks who may forward
    )
    return order.case


def _run_imports(now: datetime) -> dict[str, Any]:
    from township.hotline.services import run_queued_jobs

    return run_queued_jobs(now)


HOTLINE = CaseType(
    machine=MACHINE,
    record=Order,
    page="hotline:case",
    actions=ACTIONS,
    menu=(
        MenuEntry(
            _("12345工单"), "hotline:list", roles=(*CENTRE, Role.LEADER, Role.HANDLER, Role.VILLAGE_AGENT), order=40
        ),
        MenuEntry(_("12345受理"), "hotline:intake", roles=CENTRE, order=41),
        MenuEntry(_("12345导入"), "hotline:imports", roles=CENTRE, order=42),
        MenuEntry(_("12345统计"), "hotline:stats", roles=(*CENTRE, Role.LEADER), order=43),
        MenuEntry(_("12345设置"), "hotline:settings", roles=(Role.ADMINISTRATOR, Role.LEADER, *CENTRE), order=44),
    ),
    timed=(TimedJob("hotline.imports", _run_imports, every_seconds=10),),
    facts=_facts,
    visible=Visible(_visible_inputs, _visible_of),
    intake=_intake,
    indicators=INDICATORS,
    public_reply=lambda order: order.reply,  # 即时答复 / 办结 reply to the caller
)

"""Guards of the grid event machine: pure functions ``(case, actor, data) -> None``.

The services put the facts a guard needs into ``data`` (reason, photos, department, rating).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.machine import needs_input
from township.core.errors import PermissionRefused
from township.grid.errors import Code
from township.org.models import Role
from township.org.scoping import scope

PUBLIC_SOURCES = ("public", "open311")


@needs_input
def reason_required(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not str(data.get("reason") or "").strip():
        raise TransitionRefused(Code.REASON_REQUIRED, _("请填写理由"), field="reason")


MAX_POSTPONE_WORKING_DAYS = 30


@needs_input
def postpone_days_given(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """A postponement is asked for a stated number of working days, so that it ends (DOMAIN §1.5 延期)."""
    days = data.get("days")
    if not isinstance(days, int) or not 1 <= days <= MAX_POSTPONE_WORKING_DAYS:
        raise TransitionRefused(
            Code.POSTPONE_DAYS,
            _("请填写延期的工作日数（1至%(n)s个工作日）") % {"n": MAX_POSTPONE_WORKING_DAYS},
            field="days",
        )


def public_report_verified(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """A report from the public is verified on site before 立案 (DOMAIN §1.5 核实)."""
    if case.state == "reported" and data.get("source") in PUBLIC_SOURCES:
        raise TransitionRefused(Code.VERIFICATION_REQUIRED, _("群众上报的事件须先由网格员核实后才能立案"))


@needs_input
def dispatch_target_required(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not data.get("department") and not data.get("handler"):
        raise TransitionRefused(Code.DISPATCH_TARGET_REQUIRED, _("请选择处置部门或处置人"), field="department")


@needs_input
def feedback_has_photos(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """反馈 needs at least one photo of the result (DOMAIN §1.5 处理反馈)."""
    if not data.get("photos"):
        raise TransitionRefused(Code.FEEDBACK_PHOTO_REQUIRED, _("处置反馈须上传处置后照片"), field="photos")


@needs_input
def rating_valid(case: Any, actor: Any, data: dict[str, Any]) -> None:
    rating = data.get("rating")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise TransitionRefused(Code.RATING_INVALID, _("评价须为1至5星"), field="rating")


def handler_in_charge(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """承办 only: the department the event is dispatched to (or the person named) signs, sends back, reports back
    and asks to postpone; an assisting department (协办) sees the event but does not finish it. A handler whose
    grant covers the whole unit (全部, or no department) may act on any event of it.

    Facts: ``lead_department`` (id), ``lead_department_name``, ``lead_handler`` (user id) of the event.
    """
    if actor is None:  # timed work
        return
    if data.get("lead_handler") is not None and data.get("lead_handler") == actor.pk:
        return
    handlers = scope(actor, (Role.HANDLER,))
    if handlers.covers_department(case.jurisdiction_id, data.get("lead_department"), case.village_id):
        return
    name = data.get("lead_department_name") or ""
    message = (
        _("该事件由“%(d)s”承办，您所在部门不能办理此步骤（协办部门只能查看和配合）") % {"d": name}
        if name
        else _("该事件已指定处置人，您不能办理此步骤")
    )
    raise PermissionRefused(Code.NOT_IN_CHARGE, message)

"""Guards of 12345 work orders: pure functions of the case, the actor and the facts (``data``), each refusing an
illegal step with its code and a Chinese message that cites the rule (DOMAIN2 §2, rules 6 and 7).

Facts (``case_type.facts``): ``duty_level`` (the level owning the order's matter in the town's 事项清单, "" when not
listed), ``matter``, ``lead_department``, ``lead_village``, ``designated``, ``return_count``, ``return_until``
(ISO), ``extension_count``, ``extension_max_count``, ``extension_max_days``, ``instant_answer`` (allowed for the
order's type), ``satisfaction``, ``rework_rounds``, ``max_rework``. Input: ``unit_level`` (of the unit chosen at
派单), ``reason``, ``reply``, ``days``, ``satisfaction``, ``now`` (ISO).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.machine import needs_input
from township.hotline.errors import Code
from township.org.models import Role
from township.org.scoping import has_role, reach, scope

CITE_DUTY = "《潍坊市12345政务服务便民热线管理办法》第24条；《北京市接诉即办工作条例》第17条"
CITE_RETURN = "《潍坊市12345政务服务便民热线管理办法》第20条"
CITE_INSTANT = "《潍坊市12345政务服务便民热线管理办法》第18条；《北京市接诉即办工作条例》第11条"
CITE_EXTEND = "《山东省政务服务热线管理办法》（2020）：延期不超过10个工作日"
CITE_REWORK = "《济南市12345市民服务热线管理办法》第27条；《北京市接诉即办工作条例》第23条"


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value)
    return None


@needs_input
def reason_required(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not str(data.get("reason") or "").strip():
        raise TransitionRefused(Code.REASON_REQUIRED, _("请填写理由"), field="reason")


@needs_input
def reply_required(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not str(data.get("reply") or "").strip():
        raise TransitionRefused(Code.REPLY_REQUIRED, _("请填写答复内容"), field="reply")


def instant_answer_allowed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """即时答复 only for the types the locality allows it (DOMAIN2 §2.3; 潍坊 Art 18)."""
    if data.get("instant_answer") is False:
        raise TransitionRefused(
            Code.INSTANT_NOT_ALLOWED,
            _("本地设置不允许此类诉求即时答复，请派单办理（%(cite)s）") % {"cite": CITE_INSTANT},
        )


@needs_input
def duty_level_owned(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Rule 7: county departments' duties are not pushed onto the town, nor unlisted tasks onto villages."""
    duty = data.get("duty_level") or ""
    unit = data.get("unit_level") or ""
    matter = data.get("matter") or _("（未分类）")
    if duty == "county":
        raise TransitionRefused(
            Code.DUTY_COUNTY,
            _("“%(m)s”属县级部门职责，不得派给乡镇或村办理，请退回热线中心（%(cite)s）")
            % {"m": matter, "cite": CITE_DUTY},
            field="unit",
        )
    if unit == "village" and duty != "village":
        raise TransitionRefused(
            Code.DUTY_NOT_VILLAGE,
            _("“%(m)s”不在村（社区）事项清单内，不得派给村（社区）办理（%(cite)s）") % {"m": matter, "cite": CITE_DUTY},
            field="unit",
        )


def unit_in_charge(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Only the lead unit (承办单位) signs, returns, asks for an extension and reports 办结: its department's staff,
    or the village's staff when a village leads. The centre (whole-town scope) may act for it."""
    if actor is None:
        return
    code = case.jurisdiction_id
    village = data.get("lead_village")
    if village and has_role(actor, code, (Role.VILLAGE_AGENT, Role.HANDLER), village=village):
        return
    if village and any(v == (code, village) for v in scope(actor, (Role.VILLAGE_AGENT, Role.HANDLER)).villages):
        return
    dept = data.get("lead_department")
    handlers = scope(actor, (Role.HANDLER,))
    if dept and (code, dept) in handlers.departments:
        return
    if code in reach(actor, (Role.HOTLINE_OPERATOR, Role.DISPATCHER)).codes:
        return
    raise TransitionRefused(Code.NOT_IN_CHARGE, _("仅承办单位可以办理此步骤"))


def return_allowed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """退回 once, within its window; a designated unit (指定承办) cannot return the order again (潍坊 Art 20)."""
    if data.get("designated") or int(data.get("return_count") or 0) >= 1:
        raise TransitionRefused(
            Code.DESIGNATED_NO_RETURN if data.get("designated") else Code.RETURN_ONCE,
            _("该工单已退回过一次并经指定承办，不得再次退回（%(cite)s）") % {"cite": CITE_RETURN},
        )
    until = _when(data.get("return_until"))
    now = _when(data.get("now"))
    if until is not None and now is not None and now > until:
        raise TransitionRefused(
            Code.RETURN_WINDOW,
            _("已超过退回时限（%(t)s），不得退回（%(cite)s）")
            % {"t": until.strftime("%Y-%m-%d %H:%M"), "cite": CITE_RETURN},
        )


def extension_available(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if int(data.get("extension_count") or 0) >= int(data.get("extension_max_count") or 1):
        raise TransitionRefused(
            Code.EXTENSION_COUNT,
            _("延期次数已达上限（%(n)s次）（%(cite)s）")
            % {"n": data.get("extension_max_count") or 1, "cite": CITE_EXTEND},
        )


@needs_input
def extension_bounded(case: Any, actor: Any, data: dict[str, Any]) -> None:
    days = int(data.get("days") or 0)
    limit = int(data.get("extension_max_days") or 10)
    if days < 1 or days > limit:
        raise TransitionRefused(
            Code.EXTENSION_DAYS,
            _("延期天数须为1至%(n)s个工作日（%(cite)s）") % {"n": limit, "cite": CITE_EXTEND},
            field="days",
        )


@needs_input
def satisfaction_valid(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if data.get("satisfaction") not in ("satisfied", "basic", "unsatisfied"):
        raise TransitionRefused(
            Code.SATISFACTION_INVALID, _("请选择满意度：满意、基本满意或不满意"), field="satisfaction"
        )


def rework_when_unsatisfied(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """不满意 → 重办 (济南 Art 27; 北京 Art 23), at most ``max_rework`` rounds."""
    if data.get("satisfaction") != "unsatisfied":
        raise TransitionRefused(
            Code.REWORK_NEEDS_UNSATISFIED, _("仅回访不满意的工单可以重办（%(cite)s）") % {"cite": CITE_REWORK}
        )
    if int(data.get("rework_rounds") or 0) >= int(data.get("max_rework") or 2):
        raise TransitionRefused(
            Code.REWORK_LIMIT, _("重办次数已达上限（%(n)s次），请结案并督办") % {"n": data.get("max_rework") or 2}
        )

"""The 12345 work order (12345工单) declared as data (DOMAIN2 §2; rules 6 and 7).

受理 → 即时答复 (closed with the reply) | 派单 (承办 + 协办) → 签收 → [退回 once | 延期 with approval] → 办结 (reply)
→ 回访 (满意/基本满意/不满意) → 结案 | 不满意 → 重办 (rounds counted). A county-level matter is 退回热线中心.

The engine's clock is the step's period: 派单 after intake (working hours), then the 办理时限 from 派单 (restarted at
each 重办); 签收 and 退回 deadlines are facts on the order (``sign_due_at``, ``return_until``). All edges are fired by
the app's services (``Via.SERVICE``): each writes the order's facts in the same transaction.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from township.cases.machine import Clock, Machine, State, Transition, Via
from township.hotline import rules
from township.org.models import Role

CASE_TYPE = "hotline_order"


class S(models.TextChoices):
    REGISTERED = "registered", _("待派单")
    DISPATCHED = "dispatched", _("已派单待签收")
    HANDLING = "handling", _("办理中")
    EXTENSION_REQUESTED = "extension_requested", _("延期待审批")
    REPLIED = "replied", _("已办结待回访")
    CALLED_BACK = "called_back", _("已回访待结案")
    ANSWERED = "answered", _("已即时答复")
    CLOSED = "closed", _("已结案")
    RETURNED_TO_CENTER = "returned_to_center", _("已退回热线中心")


CENTRE = (Role.HOTLINE_OPERATOR, Role.DISPATCHER)
UNITS = (Role.HANDLER, Role.VILLAGE_AGENT)
APPROVERS = (Role.HOTLINE_OPERATOR, Role.DISPATCHER, Role.LEADER)

OPEN_STATES = (S.REGISTERED, S.DISPATCHED, S.HANDLING, S.EXTENSION_REQUESTED, S.REPLIED, S.CALLED_BACK)
DONE_STATES = (S.ANSWERED, S.CLOSED, S.RETURNED_TO_CENTER)

WEIFANG = "《潍坊市12345政务服务便民热线管理办法》"
T = Transition

MACHINE = Machine(
    case_type=CASE_TYPE,
    label=_("12345工单"),
    number_prefix=_("热"),
    initial=S.REGISTERED,
    states=[
        State(S.REGISTERED, S.REGISTERED.label),
        State(S.DISPATCHED, S.DISPATCHED.label),
        State(S.HANDLING, S.HANDLING.label),
        State(S.EXTENSION_REQUESTED, S.EXTENSION_REQUESTED.label),
        State(S.REPLIED, S.REPLIED.label),
        State(S.CALLED_BACK, S.CALLED_BACK.label),
        State(S.ANSWERED, S.ANSWERED.label, terminal=True),
        State(S.CLOSED, S.CLOSED.label, terminal=True),
        State(S.RETURNED_TO_CENTER, S.RETURNED_TO_CENTER.label, terminal=True),
    ],
    transitions=[
        T(
            "hl_answer",
            _("即时答复"),
            (S.REGISTERED,),
            S.ANSWERED,
            CENTRE,
            guards=(rules.instant_answer_allowed, rules.reply_required),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=f"{WEIFANG}第18条",
        ),
        T(
            "hl_dispatch",
            _("派单"),
            (S.REGISTERED,),
            S.DISPATCHED,
            CENTRE,
            guards=(rules.duty_level_owned,),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=f"{WEIFANG}第20条、第24条；《北京市接诉即办工作条例》第17条",
        ),
        T(
            "hl_to_center",
            _("退回热线中心"),
            (S.REGISTERED,),
            S.RETURNED_TO_CENTER,
            CENTRE,
            guards=(rules.reason_required,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=f"{WEIFANG}第24条",
        ),
        T(
            "hl_sign",
            _("签收"),
            (S.DISPATCHED,),
            S.HANDLING,
            UNITS + CENTRE,
            guards=(rules.unit_in_charge,),
            via=Via.SERVICE,
            cite=_("DOMAIN2 §2.3 签收"),
        ),
        T(
            "hl_return",
            _("退回"),
            (S.DISPATCHED, S.HANDLING),
            S.REGISTERED,
            UNITS + CENTRE,
            guards=(rules.unit_in_charge, rules.return_allowed, rules.reason_required),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=f"{WEIFANG}第20条",
        ),
        T(
            "hl_extend_request",
            _("申请延期"),
            (S.HANDLING,),
            S.EXTENSION_REQUESTED,
            UNITS + CENTRE,
            guards=(rules.unit_in_charge, rules.extension_available, rules.reason_required, rules.extension_bounded),
            via=Via.SERVICE,
            cite=_("DOMAIN2 §2.3 延期"),
        ),
        T(
            "hl_extend_approve",
            _("批准延期"),
            (S.EXTENSION_REQUESTED,),
            S.HANDLING,
            APPROVERS,
            guards=(rules.extension_available,),
            via=Via.SERVICE,
            cite=_("DOMAIN2 §2.3 延期"),
        ),
        T(
            "hl_extend_reject",
            _("驳回延期"),
            (S.EXTENSION_REQUESTED,),
            S.HANDLING,
            APPROVERS,
            via=Via.SERVICE,
            cite=_("DOMAIN2 §2.3 延期"),
        ),
        T(
            "hl_finish",
            _("办结"),
            (S.HANDLING,),
            S.REPLIED,
            UNITS + CENTRE,
            guards=(rules.unit_in_charge, rules.reply_required),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=f"{WEIFANG}第20条；《济南市12345市民服务热线管理办法》第24条",
        ),
        T(
            "hl_callback",
            _("回访"),
            (S.REPLIED,),
            S.CALLED_BACK,
            CENTRE,
            guards=(rules.satisfaction_valid,),
            via=Via.SERVICE,
            cite=f"{WEIFANG}第25条；《北京市接诉即办工作条例》第23条",
        ),
        T(
            "hl_rework",
            _("重办"),
            (S.CALLED_BACK,),
            S.HANDLING,
            CENTRE,
            guards=(rules.rework_when_unsatisfied, rules.reason_required),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("《济南市12345市民服务热线管理办法》第27条"),
        ),
        T(
            "hl_close",
            _("结案"),
            (S.CALLED_BACK,),
            S.CLOSED,
            CENTRE,
            via=Via.SERVICE,
            cite=f"{WEIFANG}第25条",
        ),
    ],
)

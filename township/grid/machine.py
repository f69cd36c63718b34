"""The grid event case type: the standard loop of DOMAIN §1.5 declared as data.

信息收集 → (核实) → 立案 → 派遣 → 处置 → 反馈 → 核查 → 结案 → 评价, plus 返工, 回退, 延期 (with
approval, clock paused), 作废. Every step restarts the clock with the class's limit for that step
(the services pass ``data={"clock": {"unit", "limit"}}`` on the START transitions).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from township.cases.machine import SYSTEM, Clock, Machine, State, Transition, Via
from township.grid import rules
from township.org.models import Role

CASE_TYPE = "grid_event"


class S(models.TextChoices):
    REPORTED = "reported", _("待受理")
    VERIFYING = "verifying", _("待核实")
    VERIFIED = "verified", _("已核实待立案")
    REGISTERED = "registered", _("已立案待派遣")
    NOT_REGISTERED = "not_registered", _("不予立案")
    DISPATCHED = "dispatched", _("已派遣待签收")
    HANDLING = "handling", _("处置中")
    POSTPONE_REQUESTED = "postpone_requested", _("延期待审批")
    POSTPONED = "postponed", _("延期中")
    HANDLED = "handled", _("已反馈待核查")
    VERIFIED_OK = "verified_ok", _("核查通过待结案")
    CLOSED = "closed", _("已结案待评价")
    EVALUATED = "evaluated", _("已评价")
    CANCELLED = "cancelled", _("已作废")


GRID_WORKERS = (Role.GRID_PATROLLER, Role.GRID_HEAD, Role.GRID_SUPERVISOR, Role.GRID_POLICE)
DISPATCH = (Role.DISPATCHER,)
HANDLERS = (Role.HANDLER,)
APPROVERS = (Role.LEADER, Role.DISPATCHER)

OPEN_STATES = tuple(s for s in S.values if s not in (S.NOT_REGISTERED, S.CLOSED, S.EVALUATED, S.CANCELLED))
# Steps whose time limit is watched (overdue → escalation).
# A pending postponement request keeps the handling clock running (asking is no way out of an overdue step).
TIMED_STATES = (
    S.REPORTED,
    S.VERIFYING,
    S.VERIFIED,
    S.REGISTERED,
    S.DISPATCHED,
    S.HANDLING,
    S.POSTPONE_REQUESTED,
    S.HANDLED,
    S.VERIFIED_OK,
)

T = Transition

MACHINE = Machine(
    case_type=CASE_TYPE,
    label=_("网格事件"),
    number_prefix=_("格"),
    initial=S.REPORTED,
    states=[
        State(S.REPORTED, S.REPORTED.label),
        State(S.VERIFYING, S.VERIFYING.label),
        State(S.VERIFIED, S.VERIFIED.label),
        State(S.REGISTERED, S.REGISTERED.label),
        State(S.NOT_REGISTERED, S.NOT_REGISTERED.label, terminal=True),
        State(S.DISPATCHED, S.DISPATCHED.label),
        State(S.HANDLING, S.HANDLING.label),
        State(S.POSTPONE_REQUESTED, S.POSTPONE_REQUESTED.label),
        State(S.POSTPONED, S.POSTPONED.label),
        State(S.HANDLED, S.HANDLED.label),
        State(S.VERIFIED_OK, S.VERIFIED_OK.label),
        State(S.CLOSED, S.CLOSED.label),
        State(S.EVALUATED, S.EVALUATED.label, terminal=True),
        State(S.CANCELLED, S.CANCELLED.label, terminal=True),
    ],
    transitions=[
        # 核实: a report from the public is checked on site by a grid worker before 立案.
        T(
            "request_verification",
            _("转网格员核实"),
            (S.REPORTED,),
            S.VERIFYING,
            DISPATCH + (SYSTEM,),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 核实"),
        ),
        T(
            "verify",
            _("核实属实"),
            (S.VERIFYING,),
            S.VERIFIED,
            GRID_WORKERS,
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 核实"),
        ),
        T(
            "verify_false",
            _("核实不属实"),
            (S.VERIFYING,),
            S.NOT_REGISTERED,
            GRID_WORKERS,
            guards=(rules.reason_required,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 核实"),
        ),
        # 立案 / 不予立案
        T(
            "register",
            _("立案"),
            (S.REPORTED, S.VERIFIED),
            S.REGISTERED,
            DISPATCH,
            guards=(rules.public_report_verified,),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 案卷建立"),
        ),
        T(
            "reject",
            _("不予立案"),
            (S.REPORTED, S.VERIFIED),
            S.NOT_REGISTERED,
            DISPATCH,
            guards=(rules.reason_required,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 案卷建立"),
        ),
        # 派遣 / 签收 / 回退
        T(
            "dispatch",
            _("派遣"),
            (S.REGISTERED,),
            S.DISPATCHED,
            DISPATCH,
            guards=(rules.dispatch_target_required,),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 任务派遣"),
        ),
        T(
            "accept",
            _("签收"),
            (S.DISPATCHED,),
            S.HANDLING,
            HANDLERS,
            guards=(rules.handler_in_charge,),
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 任务处理"),
        ),
        T(
            "return",
            _("回退调度"),
            (S.DISPATCHED, S.HANDLING),
            S.REGISTERED,
            HANDLERS,
            guards=(rules.handler_in_charge, rules.reason_required),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 回退"),
        ),
        # 处置 → 反馈 (with photos)
        T(
            "feedback",
            _("处置反馈"),
            (S.HANDLING,),
            S.HANDLED,
            HANDLERS,
            guards=(rules.handler_in_charge, rules.feedback_has_photos),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 处理反馈"),
        ),
        # 延期 with approval, for the working days asked; the clock pauses while postponed (excluded from 应结案,
        # DOMAIN §1.7) and the postponement ends by itself when they have passed (grid.escalations job)
        T(
            "postpone_request",
            _("申请延期"),
            (S.HANDLING,),
            S.POSTPONE_REQUESTED,
            HANDLERS,
            guards=(
                rules.handler_in_charge,
                rules.reason_required,
                rules.postpone_days_given,
            ),
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 延期"),
        ),
        T(
            "postpone_approve",
            _("批准延期"),
            (S.POSTPONE_REQUESTED,),
            S.POSTPONED,
            APPROVERS,
            clock=Clock.PAUSE,
            pause_reason="postpone",
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 延期"),
        ),
        T(
            "postpone_reject",
            _("驳回延期"),
            (S.POSTPONE_REQUESTED,),
            S.HANDLING,
            APPROVERS,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 延期"),
        ),
        T(
            "postpone_end",
            _("恢复处置"),
            (S.POSTPONED,),
            S.HANDLING,
            HANDLERS + APPROVERS + (SYSTEM,),
            clock=Clock.RESUME,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 延期"),
        ),
        # 核查 on site by the grid worker; failure sends it back (返工)
        T(
            "check_ok",
            _("核查通过"),
            (S.HANDLED,),
            S.VERIFIED_OK,
            GRID_WORKERS,
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 核查结案"),
        ),
        T(
            "rework",
            _("核查不通过（返工）"),
            (S.HANDLED,),
            S.HANDLING,
            GRID_WORKERS,
            guards=(rules.reason_required,),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 返工"),
        ),
        # 结案 and 评价
        T(
            "close",
            _("结案"),
            (S.VERIFIED_OK,),
            S.CLOSED,
            DISPATCH,
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 核查结案"),
        ),
        T(
            "evaluate",
            _("评价"),
            (S.CLOSED,),
            S.EVALUATED,
            DISPATCH + (Role.LEADER,),
            guards=(rules.rating_valid,),
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 综合评价"),
        ),
        # 作废
        T(
            "cancel",
            _("作废"),
            OPEN_STATES,
            S.CANCELLED,
            DISPATCH + (SYSTEM,),
            guards=(rules.reason_required,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("DOMAIN §1.5 作废"),
        ),
    ],
)

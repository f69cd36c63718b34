"""The mediation case machine (调解案件, DOMAIN2 §4): registration and consent, mediation, the agreement and its
effect, the parties' joint 司法确认 application and the court's ruling (an external event), failure and archive.

There is no edge by which the village centre "confirms" an agreement itself: ``ruling_valid`` / ``ruling_rejected``
only record a court's ruling (court, ruling number, date)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from township.cases.machine import Clock, Machine, State, Transition, Via
from township.mediation import rules
from township.org.models import Role

CASE_TYPE = "mediation_case"


class S(StrEnum):
    APPLIED = "applied"
    MEDIATING = "mediating"
    AGREED = "agreed"
    EFFECTIVE = "effective"
    CONFIRMATION_APPLIED = "confirmation_applied"
    CONFIRMED = "confirmed"
    CONFIRMATION_REJECTED = "confirmation_rejected"
    FAILED = "failed"
    REFERRED = "referred"
    NOT_MEDIATED = "not_mediated"
    WITHDRAWN = "withdrawn"
    ARCHIVED = "archived"


M = (Role.MEDIATOR,)
OPEN_STATES = (S.APPLIED, S.MEDIATING, S.AGREED)
ENDED_STATES = (S.EFFECTIVE, S.CONFIRMED, S.CONFIRMATION_REJECTED, S.FAILED, S.REFERRED)

MACHINE = Machine(
    case_type=CASE_TYPE,
    label=_("调解案件"),
    number_prefix=_("调"),
    initial=S.APPLIED,
    states=[
        State(S.APPLIED, _("待受理（征询当事人意愿）")),
        State(S.MEDIATING, _("调解中")),
        State(S.AGREED, _("协议待签署")),
        State(S.EFFECTIVE, _("协议已生效")),
        State(S.CONFIRMATION_APPLIED, _("已申请司法确认")),
        State(S.CONFIRMED, _("法院裁定协议有效")),
        State(S.CONFIRMATION_REJECTED, _("法院驳回确认申请")),
        State(S.FAILED, _("调解终止（未达成协议）")),
        State(S.REFERRED, _("已引导诉讼（诉调对接）")),
        State(S.NOT_MEDIATED, _("当事人拒绝调解"), terminal=True),
        State(S.WITHDRAWN, _("已撤回/终止调解"), terminal=True),
        State(S.ARCHIVED, _("已归档"), terminal=True),
    ],
    transitions=[
        Transition(
            "accept",
            _("受理调解"),
            (S.APPLIED,),
            S.MEDIATING,
            M,
            guards=(rules.both_sides_present, rules.all_parties_consented, rules.mediator_appointed),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("人民调解法第17条、第19条"),
        ),
        Transition(
            "refuse_mediation",
            _("当事人拒绝调解"),
            (S.APPLIED, S.MEDIATING),
            S.NOT_MEDIATED,
            M,
            guards=(rules.a_party_refused,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("人民调解法第17条"),
        ),
        Transition(
            "withdraw",
            _("撤回/终止调解"),
            (S.APPLIED, S.MEDIATING, S.AGREED),
            S.WITHDRAWN,
            M,
            guards=(rules.reason_required,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("人民调解法第23条"),
        ),
        Transition(
            "reach_agreement",
            _("制作调解协议书"),
            (S.MEDIATING,),
            S.AGREED,
            M,
            guards=(rules.written_agreement_complete,),
            via=Via.SERVICE,
            cite=_("人民调解法第28条、第29条"),
        ),
        Transition(
            "record_oral",
            _("记录口头协议"),
            (S.MEDIATING,),
            S.EFFECTIVE,
            M,
            guards=(rules.oral_agreement_recorded,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("人民调解法第28条、第30条"),
        ),
        Transition(
            "take_effect",
            _("协议生效"),
            (S.AGREED,),
            S.EFFECTIVE,
            M,
            guards=(rules.signatures_and_seal_complete,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("人民调解法第29条"),
        ),
        Transition(
            "fail",
            _("调解不成，终止调解"),
            (S.MEDIATING,),
            S.FAILED,
            M,
            guards=(rules.routes_told,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("人民调解法第26条"),
        ),
        Transition(
            "refer_court",
            _("引导诉讼（移送诉调对接中心）"),
            (S.FAILED,),
            S.REFERRED,
            M,
            guards=(rules.court_named,),
            via=Via.SERVICE,
            cite=_("最高人民法院关于人民法院特邀调解的规定第21条"),
        ),
        Transition(
            "apply_confirmation",
            _("登记共同申请司法确认"),
            (S.EFFECTIVE,),
            S.CONFIRMATION_APPLIED,
            M,
            guards=(
                rules.written_agreement_only,
                rules.joint_application,
                rules.court_named,
                rules.within_30_days,
                rules.matter_confirmable,
            ),
            via=Via.SERVICE,
            cite=_("民事诉讼法第205条；人民调解法第33条；民诉法解释第351条至第355条"),
        ),
        Transition(
            "ruling_valid",
            _("登记法院裁定：协议有效"),
            (S.CONFIRMATION_APPLIED,),
            S.CONFIRMED,
            M,
            guards=(rules.ruling_recorded,),
            via=Via.SERVICE,
            cite=_("民事诉讼法第206条"),
        ),
        Transition(
            "ruling_rejected",
            _("登记法院裁定：驳回申请"),
            (S.CONFIRMATION_APPLIED,),
            S.CONFIRMATION_REJECTED,
            M,
            guards=(rules.ruling_recorded,),
            via=Via.SERVICE,
            cite=_("民事诉讼法第206条"),
        ),
        Transition(
            "archive",
            _("立卷归档"),
            ENDED_STATES,
            S.ARCHIVED,
            M,
            via=Via.SERVICE,
            cite=_("人民调解法第27条"),
        ),
    ],
)

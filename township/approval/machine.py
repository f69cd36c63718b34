"""The application machine (行政许可 / 公共服务 applications) and the bundle ("一件事") parent machine.

Data only: states, transitions, roles, clock effects, the law each edge implements. The rules are the
guards in ``rules.py``; the services in ``services/`` fire these transitions through the one engine.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from township.approval import rules
from township.cases.machine import OWNER, SYSTEM, Clock, Machine, State, Transition, Via
from township.org.models import Role

APPLICATION = "approval_application"
BUNDLE = "approval_bundle"

STAFF_ACCEPT = (Role.WINDOW_CLERK, Role.VILLAGE_AGENT, Role.APPROVER, Role.APPROVAL_HEAD)
WINDOW = (Role.WINDOW_CLERK, Role.APPROVER, Role.APPROVAL_HEAD)
DECIDE = (Role.APPROVER, Role.APPROVAL_HEAD)


class S:
    SUBMITTED = "submitted"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    UNDER_REVIEW = "under_review"
    SPECIAL_PROCEDURE = "special_procedure"
    APPROVED = "approved"
    ISSUED = "issued"
    CLOSED = "closed"
    DENIED = "denied"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    DEEMED_WITHDRAWN = "deemed_withdrawn"


OPEN_STATES = (S.SUBMITTED, S.AWAITING_SUPPLEMENT, S.UNDER_REVIEW, S.SPECIAL_PROCEDURE, S.APPROVED, S.ISSUED)
TERMINAL_STATES = (S.CLOSED, S.DENIED, S.REFUSED, S.WITHDRAWN, S.DEEMED_WITHDRAWN)

APPLICATION_MACHINE = Machine(
    case_type=APPLICATION,
    label=_("审批申请"),
    number_prefix="审",
    initial=S.SUBMITTED,
    states=[
        State(S.SUBMITTED, _("待受理")),
        State(S.AWAITING_SUPPLEMENT, _("待补正")),
        State(S.UNDER_REVIEW, _("审查中")),
        State(S.SPECIAL_PROCEDURE, _("特别程序")),
        State(S.APPROVED, _("准予许可")),
        State(S.ISSUED, _("已发证")),
        State(S.CLOSED, _("已办结"), terminal=True),
        State(S.DENIED, _("不予许可"), terminal=True),
        State(S.REFUSED, _("不予受理"), terminal=True),
        State(S.WITHDRAWN, _("已撤回"), terminal=True),
        State(S.DEEMED_WITHDRAWN, _("视为撤回"), terminal=True),
    ],
    transitions=[
        # 行政许可法 Art 32: accept, refuse, or tell everything missing at once.
        Transition(
            "accept",
            _("受理"),
            (S.SUBMITTED,),
            S.UNDER_REVIEW,
            STAFF_ACCEPT,
            guards=(rules.essential_materials_complete,),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("行政许可法第32条"),
        ),
        Transition(
            "accept_gap",
            _("容缺受理"),
            (S.SUBMITTED,),
            S.UNDER_REVIEW,
            STAFF_ACCEPT,
            guards=(rules.gap_acceptance_allowed, rules.gap_acceptance_input, rules.essential_materials_complete),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("安阳市政务服务条例第24条"),
        ),
        Transition(
            "approve_on_commitment",
            _("告知承诺当场审批"),
            (S.SUBMITTED,),
            S.APPROVED,
            WINDOW,
            guards=(rules.commitment_allowed, rules.commitment_chosen_and_signed),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("国办发〔2020〕42号；安阳市政务服务条例第26条"),
        ),
        Transition(
            "refuse",
            _("不予受理"),
            (S.SUBMITTED,),
            S.REFUSED,
            STAFF_ACCEPT,
            guards=(rules.refusal_states_reasons,),
            via=Via.SERVICE,
            cite=_("行政许可法第32条"),
        ),
        Transition(
            "request_supplement",
            _("一次性告知补正"),
            (S.SUBMITTED,),
            S.AWAITING_SUPPLEMENT,
            STAFF_ACCEPT,
            guards=(
                rules.supplement_notice_window,
                rules.supplement_lists_materials,
                rules.supplement_names_every_missing_essential,
            ),
            clock=Clock.PAUSE,
            pause_reason="supplement",
            via=Via.SERVICE,
            cite=_("行政许可法第32条；优化营商环境条例第36条"),
        ),
        Transition(
            "supply",
            _("已补正"),
            (S.AWAITING_SUPPLEMENT,),
            S.SUBMITTED,
            (*STAFF_ACCEPT, OWNER),
            clock=Clock.RESUME,
            via=Via.SERVICE,
        ),
        Transition(
            "expire_supplement",
            _("逾期未补正，视为撤回"),
            (S.AWAITING_SUPPLEMENT,),
            S.DEEMED_WITHDRAWN,
            (SYSTEM,),
            guards=(rules.supplement_deadline_passed,),
            via=Via.SYSTEM,
            cite=_("安阳市政务服务条例第36条"),
        ),
        Transition(
            "deem_accept",
            _("逾期未告知，视为受理"),
            (S.SUBMITTED,),
            S.UNDER_REVIEW,
            (SYSTEM,),
            guards=(rules.notice_window_passed,),
            clock=Clock.START,
            via=Via.SYSTEM,
            cite=_("行政许可法第32条"),
        ),
        Transition(
            "expire_gap",
            _("容缺材料逾期未补齐，视为撤回"),
            (S.UNDER_REVIEW, S.SPECIAL_PROCEDURE),
            S.DEEMED_WITHDRAWN,
            (SYSTEM,),
            guards=(rules.gap_deadline_passed,),
            via=Via.SYSTEM,
            cite=_("安阳市政务服务条例第24条"),
        ),
        # 行政许可法 Art 45: special procedures do not count towards the limit.
        Transition(
            "start_special",
            _("启动特别程序"),
            (S.UNDER_REVIEW,),
            S.SPECIAL_PROCEDURE,
            DECIDE,
            guards=(rules.special_procedure_reason,),
            clock=Clock.PAUSE,
            pause_reason="hearing",
            via=Via.SERVICE,
            cite=_("行政许可法第45条"),
        ),
        Transition(
            "end_special",
            _("特别程序结束"),
            (S.SPECIAL_PROCEDURE,),
            S.UNDER_REVIEW,
            DECIDE,
            clock=Clock.RESUME,
            cite=_("行政许可法第45条"),
        ),
        Transition(
            "approve",
            _("准予许可"),
            (S.UNDER_REVIEW,),
            S.APPROVED,
            DECIDE,
            guards=(rules.gap_materials_supplied,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("行政许可法第34、38条"),
        ),
        Transition(
            "deny",
            _("不予许可"),
            (S.UNDER_REVIEW,),
            S.DENIED,
            DECIDE,
            guards=(rules.denial_states_reasons_and_rights,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("行政许可法第38条"),
        ),
        # Art 44: the certificate within 10 days of the decision.
        Transition(
            "issue", _("制发证照"), (S.APPROVED,), S.ISSUED, WINDOW, via=Via.SERVICE, cite=_("行政许可法第44条")
        ),
        Transition("close", _("办结"), (S.ISSUED,), S.CLOSED, (*WINDOW, SYSTEM), via=Via.SERVICE),
        Transition(
            "withdraw",
            _("申请人撤回"),
            (S.SUBMITTED, S.AWAITING_SUPPLEMENT, S.UNDER_REVIEW, S.SPECIAL_PROCEDURE),
            S.WITHDRAWN,
            (OWNER, Role.VILLAGE_AGENT, Role.WINDOW_CLERK),
            guards=(rules.withdrawal_by_the_applicant, rules.withdrawal_request_stated),
            via=Via.SERVICE,
            cite=_("国办发〔2020〕42号（撤回）"),
        ),
    ],
)

BUNDLE_MACHINE = Machine(
    case_type=BUNDLE,
    label=_("一件事联办"),
    number_prefix="联",
    initial="open",
    states=[State("open", _("办理中")), State("closed", _("已办结"), terminal=True)],
    transitions=[
        Transition(
            "close",
            _("全部子件办结"),
            ("open",),
            "closed",
            (SYSTEM, Role.WINDOW_CLERK),
            guards=(rules.all_children_closed,),
            via=Via.SERVICE,
        )
    ],
)

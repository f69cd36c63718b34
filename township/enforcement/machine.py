"""The penalty case machines (ordinary and summary procedure), declared as data.

Every guard is a pure rule in ``rules`` that cites its article; each edge cites the article it implements.
Domain facts are recorded by the services before they fire the transition in the same transaction, and reach the
guards as data (``facts.py``); guards marked ``needs_input`` check what the step writes and are skipped by the dry
run behind a button.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from township.cases.machine import SYSTEM, Clock, Machine, State, Transition, Via
from township.enforcement import rules
from township.org.models import Role

PENALTY_CASE = "penalty"
SUMMARY_CASE = "penalty_summary"

OFFICER = Role.ENFORCEMENT_OFFICER.value
REVIEWER = Role.LEGAL_REVIEWER.value
LEADER = Role.LEADER.value


class PenaltyState(models.TextChoices):
    FILED = "filed", _("已立案")
    INVESTIGATING = "investigating", _("调查取证")
    NOTIFIED = "notified", _("已告知")
    HEARING_REQUESTED = "hearing_requested", _("已申请听证")
    HEARING_SCHEDULED = "hearing_scheduled", _("待听证")
    HEARD = "heard", _("已听证")
    REVIEWED = "reviewed", _("已法制审核")
    DECIDED = "decided", _("已决定")
    SERVED = "served", _("已送达")
    OVERDUE = "overdue", _("逾期未缴")
    ENFORCEMENT = "enforcement", _("申请强制执行")
    PAID = "paid", _("已缴纳")
    CLOSED = "closed", _("已结案")
    DROPPED = "dropped", _("已撤案")
    ARCHIVED = "archived", _("已归档")


S = PenaltyState

PENALTY_MACHINE = Machine(
    case_type=PENALTY_CASE,
    label=_("行政处罚案件（普通程序）"),
    number_prefix=_("罚"),
    initial=S.FILED,
    states=[
        State(S.FILED, S.FILED.label),
        State(S.INVESTIGATING, S.INVESTIGATING.label),
        State(S.NOTIFIED, S.NOTIFIED.label),
        State(S.HEARING_REQUESTED, S.HEARING_REQUESTED.label),
        State(S.HEARING_SCHEDULED, S.HEARING_SCHEDULED.label),
        State(S.HEARD, S.HEARD.label),
        State(S.REVIEWED, S.REVIEWED.label),
        State(S.DECIDED, S.DECIDED.label),
        State(S.SERVED, S.SERVED.label),
        State(S.OVERDUE, S.OVERDUE.label),
        State(S.ENFORCEMENT, S.ENFORCEMENT.label),
        State(S.PAID, S.PAID.label),
        State(S.CLOSED, S.CLOSED.label),
        State(S.DROPPED, S.DROPPED.label, terminal=True),
        State(S.ARCHIVED, S.ARCHIVED.label, terminal=True),
    ],
    transitions=[
        # 行政处罚法第54条: investigation after filing; acts are recorded by penalty_act_record (Art 42, 55).
        Transition("investigate", _("开始调查"), (S.FILED,), S.INVESTIGATING, (OFFICER,), cite=_("行政处罚法第54条")),
        Transition(
            "notify",
            _("事先告知"),
            (S.INVESTIGATING,),
            S.NOTIFIED,
            (OFFICER,),
            guards=(rules.guard_investigated, rules.guard_notice),
            via=Via.SERVICE,
            cite=_("行政处罚法第44条、第63条"),
        ),
        Transition(
            "request_hearing",
            _("申请听证"),
            (S.NOTIFIED,),
            S.HEARING_REQUESTED,
            (OFFICER,),
            guards=(rules.guard_hearing_eligible, rules.guard_hearing_request),
            via=Via.SERVICE,
            cite=_("行政处罚法第64条"),
        ),
        Transition(
            "schedule_hearing",
            _("通知听证"),
            (S.HEARING_REQUESTED,),
            S.HEARING_SCHEDULED,
            (OFFICER,),
            guards=(rules.guard_hearing_schedule,),
            via=Via.SERVICE,
            cite=_("行政处罚法第64条"),
        ),
        Transition(
            "hold_hearing",
            _("举行听证"),
            (S.HEARING_SCHEDULED,),
            S.HEARD,
            (OFFICER, LEADER),
            guards=(rules.guard_hearing_day, rules.guard_hearing_held),
            via=Via.SERVICE,
            cite=_("行政处罚法第64条、第65条"),
        ),
        Transition(
            "review",
            _("法制审核"),
            (S.NOTIFIED, S.HEARD),
            S.REVIEWED,
            (REVIEWER,),
            guards=(rules.guard_review_ready, rules.guard_review),
            via=Via.SERVICE,
            cite=_("行政处罚法第58条"),
        ),
        Transition(
            "decide",
            _("作出处罚决定"),
            (S.NOTIFIED, S.HEARD, S.REVIEWED),
            S.DECIDED,
            (LEADER,),
            guards=(rules.guard_decide_ready, rules.guard_decide),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("行政处罚法第57条至第62条、第65条"),
        ),
        Transition(
            "serve",
            _("送达决定书"),
            (S.DECIDED,),
            S.SERVED,
            (OFFICER,),
            guards=(rules.guard_serve,),
            via=Via.SERVICE,
            cite=_("行政处罚法第61条"),
        ),
        Transition(
            "pay",
            _("缴纳罚款"),
            (S.SERVED, S.OVERDUE),
            S.PAID,
            (OFFICER,),
            guards=(rules.guard_paid,),
            via=Via.SERVICE,
            cite=_("行政处罚法第67条、第72条"),
        ),
        Transition(
            "mark_overdue",
            _("逾期未缴"),
            (S.SERVED,),
            S.OVERDUE,
            (OFFICER, SYSTEM),
            guards=(rules.guard_overdue,),
            via=Via.SERVICE,
            cite=_("行政处罚法第72条"),
        ),
        Transition(
            "apply_enforcement",
            _("申请法院强制执行"),
            (S.OVERDUE,),
            S.ENFORCEMENT,
            (LEADER,),
            guards=(rules.guard_apply_enforcement,),
            via=Via.SERVICE,
            cite=_("行政处罚法第72条；行政强制法第53条、第54条"),
        ),
        Transition(
            "close",
            _("结案"),
            (S.PAID, S.ENFORCEMENT),
            S.CLOSED,
            (LEADER,),
            guards=(rules.guard_close_report,),
            via=Via.SERVICE,
            cite=_("行政处罚法第47条"),
        ),
        Transition(
            "close_performed",
            _("结案（无罚款）"),
            (S.SERVED,),
            S.CLOSED,
            (LEADER,),
            guards=(rules.guard_close_unpaid, rules.guard_close_report),
            via=Via.SERVICE,
            cite=_("行政处罚法第47条"),
        ),
        Transition(
            "drop",
            _("撤销立案"),
            (S.FILED, S.INVESTIGATING, S.NOTIFIED),
            S.DROPPED,
            (LEADER,),
            guards=(rules.guard_drop_reason,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("行政处罚法第57条（不予行政处罚、移送）"),
        ),
        Transition("archive", _("归档"), (S.CLOSED,), S.ARCHIVED, (OFFICER, LEADER), cite=_("行政处罚法第47条")),
    ],
)


class SummaryState(models.TextChoices):
    ON_SPOT = "on_spot", _("当场处罚")
    PAID = "paid", _("已缴纳")
    RECORDED = "recorded", _("已备案")


SS = SummaryState

SUMMARY_MACHINE = Machine(
    case_type=SUMMARY_CASE,
    label=_("行政处罚案件（简易程序）"),
    number_prefix=_("简罚"),
    initial=SS.ON_SPOT,
    states=[
        State(SS.ON_SPOT, SS.ON_SPOT.label),
        State(SS.PAID, SS.PAID.label),
        State(SS.RECORDED, SS.RECORDED.label, terminal=True),
    ],
    transitions=[
        Transition(
            "collect_on_spot",
            _("当场收缴"),
            (SS.ON_SPOT,),
            SS.PAID,
            (OFFICER,),
            guards=(rules.guard_summary_collect,),
            via=Via.SERVICE,
            cite=_("行政处罚法第68条"),
        ),
        Transition(
            "pay",
            _("银行缴款"),
            (SS.ON_SPOT,),
            SS.PAID,
            (OFFICER,),
            guards=(rules.guard_summary_paid,),
            via=Via.SERVICE,
            cite=_("行政处罚法第67条"),
        ),
        Transition(
            "record",
            _("报所属行政机关备案"),
            (SS.ON_SPOT, SS.PAID),
            SS.RECORDED,
            (OFFICER,),
            clock=Clock.STOP,
            cite=_("行政处罚法第52条"),
        ),
    ],
)

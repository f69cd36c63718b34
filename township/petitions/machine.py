"""The 信访事项 machine (信访工作条例 2022), declared as data.

登记 (clock: the 15-day notice period, natural days) → 受理 (clock: 60 days to 办结) / 不予受理 / 转送 / 异议退回
(transferred or assigned items that are not ours, 5 working days) → 办结 (only with a delivered 信访处理意见书) →
复查 (asked within 30 days of the reply; answered within 30 days) → 复核 (same; hearing time not counted) → 终结.
An item not taken further in time ends 终结 by the timed job.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from township.cases.machine import SYSTEM, Clock, Machine, State, Transition, Via
from township.org.models import Role
from township.petitions import rules

CASE_TYPE = "petition"


class S(models.TextChoices):
    REGISTERED = "registered", _("已登记待告知")
    ACCEPTED = "accepted", _("已受理办理中")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    TRANSFERRED = "transferred", _("已转送")
    OBJECTED = "objected", _("已提出异议")
    CONCLUDED = "concluded", _("已办结")
    REVIEW = "review", _("复查中")
    REVIEWED = "reviewed", _("已复查")
    RE_REVIEW = "re_review", _("复核中")
    HEARING = "hearing", _("复核听证中")
    FINAL = "final", _("已终结")


OFFICERS = (Role.PETITION_OFFICER, Role.LEADER)
HEAD = (Role.LEADER,)
OPEN_STATES = (S.REGISTERED, S.ACCEPTED, S.REVIEW, S.RE_REVIEW, S.HEARING)

T = Transition

MACHINE = Machine(
    case_type=CASE_TYPE,
    label=_("信访事项"),
    number_prefix=_("访"),
    initial=S.REGISTERED,
    states=[
        State(S.REGISTERED, S.REGISTERED.label),
        State(S.ACCEPTED, S.ACCEPTED.label),
        State(S.NOT_ACCEPTED, S.NOT_ACCEPTED.label, terminal=True),
        State(S.TRANSFERRED, S.TRANSFERRED.label, terminal=True),
        State(S.OBJECTED, S.OBJECTED.label, terminal=True),
        State(S.CONCLUDED, S.CONCLUDED.label),
        State(S.REVIEW, S.REVIEW.label),
        State(S.REVIEWED, S.REVIEWED.label),
        State(S.RE_REVIEW, S.RE_REVIEW.label),
        State(S.HEARING, S.HEARING.label),
        State(S.FINAL, S.FINAL.label, terminal=True),
    ],
    transitions=[
        T(
            "accept",
            _("受理"),
            (S.REGISTERED,),
            S.ACCEPTED,
            OFFICERS,
            guards=(rules.not_recused, rules.not_after_re_review, rules.written_notice_issued),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("信访工作条例第23条、第34条、第36条第3款"),
        ),
        T(
            "refuse",
            _("不予受理"),
            (S.REGISTERED,),
            S.NOT_ACCEPTED,
            OFFICERS,
            guards=(rules.not_recused, rules.reason_required, rules.written_notice_issued),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("信访工作条例第23条"),
        ),
        T(
            "transfer",
            _("转送有权处理机关"),
            (S.REGISTERED,),
            S.TRANSFERRED,
            OFFICERS,
            guards=(rules.not_recused, rules.transfer_target_required, rules.written_notice_issued),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("信访工作条例第22条、第23条"),
        ),
        T(
            "object",
            _("提出异议（非本机关职责）"),
            (S.REGISTERED,),
            S.OBJECTED,
            OFFICERS,
            guards=(
                rules.not_recused,
                rules.objection_only_for_sent_items,
                rules.objection_within_5_working_days,
                rules.reason_required,
            ),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("信访工作条例第23条第3款"),
        ),
        T(
            "conclude",
            _("办结"),
            (S.ACCEPTED,),
            S.CONCLUDED,
            OFFICERS,
            guards=(rules.not_recused, rules.opinion_delivered),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("信访工作条例第32条、第34条"),
        ),
        T(
            "request_review",
            _("申请复查"),
            (S.CONCLUDED,),
            S.REVIEW,
            OFFICERS,
            guards=(rules.not_recused, rules.review_within_30_days),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("信访工作条例第35条"),
        ),
        T(
            "answer_review",
            _("作出复查意见"),
            (S.REVIEW,),
            S.REVIEWED,
            OFFICERS,
            guards=(rules.not_recused, rules.opinion_delivered),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("信访工作条例第35条"),
        ),
        T(
            "request_re_review",
            _("申请复核"),
            (S.REVIEWED,),
            S.RE_REVIEW,
            OFFICERS,
            guards=(rules.not_recused, rules.review_within_30_days),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("信访工作条例第36条"),
        ),
        T(
            "hearing_start",
            _("举行听证（不计入复核期限）"),
            (S.RE_REVIEW,),
            S.HEARING,
            OFFICERS,
            guards=(rules.not_recused,),
            clock=Clock.PAUSE,
            pause_reason="hearing",
            via=Via.SERVICE,
            cite=_("信访工作条例第36条第2款"),
        ),
        T(
            "hearing_end",
            _("听证结束"),
            (S.HEARING,),
            S.RE_REVIEW,
            OFFICERS,
            guards=(rules.not_recused,),
            clock=Clock.RESUME,
            via=Via.SERVICE,
            cite=_("信访工作条例第36条第2款"),
        ),
        T(
            "answer_re_review",
            _("作出复核意见（终结）"),
            (S.RE_REVIEW,),
            S.FINAL,
            OFFICERS,
            guards=(rules.not_recused, rules.opinion_delivered),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("信访工作条例第36条"),
        ),
        T(
            "finalize",
            _("期满未申请复查/复核，终结"),
            (S.CONCLUDED, S.REVIEWED),
            S.FINAL,
            (SYSTEM,),
            guards=(rules.review_window_passed,),
            via=Via.SYSTEM,
            cite=_("山东省信访条例第46条；浙江省信访条例第25条"),
        ),
    ],
)

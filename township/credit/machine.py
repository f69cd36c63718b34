"""The two credit case types declared as data (issue 13 items 4 and 5).

``credit_blacklisting`` — 严重失信主体名单: 拟列入 → 告知 (陈述申辩期, working days on the engine's clock) → 待决定 →
列入并公示 → 移出 (at the end of the publication period, or after a granted repair).

``credit_repair`` — 信用修复: 申请 (online or at the window) → 受理 → 审查 → 决定 within the configured working days.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from township.cases.machine import OWNER, SYSTEM, Clock, Machine, State, Transition, Via
from township.credit import rules
from township.org.models import Role

LISTING = "credit_blacklisting"
REPAIR = "credit_repair"

OFFICERS = (Role.CREDIT_OFFICER,)
DECIDERS = (Role.LEADER, Role.CREDIT_OFFICER)
ORDER36 = "《信用修复管理办法》（国家发展改革委令第36号）"
SZ = "深圳经济特区社会信用条例"

LISTING_MACHINE = Machine(
    case_type=LISTING,
    label=_("严重失信主体名单"),
    number_prefix=_("信列"),
    initial="proposed",
    states=[
        State("proposed", _("拟列入")),
        State("statement", _("陈述申辩期")),
        State("deciding", _("待决定")),
        State("listed", _("已列入（公示中）")),
        State("not_listed", _("不予列入"), terminal=True),
        State("removed", _("已移出"), terminal=True),
    ],
    transitions=[
        Transition(
            "notify",
            _("告知当事人"),
            ("proposed",),
            "statement",
            OFFICERS,
            clock=Clock.START,
            via=Via.SERVICE,
            cite=_("行政处罚法第44条（告知）；陈述申辩期按本镇信用管理规则"),
        ),
        Transition(
            "state_opinion",
            _("提交陈述申辩"),
            ("statement",),
            "deciding",
            (*OFFICERS, OWNER),
            guards=(rules.statement_given,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("行政处罚法第45条（陈述申辩）"),
        ),
        Transition(
            "statement_lapse",
            _("陈述申辩期届满"),
            ("statement",),
            "deciding",
            (SYSTEM,),
            guards=(rules.statement_period_over,),
            clock=Clock.STOP,
            via=Via.SYSTEM,
            cite=_("行政处罚法第45条"),
        ),
        Transition(
            "list",
            _("决定列入并公示"),
            ("deciding",),
            "listed",
            DECIDERS,
            guards=(rules.decision_reason_given,),
            via=Via.SERVICE,
            cite=f"{ORDER36}；DOMAIN2 §5.1 严重失信公示1至3年",
        ),
        Transition(
            "not_list",
            _("决定不予列入"),
            ("deciding",),
            "not_listed",
            DECIDERS,
            guards=(rules.decision_reason_given,),
            via=Via.SERVICE,
        ),
        Transition(
            "expire",
            _("公示期满移出"),
            ("listed",),
            "removed",
            (SYSTEM,),
            guards=(rules.publication_over,),
            via=Via.SYSTEM,
            cite=f"{ORDER36}（最长公示期届满自动停止公示）",
        ),
        Transition(
            "remove_repaired",
            _("信用修复后移出"),
            ("listed",),
            "removed",
            (*DECIDERS, SYSTEM),
            via=Via.SERVICE,
            cite=f"{ORDER36}（修复即停止公示）",
        ),
    ],
)

REPAIR_MACHINE = Machine(
    case_type=REPAIR,
    label=_("信用修复"),
    number_prefix=_("信修"),
    initial="applied",
    states=[
        State("applied", _("待受理")),
        State("reviewing", _("审查中")),
        State("reviewed", _("待决定")),
        State("granted", _("准予修复"), terminal=True),
        State("refused", _("不予修复"), terminal=True),
        State("not_accepted", _("不予受理"), terminal=True),
    ],
    transitions=[
        Transition(
            "accept",
            _("受理"),
            ("applied",),
            "reviewing",
            OFFICERS,
            guards=(rules.minimum_period_reached,),
            clock=Clock.START,
            via=Via.SERVICE,
            cite=f"{ORDER36}；{SZ}第79、81条",
        ),
        Transition(
            "not_accept",
            _("不予受理"),
            ("applied",),
            "not_accepted",
            OFFICERS,
            guards=(rules.decision_reason_given,),
            via=Via.SERVICE,
            cite=f"{SZ}第81条",
        ),
        Transition(
            "review",
            _("审查"),
            ("reviewing",),
            "reviewed",
            OFFICERS,
            guards=(rules.review_opinion_given,),
            via=Via.SERVICE,
            cite=f"{SZ}第80条（核查）",
        ),
        Transition(
            "grant",
            _("准予修复"),
            ("reviewed",),
            "granted",
            DECIDERS,
            guards=(rules.minimum_period_reached, rules.performance_proven, rules.public_pledge),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=f"{ORDER36}（修复条件）；{SZ}第79、82条",
        ),
        Transition(
            "refuse",
            _("不予修复"),
            ("reviewed",),
            "refused",
            DECIDERS,
            guards=(rules.decision_reason_given,),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=f"{SZ}第82条",
        ),
    ],
)

"""The 社情民意 case type (DOMAIN2 §3): information going up, no decision owed, every item ends with an outcome.

已收集 → 已研判 → 已答复 | 已转办 | 已存档. 转办 creates a 12345 order, a 信访 item, a grid event or a mediation case
through the receiving type's intake and a typed link (the engine's ``case_forward``); the edge is fired by the
services only, in the transaction that writes the outcome.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from township.cases.machine import Clock, Machine, State, Transition, Via
from township.opinions import rules
from township.org.models import GRID_ROLES, Role

CASE_TYPE = "opinion"


class S(models.TextChoices):
    COLLECTED = "collected", _("已收集")
    ASSESSED = "assessed", _("已研判")
    ANSWERED = "answered", _("已答复")
    FORWARDED = "forwarded", _("已转办")
    ARCHIVED = "archived", _("已存档")


OPEN_STATES = (S.COLLECTED, S.ASSESSED)
# Who collects (信息员: village agents, grid workers, the village service centre's window).
COLLECTORS = (Role.VILLAGE_AGENT, Role.WINDOW_CLERK, *GRID_ROLES)
# Who screens, answers and forwards (研判、答复、转办): the centre's window, the command centre, the leaders.
HANDLERS = (Role.WINDOW_CLERK, Role.DISPATCHER, Role.LEADER, Role.HOTLINE_OPERATOR, Role.PETITION_OFFICER)

MACHINE = Machine(
    case_type=CASE_TYPE,
    label=_("社情民意"),
    number_prefix=_("情"),
    initial=S.COLLECTED,
    states=[
        State(S.COLLECTED, S.COLLECTED.label),
        State(S.ASSESSED, S.ASSESSED.label),
        State(S.ANSWERED, S.ANSWERED.label, terminal=True),
        State(S.FORWARDED, S.FORWARDED.label, terminal=True),
        State(S.ARCHIVED, S.ARCHIVED.label, terminal=True),
    ],
    transitions=[
        Transition(
            "classify",
            _("研判分类"),
            OPEN_STATES,
            S.ASSESSED,
            HANDLERS,
            guards=(rules.category_given,),
            via=Via.SERVICE,
            cite=_("DOMAIN2 §3 分类"),
        ),
        Transition(
            "answer",
            _("答复"),
            OPEN_STATES,
            S.ANSWERED,
            HANDLERS,
            guards=(rules.classified, rules.reply_recorded),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("DOMAIN2 §3 反馈群众"),
        ),
        Transition(
            "forward",
            _("转办"),
            OPEN_STATES,
            S.FORWARDED,
            HANDLERS,
            guards=(rules.classified, rules.forwarded_case_linked),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("DOMAIN2 §0.1 类型间转办"),
        ),
        Transition(
            "archive",
            _("存档"),
            OPEN_STATES,
            S.ARCHIVED,
            HANDLERS,
            guards=(rules.classified, rules.outcome_recorded),
            clock=Clock.STOP,
            via=Via.SERVICE,
            cite=_("DOMAIN2 §3 登记存档"),
        ),
    ],
)

"""A toy machine: the engine is tested against it, not against a real capability."""

from __future__ import annotations

from township.cases.errors import TransitionRefused
from township.cases.machine import OWNER, SYSTEM, Clock, Machine, State, Transition, Via, needs_input
from township.org.models import Role

TOY = "toy"


@needs_input
def needs_reason(case, actor, data) -> None:
    if not data.get("reason"):
        raise TransitionRefused("reason_required", "请填写理由", field="reason")


TOY_MACHINE = Machine(
    case_type=TOY,
    label="玩具案件",
    number_prefix="玩",
    initial="new",
    states=[
        State("new", "新建"),
        State("working", "办理中"),
        State("waiting", "等待补正"),
        State("done", "已办结", terminal=True),
        State("dropped", "已撤回", terminal=True),
    ],
    transitions=[
        Transition("accept", "受理", ("new",), "working", (Role.WINDOW_CLERK,), clock=Clock.START),
        Transition(
            "ask", "补正", ("working",), "waiting", (Role.WINDOW_CLERK,), clock=Clock.PAUSE, pause_reason="supplement"
        ),
        Transition("supply", "已补正", ("waiting",), "working", (Role.WINDOW_CLERK, OWNER), clock=Clock.RESUME),
        Transition("decide", "办结", ("working",), "done", (Role.APPROVER,), guards=(needs_reason,), clock=Clock.STOP),
        Transition("withdraw", "撤回", ("new", "working", "waiting"), "dropped", (OWNER,)),
        Transition("expire", "逾期撤回", ("waiting",), "dropped", (SYSTEM,), via=Via.SYSTEM),
    ],
)

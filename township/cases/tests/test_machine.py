"""The machine declaration and the system check."""

from __future__ import annotations

import itertools

import pytest

from township.cases.checks import check_machines
from township.cases.errors import TransitionRefused
from township.cases.machine import Machine, State, Transition, Via
from township.cases.registry import register, unregister
from township.cases.services import case_open, case_transition
from township.cases.tests.machines import TOY_MACHINE
from township.cases.types import case_type_for
from township.org.models import Role


def test_toy_machine_is_well_formed():
    assert TOY_MACHINE.problems() == []


def test_system_check_reports_unreachable_state_and_terminal_exit():
    broken = Machine(
        case_type="broken",
        label="坏",
        initial="a",
        states=[State("a", "甲"), State("b", "乙", terminal=True), State("island", "孤岛")],
        transitions=[
            Transition("go", "走", ("a",), "b", (Role.WINDOW_CLERK,)),
            Transition("back", "回", ("b",), "a", (Role.WINDOW_CLERK,)),
        ],
    )
    register(broken)
    try:
        messages = [m.msg for m in check_machines()]
    finally:
        unregister("broken")
    assert any("'island' is unreachable" in m for m in messages)
    assert any("terminal state 'b' has an exit" in m for m in messages)


def test_system_check_reports_missing_label_and_role():
    broken = Machine(
        case_type="broken2",
        label="坏",
        initial="a",
        states=[State("a", ""), State("b", "乙", terminal=True)],
        transitions=[Transition("go", "走", ("a",), "b", ())],
    )
    assert "state 'a' has no label" in broken.problems()
    assert "transition 'go' names no role" in broken.problems()


ALL_PAIRS = list(itertools.product([s.key for s in TOY_MACHINE.states], [t.name for t in TOY_MACHINE.transitions]))


@pytest.mark.parametrize(("state", "name"), ALL_PAIRS)
def test_every_state_transition_pair(state, name, town_a, make_user):
    """Legal pairs succeed; illegal pairs are refused with a Chinese message and a stable code."""
    from township.cases.models import Case

    super_user = make_user((town_a, Role.WINDOW_CLERK), (town_a, Role.APPROVER))
    case = case_open(case_type="toy", jurisdiction=town_a, actor=super_user, owner=super_user)
    Case.objects.filter(pk=case.pk).update(state=state)  # test set-up only: place the case in `state`
    case.refresh_from_db()
    transition = TOY_MACHINE.transition(name)
    actor = None if "system" in transition.roles else super_user
    data = {"reason": "理由"}
    by = case_type_for("toy") if transition.via is not Via.BUTTON else None
    if state in transition.sources:
        event = case_transition(case=case, name=name, actor=actor, data=data, by=by)
        assert event.to_state == transition.target
    else:
        with pytest.raises(TransitionRefused) as exc:
            case_transition(case=case, name=name, actor=actor, data=data)
        assert exc.value.code == "transition_not_allowed"
        assert "不能执行" in exc.value.message


def test_the_machine_tables_in_docs_are_current():
    """docs/case-engine.md shows every registered machine as it is (who fires each edge, its guards): regenerate
    with ``make docs`` when a machine changes."""
    from django.core.management import call_command

    from township.cases.types import unregister_case_type

    unregister_case_type("toy")  # the engine's own test machine is not documented
    try:
        call_command("machine_diagrams", "--check")
    finally:
        register(TOY_MACHINE)

"""The declared machines are well formed, and every illegal (state, transition) pair is refused."""

from __future__ import annotations

import pytest

from township.approval.machine import APPLICATION_MACHINE, BUNDLE_MACHINE, S
from township.cases.errors import TransitionRefused
from township.cases.models import Case
from township.cases.services import check_transition

PAIRS = [
    (state.key, t.name)
    for state in APPLICATION_MACHINE.states
    for t in APPLICATION_MACHINE.transitions
    if state.key not in t.sources
]


@pytest.mark.parametrize("machine", [APPLICATION_MACHINE, BUNDLE_MACHINE])
def test_machine_is_well_formed(machine):
    assert machine.problems() == []


@pytest.mark.parametrize("state,name", PAIRS)
def test_transition_refused_from_a_state_that_is_not_its_source(state, name):
    case = Case(case_type=APPLICATION_MACHINE.case_type, jurisdiction_id="500116108", state=state)
    with pytest.raises(TransitionRefused) as exc:
        check_transition(case, name, None)
    assert exc.value.code == "transition_not_allowed"
    assert "不能执行" in exc.value.message


def test_only_the_worker_fires_the_deemed_transitions():
    for name in ("deem_accept", "expire_supplement", "expire_gap"):
        t = APPLICATION_MACHINE.transition(name)
        assert t.roles == ("system",) and t.via == "system"


def test_every_edge_of_the_law_cites_its_source():
    cited = {t.name for t in APPLICATION_MACHINE.transitions if t.cite}
    assert {"accept", "refuse", "request_supplement", "deem_accept", "deny", "start_special", "issue"} <= cited
    assert APPLICATION_MACHINE.state(S.CLOSED).terminal

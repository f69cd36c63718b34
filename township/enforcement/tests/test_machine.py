"""The declared machines: well formed, every edge cites its article, every illegal (state, transition) is refused."""

from __future__ import annotations

import re

import pytest

from township.cases.errors import TransitionRefused
from township.cases.models import Case
from township.cases.services import check_transition
from township.enforcement.machine import PENALTY_MACHINE, SUMMARY_MACHINE

MACHINES = [PENALTY_MACHINE, SUMMARY_MACHINE]
PAIRS = [(m, s.key, t.name) for m in MACHINES for s in m.states for t in m.transitions if s.key not in t.sources]


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.case_type)
def test_machine_is_well_formed_and_cites_the_law(machine):
    assert machine.problems() == []
    for t in machine.transitions:
        assert t.cite, t.name


@pytest.mark.parametrize(("machine", "state", "name"), PAIRS, ids=lambda v: getattr(v, "case_type", v))
def test_illegal_state_transition_pairs_are_refused_in_chinese(machine, state, name):
    case = Case(case_type=machine.case_type, state=state, jurisdiction_id="500116108")
    with pytest.raises(TransitionRefused) as info:
        check_transition(case, name, None)
    assert info.value.code == "transition_not_allowed"
    assert re.search(r"[\u4e00-\u9fff]", info.value.message)

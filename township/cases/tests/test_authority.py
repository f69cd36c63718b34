"""Who may fire a transition is part of the machine (issue 10): a ``service`` or ``system`` edge moves only by its own
case type's authority — never through the generic page, ``POST /api/v1/cases/{id}/transitions`` or another app."""

from __future__ import annotations

import pytest

from township.cases.errors import TransitionRefused
from township.cases.machine import Machine, State, Transition, Via
from township.cases.models import Case
from township.cases.services import case_open, case_transition
from township.cases.types import CaseType, all_case_types, case_type_for, register_case_type, unregister_case_type
from township.org.models import Role
from township.org.testing import user_with_roles

EDGES = [
    (ct.key, t.name)
    for ct in all_case_types()
    if ct.key != "toy"
    for t in ct.machine.transitions
    if t.via is not Via.BUTTON
]


def test_every_capability_declares_service_edges():
    """The capability machines have service or system edges (so the parametrised test below is not empty)."""
    assert len(EDGES) >= 30
    assert {k for k, _n in EDGES} >= {"approval_application", "grid_event", "penalty", "penalty_summary"}


def _placed(case_type: str, name: str, town, staff) -> tuple[Case, Transition]:
    machine = case_type_for(case_type).machine
    transition = machine.transition(name)
    assert transition is not None
    case = case_open(case_type=case_type, jurisdiction=town, actor=None, owner=staff)
    Case.objects.filter(pk=case.pk).update(state=transition.sources[0])  # set-up only: place the case
    case.refresh_from_db()
    return case, transition


def _everyone(town):
    # Every role a person may hold at once: one of the three administrator roles (三员分立, township.org.duties).
    roles = [r for r in Role.values if r not in (Role.SECURITY_ADMIN, Role.AUDITOR)]
    return user_with_roles("everyone", *[(town, r) for r in roles])


@pytest.mark.parametrize(("case_type", "name"), EDGES)
def test_service_and_system_edges_refused_through_the_engine_without_authority(case_type, name, town_a):
    staff = _everyone(town_a)
    case, transition = _placed(case_type, name, town_a, staff)
    for actor in (staff, None):
        with pytest.raises(TransitionRefused) as exc:
            case_transition(case=case, name=name, actor=actor, data={"reason": "理由"})
        assert exc.value.code in ("transition_service_only", "transition_system_only")
        assert str(transition.label) in exc.value.message
    case.refresh_from_db()
    assert case.state == transition.sources[0] and case.version == 1


@pytest.mark.parametrize(("case_type", "name"), EDGES)
def test_service_and_system_edges_refused_through_the_api_and_the_generic_page(case_type, name, town_a, client):
    staff = _everyone(town_a)
    case, transition = _placed(case_type, name, town_a, staff)
    client.force_login(staff)
    r = client.post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"name": name, "data": {"reason": "理由"}},
        content_type="application/json",
    )
    assert r.status_code == 409, r.content
    assert r.json()["code"] in ("transition_service_only", "transition_system_only")
    r = client.post(f"/cases/{case.pk}/transition/", {"name": name, "comment": "理由", "data_reason": "理由"})
    assert r.status_code == 409
    case.refresh_from_db()
    assert case.state == transition.sources[0] and case.version == 1


def test_another_case_types_authority_does_not_count(town_a):
    """A service may fire only its own case type's edges: another type's authority is refused."""
    staff = _everyone(town_a)
    case, _t = _placed("approval_application", "approve", town_a, staff)
    with pytest.raises(TransitionRefused) as exc:
        case_transition(case=case, name="approve", actor=staff, by=case_type_for("grid_event"))
    assert exc.value.code == "transition_service_only"


def test_a_system_edge_is_refused_to_a_person_even_with_the_authority(town_a):
    machine = Machine(
        case_type="timed_toy",
        label="计时玩具",
        initial="a",
        states=[State("a", "甲"), State("b", "乙", terminal=True)],
        transitions=[Transition("expire", "过期", ("a",), "b", ("system",), via=Via.SYSTEM)],
    )
    ct = register_case_type(CaseType(machine=machine))
    try:
        staff = _everyone(town_a)
        case = case_open(case_type="timed_toy", jurisdiction=town_a, actor=None)
        with pytest.raises(TransitionRefused) as exc:
            ct.fire(case, "expire", staff)
        assert exc.value.code == "transition_system_only"
        assert ct.fire(case, "expire", None).to_state == "b"
    finally:
        unregister_case_type("timed_toy")


def test_the_approval_bypass_is_refused(town_a, make_user, client):
    """The measured bypass: the approver posting ``approve`` leaves no application approved without a decision."""
    approver = make_user((town_a, Role.APPROVER))
    case, _t = _placed("approval_application", "approve", town_a, approver)
    client.force_login(approver)
    r = client.post(f"/api/v1/cases/{case.pk}/transitions", {"name": "approve"}, content_type="application/json")
    assert r.status_code == 409
    assert r.json()["code"] == "transition_service_only"
    assert "办理页面" in r.json()["message"]
    case.refresh_from_db()
    assert case.state == "under_review"

"""The case-type contract: offers by role, state and a dry run of the facts; one dispatch; the same action through the
page and the API; one OpenAPI operation per action with the input schema of its form."""

from __future__ import annotations

import pytest
from django import forms

from township.cases.actions import act, actions_for, input_schema
from township.cases.errors import TransitionRefused
from township.cases.machine import Clock, Machine, State, Transition, Via, needs_input
from township.cases.services import case_open
from township.cases.types import (
    Action,
    CaseType,
    all_case_types,
    case_type_for,
    register_case_type,
    unregister_case_type,
)
from township.core.errors import DomainError
from township.org.models import Role


def open_window(case, actor, data):
    if case.title == "闭馆":
        raise TransitionRefused("window_closed", "窗口今日闭馆，不能受理")


@needs_input
def reason_given(case, actor, data):
    if not data.get("reason"):
        raise TransitionRefused("reason_required", "请填写理由", field="reason")


class DecideForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=50)
    days = forms.IntegerField(label="天数", min_value=1, max_value=9)


def decide(record, actor, data, files):
    return case_type_for("desk").fire(record, "decide", actor, {"reason": data["reason"]}, comment=str(data["days"]))


DESK = Machine(
    case_type="desk",
    label="窗口件",
    number_prefix="窗",
    initial="new",
    states=[State("new", "新建"), State("working", "办理中"), State("done", "已办结", terminal=True)],
    transitions=[
        Transition("take", "受理", ("new",), "working", (Role.WINDOW_CLERK,), guards=(open_window,), clock=Clock.NONE),
        Transition("decide", "办结", ("working",), "done", (Role.APPROVER,), guards=(reason_given,), via=Via.SERVICE),
    ],
)


@pytest.fixture
def desk():
    ct = register_case_type(
        CaseType(machine=DESK, actions=(Action("desk_decide", "办结", decide, DecideForm, "decide"),))
    )
    yield ct
    unregister_case_type("desk")


@pytest.fixture
def desk_case(desk, town_a, clerk_a):
    return case_open(case_type="desk", jurisdiction=town_a, actor=clerk_a, title="占道")


def names(offers):
    return [(o.name, o.enabled) for o in offers]


def test_offers_by_role_and_state(desk_case, clerk_a, approver_a, client):
    assert names(actions_for(desk_case, clerk_a)) == [("take", True)]  # the button edge, offered as an action
    assert names(actions_for(desk_case, approver_a)) == []  # not the approver's step
    act(desk_case, "take", clerk_a, {"comment": "受理"})
    desk_case.refresh_from_db()
    assert names(actions_for(desk_case, clerk_a)) == []
    # the input guard (reason) is not run by the dry run: the decision is offered, enabled
    assert names(actions_for(desk_case, approver_a)) == [("desk_decide", True)]


def test_an_offer_whose_facts_fail_is_disabled_with_the_reason(desk, town_a, clerk_a):
    case = case_open(case_type="desk", jurisdiction=town_a, actor=clerk_a, title="闭馆")
    [offer] = actions_for(case, clerk_a)
    assert not offer.enabled and offer.reason == "窗口今日闭馆，不能受理"


def test_act_refuses_what_is_not_offered_and_validates_the_form(desk_case, clerk_a, approver_a):
    with pytest.raises(TransitionRefused) as exc:
        act(desk_case, "desk_decide", approver_a, {"reason": "同意", "days": 3})
    assert exc.value.code == "action_not_offered" and "新建" in exc.value.message
    with pytest.raises(TransitionRefused) as exc:
        act(desk_case, "take", approver_a, {})
    assert exc.value.code == "action_role_required"
    with pytest.raises(TransitionRefused) as exc:
        act(desk_case, "nothing", clerk_a, {})
    assert exc.value.code == "action_unknown"
    act(desk_case, "take", clerk_a, {})
    desk_case.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        act(desk_case, "desk_decide", approver_a, {"reason": "同意", "days": 30})
    assert exc.value.code == "invalid_input" and exc.value.field == "days" and "天数" in exc.value.message
    act(desk_case, "desk_decide", approver_a, {"reason": "同意", "days": 3})
    desk_case.refresh_from_db()
    assert desk_case.state == "done"


def test_the_api_lists_and_takes_actions(desk_case, clerk_a, approver_a, client):
    client.force_login(clerk_a)
    url = f"/api/v1/cases/{desk_case.pk}/actions"
    assert client.get(url).json() == [
        {
            "name": "take",
            "label": "受理",
            "enabled": True,
            "reason": "",
            "transition": "take",
            "url": f"{url}/take",
        }
    ]
    r = client.post(f"{url}/take", {"comment": "受理"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["case"]["state"] == "working"
    client.force_login(approver_a)
    r = client.post(f"{url}/desk_decide", {"reason": "同意", "days": 0}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "invalid_input" and r.json()["field"] == "days"
    r = client.post(f"{url}/desk_decide", "[1]", content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "invalid_json"
    r = client.post(f"{url}/desk_decide", {"reason": "同意", "days": 2}, content_type="application/json")
    assert r.status_code == 200 and r.json()["case"]["state"] == "done"
    # the same decision through the transitions endpoint is refused: it is a service edge
    r = client.post(f"/api/v1/cases/{desk_case.pk}/transitions", {"name": "decide"}, content_type="application/json")
    assert r.status_code == 409


def test_a_stranger_gets_404_for_an_action(desk_case, clerk_b, client):
    client.force_login(clerk_b)
    r = client.post(f"/api/v1/cases/{desk_case.pk}/actions/take", {}, content_type="application/json")
    assert r.status_code == 404
    assert client.post(f"/cases/{desk_case.pk}/actions/take/", {}).status_code == 404


def test_the_page_posts_the_action_and_keeps_a_refused_input(desk_case, clerk_a, approver_a, client):
    client.force_login(clerk_a)
    page = f"/cases/{desk_case.pk}/"
    r = client.post(f"/cases/{desk_case.pk}/actions/take/", {"comment": "材料齐全", "next": page})
    assert r.status_code == 302 and r["Location"] == page
    client.force_login(approver_a)
    r = client.post(f"/cases/{desk_case.pk}/actions/desk_decide/", {"reason": "同意", "days": "99", "next": page})
    html = client.get(page).content.decode()
    assert "天数" in html and 'value="同意"' in html and 'value="99"' in html  # the message, the input kept
    desk_case.refresh_from_db()
    assert desk_case.state == "working"


def test_every_registered_action_is_one_openapi_operation_with_its_input_schema():
    import json

    from tests.test_openapi import _render  # the generated document
    from township.cases.types import problems

    # action names unique, edges known, roles and states given (the engine's toy machine, registered by other tests
    # of the same process, aside; the benches' case type is registered by bench/httpbench/urls.py and must pass)
    assert [p for p in problems() if "'toy'" not in p] == []
    doc = json.loads(_render())
    count = 0
    for ct in all_case_types():
        if ct.key in ("toy", "bench"):
            continue
        for action in ct.all_actions():
            op = doc["paths"][f"/api/v1/cases/{{case_id}}/actions/{action.name}"]["post"]
            assert op["requestBody"]["content"]["application/json"]["schema"] == input_schema(action)
            assert str(action.label) in op["summary"]
            count += 1
    assert count >= 50


def test_an_action_that_does_not_apply_is_hidden(desk, desk_case, clerk_a):
    from dataclasses import replace

    take = desk.action("take")
    hidden = replace(take, name="take_hidden", applies=lambda record, actor: record.title != "占道")
    desk._actions["take_hidden"] = hidden
    try:
        assert [o.name for o in actions_for(desk_case, clerk_a)] == ["take"]
    finally:
        del desk._actions["take_hidden"]


def test_act_runs_the_precheck_that_disables_the_button(desk, desk_case, clerk_a):
    from dataclasses import replace

    def closed_today(record, actor):
        raise DomainError("window_closed", "窗口今日闭馆")

    take = desk.action("take")
    desk._actions["take_checked"] = replace(take, name="take_checked", precheck=closed_today)
    try:
        offer = next(o for o in actions_for(desk_case, clerk_a) if o.name == "take_checked")
        assert not offer.enabled and offer.reason == "窗口今日闭馆"
        with pytest.raises(DomainError) as exc:
            act(desk_case, "take_checked", clerk_a, {})
        assert exc.value.code == "window_closed"
        desk_case.refresh_from_db()
        assert desk_case.state == "new"
    finally:
        del desk._actions["take_checked"]

"""The application's steps on the case-type contract (issue 10): each one an action of ``case_type.py``, offered to
whom it belongs (``actions_for`` by role and state, disabled with the reason when a fact is missing), and taken
through the one API operation ``POST /api/v1/cases/{id}/actions/{name}``; refusals are ``{code, message, field}`` in
Chinese."""

from __future__ import annotations

import re

from django.urls import reverse

from township.approval import services as svc
from township.approval.machine import S
from township.approval.models import Application, Channel, Kind
from township.approval.tests.factories import ApplicationFactory, pdf
from township.cases.actions import actions_for

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _act(client, app, name, data=None, *, multipart=False):
    url = f"/api/v1/cases/{app.case_id}/actions/{name}"
    if multipart:
        return client.post(url, data or {})
    return client.post(url, data or {}, content_type="application/json")


def _state(app) -> str:
    app.case.refresh_from_db()
    return app.case.state


def _refusal(resp, status, code, field=None):
    body = resp.json()
    assert resp.status_code == status, body
    assert body["code"] == code and CHINESE.search(body["message"]), body
    assert body["field"] == field, body
    return body


def _offers(app, user) -> dict[str, str]:
    """name → "" (enabled) or the reason it is disabled."""
    app.case.refresh_from_db()
    return {o.name: ("" if o.enabled else o.reason) for o in actions_for(app.case, user)}


# ---- who is shown what (unit: actions_for per role and state) ------------------------------------------------


def test_the_clerk_is_offered_the_acceptance_steps_and_no_decision(now, clerk_a, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)
    assert _offers(app, clerk_a) == {
        "accept": "",
        "request_supplement": "",
        "accept_gap": "",
        "approve_on_commitment": "",
        "refuse_application": "",
        "withdraw_application": "",
    }
    svc.application_accept(application=app, actor=clerk_a)
    offers = _offers(app, clerk_a)
    assert not {"approve_application", "deny_application", "start_special", "extend_time_limit"} & set(offers)
    assert "supply_gap_materials" not in offers  # nothing outstanding: not shown at all


def test_missing_essentials_disable_acceptance_with_the_reason(now, clerk_a, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo, uploads={"sfz": pdf()})
    offers = _offers(app, clerk_a)
    assert offers["accept"].startswith("必备材料不齐：营业执照")
    assert offers["accept_gap"].startswith("必备材料不齐")  # 容缺 never covers an essential material
    assert offers["request_supplement"] == "" and offers["refuse_application"] == ""


def test_the_approver_decides_and_only_the_head_extends(now, clerk_a, approver_a, head_a, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo, state=S.UNDER_REVIEW)
    assert _offers(app, approver_a) == {
        "approve_application": "",
        "deny_application": "",
        "start_special": "",
    }
    assert set(_offers(app, head_a)) == {
        "approve_application",
        "deny_application",
        "start_special",
        "extend_time_limit",
    }
    svc.application_special_start(application=app, actor=approver_a, reason="expert_review")
    assert _offers(app, approver_a) == {"end_special": ""}


def test_an_outstanding_gap_disables_the_decision(now, clerk_a, approver_a, catalog, luo):
    app = ApplicationFactory(
        actor=clerk_a, item=catalog["food"], applicant=luo, uploads={"sfz": pdf(), "yyzz": pdf("y.pdf")}
    )
    svc.application_accept_gap(application=app, actor=clerk_a, missing=["cspmt"], pledge="承诺补齐")
    assert _offers(app, approver_a)["approve_application"] == "容缺材料尚未补齐，不能作出许可决定"
    assert _offers(app, clerk_a)["supply_gap_materials"] == ""


def test_the_applicant_may_only_withdraw_and_supply(now, clerk_a, luo_user, clerk_b, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)
    assert app.applicant_user == luo_user
    assert _offers(app, luo_user) == {"withdraw_application": ""}
    svc.application_request_supplement(application=app, actor=clerk_a, material_codes=["yyzz"])
    assert _offers(app, luo_user) == {"supply_materials": "", "withdraw_application": ""}
    assert _offers(app, clerk_b) == {}  # another town: nothing


def test_a_village_agent_withdraws_only_what_they_filed(now, agent_a, make_user, village_a, catalog, luo):
    from township.org.models import Role

    app = ApplicationFactory(actor=agent_a, item=catalog["food"], applicant=luo, channel=Channel.VILLAGE_AGENT)
    assert _offers(app, agent_a)["withdraw_application"] == ""
    other = make_user((village_a, Role.VILLAGE_AGENT), username="agent_other")
    assert _offers(app, other)["withdraw_application"] == "只有申请人本人或为其代办的代办员可以撤回申请"


# ---- every step through POST /api/v1/cases/{id}/actions/{name} -----------------------------------------------


def test_api_lists_the_actions_with_their_urls(now, client, clerk_a, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)
    client.force_login(clerk_a)
    rows = client.get(f"/api/v1/cases/{app.case_id}/actions").json()
    accept = next(r for r in rows if r["name"] == "accept")
    assert accept["enabled"] and accept["url"] == f"/api/v1/cases/{app.case_id}/actions/accept"
    assert client.get(f"/api/v1/approval/applications/{app.pk}").json()["case_id"] == app.case_id


def test_api_accept_special_procedure_extension_and_approval(now, client, clerk_a, approver_a, head_a, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)
    client.force_login(clerk_a)
    resp = _act(client, app, "accept", {"comment": "材料齐全"})
    assert resp.status_code == 200 and resp.json()["case"]["state"] == S.UNDER_REVIEW
    _refusal(_act(client, app, "accept"), 409, "action_not_offered")

    client.force_login(approver_a)
    _refusal(_act(client, app, "start_special", {"reason": "site_visit"}), 422, "invalid_input", "reason")
    assert _act(client, app, "start_special", {"reason": "expert_review", "note": "专家评审"}).status_code == 200
    assert _state(app) == S.SPECIAL_PROCEDURE
    assert _act(client, app, "end_special", {"comment": "评审结束"}).status_code == 200
    _refusal(_act(client, app, "extend_time_limit", {"days": 5, "reason": "复杂"}), 409, "action_role_required")

    client.force_login(head_a)
    _refusal(_act(client, app, "extend_time_limit", {"days": 50, "reason": "复杂"}), 422, "invalid_input", "days")
    _refusal(_act(client, app, "extend_time_limit", {"days": 5}), 422, "extension_reason_required", "reason")
    assert _act(client, app, "extend_time_limit", {"days": 5, "reason": "情况复杂"}).status_code == 200

    client.force_login(approver_a)
    resp = _act(client, app, "approve_application", {"comment": "符合条件，准予许可"})
    assert resp.status_code == 200 and resp.json()["case"]["state"] == S.CLOSED
    app.refresh_from_db()
    assert app.decision == "approved" and app.certificate is not None


def test_api_deny_states_the_reason(now, client, clerk_a, approver_a, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo, state=S.UNDER_REVIEW)
    client.force_login(approver_a)
    _refusal(_act(client, app, "deny_application", {"reason": " "}), 409, "reason_required", "reason")
    assert _act(client, app, "deny_application", {"reason": "经营场所不符合要求"}).status_code == 200
    assert _state(app) == S.DENIED


def test_api_refuse_needs_reason_and_remedy(now, client, clerk_a, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)
    client.force_login(clerk_a)
    body = _refusal(
        _act(client, app, "refuse_application", {"reason": "不属于本机关职权"}), 409, "remedy_required", "remedy"
    )
    assert body["message"] == "不予受理须告知救济途径或有权机关"
    resp = _act(client, app, "refuse_application", {"reason": "不属于本机关职权", "remedy": "请向区市场监管局申请"})
    assert resp.status_code == 200 and _state(app) == S.REFUSED


def test_api_supplement_then_the_applicant_supplies_in_multipart(now, client, clerk_a, luo_user, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo, uploads={"sfz": pdf()})
    client.force_login(clerk_a)
    _refusal(_act(client, app, "accept"), 409, "materials_incomplete", "materials")
    _refusal(_act(client, app, "request_supplement", {"materials": []}), 409, "supplement_empty", "materials")
    assert _act(client, app, "request_supplement", {"materials": ["yyzz"], "note": "缺营业执照"}).status_code == 200
    assert _state(app) == S.AWAITING_SUPPLEMENT

    client.force_login(luo_user)
    _refusal(_act(client, app, "supply_materials", {}, multipart=True), 422, "supplement_still_missing", "materials")
    resp = _act(client, app, "supply_materials", {"m_yyzz": pdf("licence.pdf")}, multipart=True)
    assert resp.status_code == 200 and resp.json()["case"]["state"] == S.SUBMITTED


def test_api_gap_acceptance_and_its_supply(now, client, clerk_a, catalog, luo):
    app = ApplicationFactory(
        actor=clerk_a, item=catalog["food"], applicant=luo, uploads={"sfz": pdf(), "yyzz": pdf("y.pdf")}
    )
    client.force_login(clerk_a)
    _refusal(_act(client, app, "accept_gap", {"missing": ["cspmt"]}), 409, "gap_pledge_required", "pledge")
    resp = _act(client, app, "accept_gap", {"missing": ["cspmt"], "pledge": "承诺5个工作日内补齐"})
    assert resp.status_code == 200 and _state(app) == S.UNDER_REVIEW
    assert _act(client, app, "supply_gap_materials", {"paper": ["cspmt"]}, multipart=True).status_code == 200
    app.refresh_from_db()
    assert app.gap_supplied_at is not None


def test_api_approval_on_commitment_is_the_applicants_choice(now, client, clerk_a, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)
    client.force_login(clerk_a)
    _refusal(
        _act(client, app, "approve_on_commitment", {"pledge": "承诺"}), 409, "commitment_not_chosen", "applicant_chose"
    )
    _refusal(
        _act(client, app, "approve_on_commitment", {"applicant_chose": True, "pledge": "承诺", "method": "x"}),
        422,
        "invalid_input",
        "method",
    )
    resp = _act(client, app, "approve_on_commitment", {"applicant_chose": True, "pledge": "承诺", "method": "online"})
    assert resp.status_code == 200 and _state(app) == S.CLOSED
    assert app.verification.method == "online"


def test_api_issue_certificate_after_a_decision_without_one(now, client, clerk_a, approver_a, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo, state=S.UNDER_REVIEW)
    svc.application_approve(application=app, actor=approver_a, issue=False)
    assert _state(app) == S.APPROVED
    client.force_login(clerk_a)
    assert _act(client, app, "issue_certificate").status_code == 200
    assert _state(app) == S.CLOSED


def test_api_withdrawal_by_the_applicant_or_on_their_written_request(now, client, clerk_a, luo_user, catalog, luo):
    mine = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)
    at_window = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)
    client.force_login(clerk_a)
    _refusal(_act(client, at_window, "withdraw_application"), 409, "withdraw_request_required", "reason")
    resp = _act(client, at_window, "withdraw_application", {"reason": "申请人书面申请撤回（11月23日）"})
    assert resp.status_code == 200
    client.force_login(luo_user)
    assert _act(client, mine, "withdraw_application").status_code == 200
    assert _state(mine) == _state(at_window) == S.WITHDRAWN


def test_api_bundle_accepts_and_withdraws_all_its_children(now, client, clerk_a, luo_user, catalog, luo):
    bundle = svc.application_bundle_submit(
        actor=clerk_a,
        items=[catalog["food"], catalog["insurance"]],
        applicant=luo,
        channel=Channel.WINDOW,
        uploads={"sfz": pdf(), "yyzz": pdf("y.pdf")},
    )
    client.force_login(clerk_a)
    assert _act(client, bundle, "accept_bundle").status_code == 200
    children = Application.objects.filter(parent=bundle, kind=Kind.CHILD)
    assert {c.case.state for c in children} == {S.UNDER_REVIEW}
    # nothing left to accept: the step is not offered (applies), and act() refuses it like the page hides it
    _refusal(_act(client, bundle, "accept_bundle"), 409, "action_not_offered")
    client.force_login(luo_user)
    assert _act(client, bundle, "withdraw_bundle").status_code == 200
    assert {c.case.state for c in children.all()} == {S.WITHDRAWN}
    bundle.case.refresh_from_db()
    assert bundle.case.state == "closed"


def test_a_service_edge_cannot_be_fired_around_its_action(now, client, clerk_a, approver_a, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo, state=S.UNDER_REVIEW)
    client.force_login(approver_a)
    resp = client.post(f"/api/v1/cases/{app.case_id}/transitions", {"name": "approve"}, content_type="application/json")
    _refusal(resp, 409, "transition_service_only")
    assert _state(app) == S.UNDER_REVIEW


# ---- the page ---------------------------------------------------------------------------------------------------


def test_the_case_page_is_the_application_page_with_the_shared_panel(now, client, clerk_a, clerk_b, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)
    client.force_login(clerk_a)
    resp = client.get(reverse("approval:case", args=[app.case_id]))
    assert resp.status_code == 302 and resp.url == reverse("approval:detail", args=[app.pk])
    page = client.get(resp.url).content.decode()
    assert 'data-testid="case-actions"' in page and 'data-action="accept"' in page
    assert 'data-action="approve_application"' not in page
    client.force_login(clerk_b)
    assert client.get(reverse("approval:case", args=[app.case_id])).status_code == 404


def test_a_refused_step_comes_back_to_the_page_with_the_input_kept(now, client, clerk_a, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)
    client.force_login(clerk_a)
    page = reverse("approval:detail", args=[app.pk])
    resp = client.post(
        reverse("case-action", args=[app.case_id, "refuse_application"]),
        {"reason": "不属于本机关职权", "next": page},
        follow=True,
    )
    html = resp.content.decode()
    assert resp.redirect_chain[-1][0] == page
    assert "不予受理须告知救济途径或有权机关" in html and "不属于本机关职权" in html
    assert _state(app) == S.SUBMITTED


def test_the_applicant_rates_a_finished_application(now, client, clerk_a, approver_a, luo_user, catalog, luo):
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo, state=S.UNDER_REVIEW)
    svc.application_approve(application=app, actor=approver_a)
    client.force_login(luo_user)
    page = client.get(reverse("approval:detail", args=[app.pk])).content.decode()
    assert reverse("approval:rate", args=[app.pk]) in page
    resp = client.post(reverse("approval:rate", args=[app.pk]), {"grade": 1, "text": ""})
    assert resp.status_code == 302
    app.refresh_from_db()
    assert app.rating.grade == 1


def test_the_applicant_supplies_and_withdraws_through_the_panel(now, client, clerk_a, luo_user, catalog, luo):
    app = ApplicationFactory(
        actor=clerk_a, item=catalog["food"], applicant=luo, state=S.AWAITING_SUPPLEMENT, supplement=("yyzz",)
    )
    client.force_login(luo_user)
    page = reverse("approval:detail", args=[app.pk])
    html = client.get(page).content.decode()
    assert 'data-action="supply_materials"' in html and 'name="m_yyzz"' in html
    assert 'name="paper"' not in html  # the paper originals are checked by staff only
    resp = client.post(
        reverse("case-action", args=[app.case_id, "supply_materials"]), {"m_yyzz": pdf("y.pdf"), "next": page}
    )
    assert resp.status_code == 302 and resp.url == page and _state(app) == S.SUBMITTED
    resp = client.post(reverse("case-action", args=[app.case_id, "withdraw_application"]), {"next": page})
    assert resp.status_code == 302 and _state(app) == S.WITHDRAWN

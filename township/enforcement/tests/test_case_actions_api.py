"""Every enforcement step is an action of the API: ``POST /api/v1/cases/{id}/actions/{name}`` (issue 10).

The hearing (request, notice, held), the legal review, the extension of the 90 days and the certificate a revocation
revokes had only web forms before; here each is taken through the API, and a refusal is a 4xx
``{code, message, field}`` that leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from township.enforcement import services
from township.enforcement.case_type import PENALTY, SUMMARY
from township.enforcement.machine import PenaltyState as S
from township.enforcement.tests.steps import aware, decide_waived, file_case, investigate, notify

D = dt.date


def act(client: Any, pc: Any, name: str, user: Any, body: dict[str, Any] | None = None) -> Any:
    client.force_login(user)  # (again after the clock moved: the idle session ends)
    return client.post(f"/api/v1/cases/{pc.case_id}/actions/{name}", body or {}, content_type="application/json")


def done(response: Any, state: str) -> dict[str, Any]:
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["case"]["state"] == state, body
    return body


def refused(response: Any, code: str, field: str | None = None) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, response.content.decode()
    body = response.json()
    assert set(body) >= {"code", "message", "field"} and body["code"] == code, body
    assert body["message"] and not body["message"].isascii()  # the reason in Chinese
    if field is not None:
        assert body["field"] == field, body
    return body


def test_every_enforcement_action_is_one_api_operation_with_its_input_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    for ct in (PENALTY, SUMMARY):
        for action in ct.all_actions():
            op = schema["paths"][f"/api/v1/cases/{{case_id}}/actions/{action.name}"]["post"]
            body = op["requestBody"]["content"]["application/json"]["schema"]
            if action.form is not None:
                assert set(body["properties"]) == set(action.form.base_fields), action.name
    decide = schema["paths"]["/api/v1/cases/{case_id}/actions/penalty_decide"]["post"]
    props = decide["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert props["certificates"]["type"] == "array" and props["certificates"]["items"]["type"] == "integer"


def test_hearing_legal_review_extension_decision_and_close_through_the_api(world, client, travel):
    pc = file_case(world)
    body = {"kind": "inspection", "at": "2026-03-02T10:00", "place": "东海村3组", "officers": [world.o1.pk]}
    refused(act(client, pc, "penalty_act", world.o1, body), "two_officers_required")
    body["officers"] = [world.o1.pk, world.o2.pk]
    done(act(client, pc, "penalty_act", world.o1, body), S.INVESTIGATING)

    # the notice carries the hearing right (6,000 for a person)
    travel.move_to(aware(D(2026, 3, 10)))
    notice = {"types": ["fine"], "fine": "6000", "facts": "违法搭建", "reasons": "违反城乡规划法", "basis": "条例"}
    refused(act(client, pc, "penalty_notice", world.o1, notice), "invalid_input", "served_on")
    notice.update(served_on="2026-03-10", mode="direct")
    done(act(client, pc, "penalty_notice", world.o1, notice), S.NOTIFIED)

    # 听证申请 → 听证通知 (a non-investigator chairs) → 举行听证
    done(act(client, pc, "penalty_hearing_request", world.o1, {"requested_on": "2026-03-13"}), S.HEARING_REQUESTED)
    schedule = {"notice_on": "2026-03-16", "hearing_on": "2026-03-30", "chair": world.o2.pk, "place": "执法局会议室"}
    refused(act(client, pc, "penalty_hearing_schedule", world.o1, schedule), "hearing_chair_investigator")
    schedule["chair"] = world.o3.pk
    done(act(client, pc, "penalty_hearing_schedule", world.o1, schedule), S.HEARING_SCHEDULED)
    refused(act(client, pc, "penalty_hearing_hold", world.o3, {"record": "笔录"}), "hearing_not_yet", "held_on")
    travel.move_to(aware(D(2026, 3, 30)))
    done(act(client, pc, "penalty_hearing_hold", world.o3, {"record": "听证笔录：当事人到场陈述……"}), S.HEARD)

    # 法制审核: by the legal reviewer only; the decision waits for it after a hearing (Art 58)
    refused(act(client, pc, "penalty_decide", world.leader, {"types": ["fine"], "fine": 5000}), "legal_review_required")
    refused(act(client, pc, "penalty_review", world.o1, {"opinion": "同意", "passed": True}), "action_role_required")
    refused(act(client, pc, "penalty_decide", world.reviewer, {"types": ["fine"]}), "action_role_required")
    review = {"opinion": "事实清楚，证据确凿，程序合法。", "passed": True}
    done(act(client, pc, "penalty_review", world.reviewer, review), S.REVIEWED)

    # 延长办案期限: approved by a head, with a reason
    extend = {"days": 30, "reason": "案情复杂", "approved_by": world.o2.pk}
    refused(act(client, pc, "penalty_extend", world.o1, extend), "invalid_input", "approved_by")  # heads only
    refused(act(client, pc, "penalty_extend", world.o1, {**extend, "reason": ""}), "invalid_input", "reason")
    extend["approved_by"] = world.leader.pk
    done(act(client, pc, "penalty_extend", world.o1, extend), S.REVIEWED)
    pc.refresh_from_db()
    assert pc.decision_due == D(2026, 7, 1)

    travel.move_to(aware(D(2026, 4, 1)))
    done(act(client, pc, "penalty_decide", world.leader, {"types": ["fine"], "fine": 5000}), S.DECIDED)
    done(act(client, pc, "penalty_serve", world.o1, {"mode": "direct", "sent_on": "2026-04-01"}), S.SERVED)
    refused(act(client, pc, "penalty_pay", world.o1, {"paid_on": "2026-04-02", "amount": 100}), "fine_unpaid")
    done(act(client, pc, "penalty_pay", world.o1, {"paid_on": "2026-04-02", "amount": 5000}), S.PAID)
    refused(act(client, pc, "penalty_close", world.o1, {"report": "结案"}), "action_role_required")
    done(act(client, pc, "penalty_close", world.leader, {"report": "已缴纳罚款，结案。"}), S.CLOSED)
    done(act(client, pc, "penalty_archive", world.o1), S.ARCHIVED)
    pc.refresh_from_db()
    assert pc.hearing_held and pc.reviewer == world.reviewer and pc.closed_report


def test_a_revocation_names_the_certificate_it_revokes_through_the_api(world, licensed_shop, client):
    shop, cert = licensed_shop
    pc = file_case(world, party_kind="organisation", party_name=shop.name, party_id_number=shop.uscc, domain="market")
    investigate(world, pc, D(2026, 3, 2))
    notice = {"types": ["revoke_licence"], "facts": "使用过期原料", "reasons": "情节严重", "basis": "食品安全法"}
    done(
        act(client, pc, "penalty_notice", world.o1, {**notice, "served_on": "2026-03-02", "mode": "direct"}), S.NOTIFIED
    )
    waiver = {"waived": True, "hearing_waived": True}
    done(act(client, pc, "penalty_statement", world.o1, waiver), S.NOTIFIED)

    # the decide form lists the party's valid certificates
    client.force_login(world.leader)
    offers = {o["name"]: o for o in client.get(f"/api/v1/cases/{pc.case_id}/actions").json()}
    assert offers["penalty_decide"]["enabled"], offers["penalty_decide"]
    decide = {"types": ["revoke_licence"]}
    refused(act(client, pc, "penalty_decide", world.leader, decide), "certificate_required", "certificates")
    wrong = {"types": ["warning"], "certificates": [cert.pk]}
    refused(act(client, pc, "penalty_decide", world.leader, wrong), "certificate_without_revocation", "certificates")
    refused(
        act(client, pc, "penalty_decide", world.leader, {**decide, "certificates": [cert.pk + 999]}), "invalid_input"
    )
    cert.refresh_from_db()
    assert cert.status == "valid"
    client.force_login(world.leader)
    before = client.get(f"/api/v1/enforcement/cases/{pc.pk}/certificates").json()
    assert [c["identifier"] for c in before["revocable"]] == [cert.identifier] and before["revoked"] == []
    done(act(client, pc, "penalty_decide", world.leader, {**decide, "certificates": [cert.pk]}), S.DECIDED)
    cert.refresh_from_db()
    assert cert.status == "revoked" and "吊销" in cert.status_reason
    # the case names the certificate it revoked, in the API and on its page (issue 13 item 7)
    client.force_login(world.leader)
    after = client.get(f"/api/v1/enforcement/cases/{pc.pk}/certificates").json()
    assert after["revocable"] == [] and [c["identifier"] for c in after["revoked"]] == [cert.identifier]
    page = client.get(f"/enforcement/cases/{pc.pk}/").content.decode()
    assert cert.identifier in page and "已由本案吊销" in page


def test_instalments_overdue_demand_and_court_enforcement_through_the_api(world, client, travel):
    pc = file_case(world)
    notify(world, pc, types=["fine"], fine=1000)
    decide_waived(world, pc, types=["fine"], fine=1000)
    done(act(client, pc, "penalty_serve", world.o1, {"mode": "direct", "sent_on": "2026-03-02"}), S.SERVED)
    refused(act(client, pc, "penalty_overdue", world.o1), "payment_not_overdue")
    plan = {"until": "2026-04-30", "instalments": 2, "reason": "经济困难", "approved_by": world.leader.pk}
    done(act(client, pc, "penalty_instalment", world.o1, plan), S.SERVED)
    travel.move_to(aware(D(2026, 5, 6)))
    done(act(client, pc, "penalty_overdue", world.o1, {"comment": "分期期满未缴"}), S.OVERDUE)
    done(act(client, pc, "penalty_demand", world.o1, {"served_on": "2026-05-06"}), S.OVERDUE)
    enforce = {"applied_on": "2026-05-07", "court": "江津区人民法院"}
    body = refused(act(client, pc, "penalty_enforce", world.leader, enforce), "demand_period_running")
    assert "十日" in body["message"] or "催告" in body["message"]
    pc.refresh_from_db()
    assert pc.case.state == S.OVERDUE and pc.enforcement_applied_on is None


def test_preservation_grounds_discussion_and_drop_through_the_api(world, client, travel):
    pc = file_case(world)
    done(act(client, pc, "penalty_investigate", world.o1, {"comment": "开始调查"}), S.INVESTIGATING)
    goods = {
        "goods": "彩钢板20张",
        "started_on": "2026-03-02",
        "officers": [world.o1.pk, world.o2.pk],
        "approved_by": world.leader.pk,
    }
    done(act(client, pc, "penalty_preservation", world.o1, goods), S.INVESTIGATING)
    preserved = pc.preservations.get()
    release = {"preservation": preserved.pk, "outcome": "release", "decided_on": "2026-03-03"}
    done(act(client, pc, "penalty_preservation_decide", world.o1, release), S.INVESTIGATING)
    refused(act(client, pc, "penalty_preservation_decide", world.o1, release), "action_not_offered")  # none pending

    grounds = {"grounds": ["complex"], "major_case": True}
    done(act(client, pc, "penalty_review_grounds", world.o1, grounds), S.INVESTIGATING)
    discussion = {"participants": "王局长，李明", "conclusion": "同意撤案", "held_on": "2026-03-02"}
    refused(act(client, pc, "penalty_discussion", world.leader, discussion), "action_not_offered")  # before notice
    refused(act(client, pc, "penalty_drop", world.leader, {"reason": ""}), "invalid_input", "reason")
    done(act(client, pc, "penalty_drop", world.leader, {"reason": "不构成违法"}), S.DROPPED)
    pc.refresh_from_db()
    assert pc.legal_review_grounds == ["complex"] and pc.major_case


def test_a_warning_closes_without_a_fine_through_the_api(world, client, travel):
    pc = file_case(world)
    notify(world, pc, types=["warning"])
    decide_waived(world, pc, types=["warning"])
    done(act(client, pc, "penalty_serve", world.o1, {"mode": "direct", "sent_on": "2026-03-02"}), S.SERVED)
    # the decision's disclosure and documents are actions too
    refused(act(client, pc, "penalty_disclosure_withdraw", world.o1, {"reason": "x"}), "action_not_offered")
    done(act(client, pc, "penalty_disclose", world.o1), S.SERVED)
    refused(act(client, pc, "penalty_disclose", world.o1), "action_not_offered")  # published once
    refused(act(client, pc, "penalty_disclosure_withdraw", world.o1, {}), "invalid_input", "reason")
    withdraw = {"reason": "复议决定撤销", "varied_on": "2026-03-02"}
    done(act(client, pc, "penalty_disclosure_withdraw", world.o1, withdraw), S.SERVED)
    refused(act(client, pc, "penalty_document", world.o1, {"kind": "x"}), "invalid_input", "kind")
    done(act(client, pc, "penalty_document", world.reviewer, {"kind": "decision"}), S.SERVED)
    pc.refresh_from_db()
    assert pc.disclosure.withdrawn_at and pc.documents.get().kind == "decision"
    refused(act(client, pc, "penalty_close_performed", world.leader, {}), "invalid_input", "report")
    done(act(client, pc, "penalty_close_performed", world.leader, {"report": "警告已送达，结案。"}), S.CLOSED)


@pytest.mark.parametrize("collect", [True, False])
def test_summary_procedure_through_the_api(world, client, travel, collect):
    pc = services.summary_case_create(
        jurisdiction=world.town,
        actor=world.o1,
        party_kind="person",
        party_name="吴某",
        types=["fine"],
        fine=50,
        facts="占道经营",
        basis="条例",
        place="正街",
        officers=[world.o1.pk, world.o2.pk],
        domain="city",
        evidence_names=["现场照片"],
        rights_told=True,
    )
    if collect:
        refused(act(client, pc, "summary_hand_over", world.o1, {"handed_over_on": "2026-03-02"}), "action_not_offered")
        done(act(client, pc, "summary_collect", world.o1, {"receipt_number": "渝财罚No.0000009"}), "paid")
        done(act(client, pc, "summary_hand_over", world.o1, {"handed_over_on": "2026-03-02"}), "paid")
    else:
        refused(act(client, pc, "summary_pay", world.o1, {"paid_on": "2026-03-02", "amount": 10}), "fine_unpaid")
        done(act(client, pc, "summary_pay", world.o1, {"paid_on": "2026-03-02", "amount": 50}), "paid")
        client.force_login(world.o1)
        offers = {o["name"]: o for o in client.get(f"/api/v1/cases/{pc.case_id}/actions").json()}
        assert not offers["summary_hand_over"]["enabled"] and offers["summary_hand_over"]["reason"]
    done(act(client, pc, "summary_record", world.o1), "recorded")

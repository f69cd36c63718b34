"""行政复议 and 行政诉讼 against a penalty decision, recorded through the engine's actions (#12 item 5).

Pending, then its result, then a correction: each a new row on the case's timeline, the rows before kept; only the
case type's staff of the case's own town may record; the case page shows the outcomes and the API takes the actions at
``POST /api/v1/cases/{id}/actions/penalty_remedy`` and ``…/penalty_remedy_result``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from township.cases.actions import actions_for
from township.cases.models import Attachment, Case, CaseEvent
from township.enforcement.case_type import REMEDY_CORRECTED
from township.enforcement.machine import PenaltyState as S
from township.enforcement.models import EnforcementConfig, Remedy
from township.enforcement.tests.steps import PNG, aware, decide_waived, file_case, notify
from township.enforcement.tests.test_case_actions_api import act, done, refused
from township.org.models import Role
from township.org.testing import user_with_roles

D = dt.date


def _decided(world: Any) -> Any:
    pc = file_case(world)
    notify(world, pc, types=["warning"])
    decide_waived(world, pc, types=["warning"])  # decided on 2026-03-02
    return pc


def test_pending_result_and_correction_through_the_api(world, client, travel):
    pc = _decided(world)
    travel.move_to(aware(D(2026, 4, 20)))
    pending = {"kind": "reconsideration", "number": "江津府复〔2026〕12号", "received_on": "2026-04-10"}
    # no 复议机关 entered and none in the unit's settings
    refused(act(client, pc, "penalty_remedy", world.reviewer, pending), "remedy_body_required", "body")
    EnforcementConfig.objects.create(
        jurisdiction=world.town, review_body="重庆市江津区人民政府", court="江津区人民法院"
    )
    refused(
        act(client, pc, "penalty_remedy", world.reviewer, {**pending, "received_on": "2026-02-27"}),
        "remedy_dates_invalid",
        "received_on",
    )
    refused(
        act(client, pc, "penalty_remedy", world.reviewer, {**pending, "result": "changed"}),
        "remedy_result_missing",
        "decided_on",
    )
    done(act(client, pc, "penalty_remedy", world.reviewer, pending), S.DECIDED)
    first = Remedy.objects.get()
    assert (first.body, first.result, first.decided_on) == ("重庆市江津区人民政府", "", None)

    # the result: a new row replacing the pending one
    result = {"remedy": first.pk, "decided_on": "2026-04-18", "result": "changed", "note": "罚款数额明显不当"}
    done(act(client, pc, "penalty_remedy_result", world.leader, result), S.DECIDED)
    second = Remedy.objects.exclude(pk=first.pk).get()
    assert (second.replaces_id, second.number, second.result) == (first.pk, first.number, "changed")
    # the pending row is gone from the offers: nothing left to decide
    refused(act(client, pc, "penalty_remedy_result", world.leader, result), "action_not_offered")

    # a mistyped result corrected: a third row; every row is kept
    correction = {
        "kind": "reconsideration",
        "body": "重庆市江津区人民政府",
        "number": "江津府复〔2026〕12号",
        "received_on": "2026-04-10",
        "decided_on": "2026-04-18",
        "result": "illegal",
        "note": "更正：复议决定为确认违法",
        "replaces": second.pk,
    }
    done(act(client, pc, "penalty_remedy", world.o1, correction), S.DECIDED)
    # the replaced row is no longer offered to correct
    refused(act(client, pc, "penalty_remedy", world.o1, correction), "invalid_input", "replaces")
    assert Remedy.objects.count() == 3
    notes = CaseEvent.objects.filter(case=pc.case, name="remedy").order_by("seq")
    assert [e.data["result"] for e in notes] == ["", "changed", "illegal"]
    assert notes[2].data["replaces"] == second.pk and notes[2].data["corrected"] is True
    assert notes[0].label == "行政复议、行政诉讼"

    # the case's API shows every record, the replaced ones marked
    remedies = client.get(f"/api/v1/enforcement/cases/{pc.pk}").json()["remedies"]
    assert [(r["result"], r["replaced"], r["corrected"]) for r in remedies] == [
        ("", True, False),
        ("changed", True, True),
        ("illegal", False, True),
    ]
    assert remedies[2]["result_label"] == "确认违法" and remedies[2]["kind_label"] == "行政复议"

    april = (aware(D(2026, 4, 1), 0), aware(D(2026, 5, 1), 0))
    assert REMEDY_CORRECTED.compute([world.town.code], *april) == (1, 1)


def test_only_the_case_types_staff_of_the_town_record_on_a_decided_case(world, client, travel):
    pc = file_case(world)
    body = {"kind": "litigation", "body": "江津区人民法院", "received_on": "2026-03-02"}
    refused(act(client, pc, "penalty_remedy", world.o1, body), "action_not_offered")  # not decided yet
    notify(world, pc, types=["warning"])
    decide_waived(world, pc, types=["warning"])
    dispatcher = user_with_roles("enf_dispatcher", (world.town, Role.DISPATCHER))
    refused(act(client, pc, "penalty_remedy", dispatcher, body), "action_role_required")
    client.force_login(world.stranger)  # 龙华镇's officer and head: the case is not in reach
    response = client.post(f"/api/v1/cases/{pc.case_id}/actions/penalty_remedy", body, content_type="application/json")
    assert response.status_code == 404
    assert not Remedy.objects.exists()
    offered = [o.name for o in actions_for(Case.objects.get(pk=pc.case_id), world.reviewer)]
    assert "penalty_remedy" in offered and "penalty_remedy_result" not in offered  # nothing pending to decide
    done(act(client, pc, "penalty_remedy", world.reviewer, body), S.DECIDED)
    assert "penalty_remedy_result" in [o.name for o in actions_for(Case.objects.get(pk=pc.case_id), world.reviewer)]


def test_case_page_offers_the_action_and_shows_the_outcomes(world, client, travel):
    pc = _decided(world)
    travel.move_to(aware(D(2026, 5, 6)))
    client.force_login(world.reviewer)
    page = reverse("enforcement:case-detail", args=[pc.pk])
    url = reverse("case-action", args=[pc.case_id, "penalty_remedy"])
    html = client.get(page).content.decode()
    assert url in html and "登记行政复议、行政诉讼" in html and 'enctype="multipart/form-data"' in html
    post = {
        "kind": "litigation",
        "body": "重庆市江津区人民法院",
        "number": "（2026）渝0116行初45号",
        "received_on": "2026-04-01",
        "decided_on": "2026-05-06",
        "result": "annulled",
        "note": "判决撤销处罚决定",
        "file": SimpleUploadedFile("judgment.png", PNG, content_type="image/png"),
        "next": page,
    }
    response = client.post(url, post, follow=True)
    assert response.status_code == 200
    remedy = Remedy.objects.get()
    assert remedy.attachment is not None and Attachment.objects.filter(case=pc.case, purpose="remedy").exists()
    html = client.get(page).content.decode()
    assert "（2026）渝0116行初45号" in html and "撤销" in html and "判决撤销处罚决定" in html
    assert "judgment.png" in html


def test_summary_procedure_decisions_are_challenged_too(world, client, travel):
    """简易程序: the same record through ``summary_remedy`` (action names are unique across case types)."""
    from township.enforcement import services

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
    travel.move_to(aware(D(2026, 3, 20)))
    body = {"kind": "reconsideration", "body": "江津区人民政府", "received_on": "2026-03-05"}
    refused(act(client, pc, "penalty_remedy", world.o1, body), "action_unknown")
    done(act(client, pc, "summary_remedy", world.o1, {**body, "decided_on": "2026-03-19", "result": "void"}), "on_spot")
    march = (aware(D(2026, 3, 1), 0), aware(D(2026, 4, 1), 0))
    assert REMEDY_CORRECTED.compute([world.town.code], *march) == (1, 1)

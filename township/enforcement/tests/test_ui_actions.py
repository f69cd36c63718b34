"""The procedure through the staff pages: clue → 立案 form → 调查取证 form; a refused step shows the Chinese reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from township.cases.errors import TransitionRefused
from township.enforcement import services
from township.enforcement.machine import PenaltyState
from township.enforcement.models import Clue, PenaltyCase
from township.enforcement.tests.steps import decide_waived, file_case, notify

D = dt.date


def act_url(pc, name):
    """The one UI URL of a case action (every case type)."""
    return reverse("case-action", args=[pc.case_id, name])


def test_clue_filed_and_investigated_through_the_forms(world, client):
    clue = services.clue_create(jurisdiction=world.town, source="complaint", summary="违法搭建举报", actor=world.o1)
    client.force_login(world.o1)
    page = client.get(reverse("enforcement:clue-list")).content.decode()
    assert reverse("enforcement:clue-action", args=[clue.pk, "file"]) in page
    # investigators and the approving head are picked by name; officers show their valid credential numbers
    url = reverse("enforcement:clue-action", args=[clue.pk, "file"])
    form = client.get(url).content.decode()
    assert "李明（渝执-5001-0001）" in form and "王局长" in form and "用户ID" not in form
    # the filing officer is ticked as an investigator already (one of the two the law asks)
    assert client.get(url).context["form"]["investigators"].value() == [world.o1.pk]
    filing = {
        "party_kind": "person",
        "party_name": "孙某",
        "act_date": "2026-02-01",
        "domain": "city",
        "investigators": [world.o1.pk, world.o2.pk],
        "approved_by": world.leader.pk,
        "facts": "搭建棚屋",
    }
    # nobody from the next town can be chosen, whatever id is posted
    foreign = client.post(url, {**filing, "approved_by": world.stranger.pk})
    assert foreign.status_code == 200 and not PenaltyCase.objects.exists()
    assert "有效的选项" in foreign.content.decode() or "valid choice" in foreign.content.decode()
    response = client.post(url, filing)
    assert response.status_code == 302
    pc = PenaltyCase.objects.get(clue=clue)
    assert Clue.objects.get(pk=clue.pk).decision == "filed"

    page = reverse("enforcement:case-detail", args=[pc.pk])
    detail = client.get(page).content.decode()
    url = act_url(pc, "penalty_act")
    assert url in detail
    # a refusal comes back to the case page with the Chinese reason beside the step and the input kept
    refused = client.post(
        url,
        {"kind": "inquiry", "at": "2026-03-02T10:00", "place": "执法局", "officers": [world.o1.pk], "next": page},
        follow=True,
    )
    assert refused.redirect_chain[-1][0] == page
    assert "执法人员不得少于两人" in refused.content.decode() and 'value="执法局"' in refused.content.decode()
    ok = client.post(
        url,
        {"kind": "inquiry", "at": "2026-03-02T10:00", "place": "执法局", "officers": [world.o1.pk, world.o2.pk]},
    )
    assert ok.status_code == 302
    pc.case.refresh_from_db()
    assert pc.case.state == PenaltyState.INVESTIGATING


def test_clue_rejected_through_the_form_and_foreign_clue_is_404(world, client):
    clue = services.clue_create(jurisdiction=world.town, source="complaint", summary="噪音", actor=world.o1)
    client.force_login(world.stranger)
    assert client.get(reverse("enforcement:clue-action", args=[clue.pk, "reject"])).status_code == 404
    client.force_login(world.o1)
    response = client.post(reverse("enforcement:clue-action", args=[clue.pk, "reject"]), {"reason": "不属于管辖"})
    assert response.status_code == 302
    assert Clue.objects.get(pk=clue.pk).decision == "not_filed"


def test_plan_created_and_drawn_through_the_pages(world, client, travel, django_assert_max_num_queries):
    from township.enforcement import inspection
    from township.enforcement.models import InspectionPlan, Officer
    from township.org.models import Department

    dept = Department.objects.create(jurisdiction=world.town, name="执法局", kind="enforcement")
    item = inspection.inspection_item_create(
        jurisdiction=world.town, department=dept, code="X-1", name="检查事项", actor=world.leader
    )
    Officer.objects.filter(jurisdiction=world.town).update(department=dept)
    inspection.inspection_target_add(
        jurisdiction=world.town, uscc="91500116MA5U8X3Q51", name="甲公司", actor=world.leader
    )
    client.force_login(world.leader)
    form = {
        "jurisdiction": "500116108",
        "name": "第一批",
        "departments": [dept.pk],
        "items": [item.pk],
        "period_start": "2026-03-01",
        "period_end": "2026-03-31",
        "ratio_A": 100,
        "ratio_B": 100,
        "ratio_C": 100,
        "ratio_D": 100,
        "inspectors_per_check": 1,
    }
    refused = client.post(reverse("enforcement:plan-create"), form)
    assert refused.status_code == 422 and "不得少于两人" in refused.content.decode()
    response = client.post(reverse("enforcement:plan-create"), {**form, "inspectors_per_check": 2})
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302
    client.post(reverse("enforcement:plan-draw", args=[plan.pk]))
    page = client.get(reverse("enforcement:plan-detail", args=[plan.pk])).content.decode()
    assert "甲公司" in page and "verify_draw" in page
    visit = plan.visits.get()
    travel.move_to(dt.datetime(2026, 3, 11, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    client.force_login(world.leader)  # (the idle session ended while time moved on)
    api_url = f"/api/v1/enforcement/plans/{plan.pk}/visits/{visit.pk}/result"
    payload = {"result": "problem", "checked_on": "2026-03-10", "findings": "未公示许可证"}
    # the head was not drawn: 谁检查、谁录入
    refused = client.post(api_url, payload, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "not_inspector"
    inspector = Officer.objects.get(pk=visit.inspectors[0]).user
    client.force_login(inspector)
    client.get(reverse("enforcement:plan-detail", args=[plan.pk]))
    with django_assert_max_num_queries(14):  # flat: one query for the visits with their subjects
        page = client.get(reverse("enforcement:plan-detail", args=[plan.pk])).content.decode()
    assert "我参与" in page and reverse("enforcement:visit-result", args=[plan.pk, visit.pk]) in page
    client.post(
        reverse("enforcement:visit-result", args=[plan.pk, visit.pk]),
        {"result": "normal", "checked_on": "2026-03-10", "findings": ""},
    )
    visit.refresh_from_db()
    assert visit.result == "normal" and visit.publish_by == dt.date(2026, 4, 8)
    result = client.post(api_url, payload, content_type="application/json")  # corrected before publication
    assert result.status_code == 200 and result.json()["clue"]
    published = client.post(f"/api/v1/enforcement/plans/{plan.pk}/publish")
    assert published.json() == {"published": 1}
    public = client.get("/api/v1/enforcement/public/500116108/inspections").json()
    assert [(r["target"], r["result_label"]) for r in public] == [("甲公司", "发现问题")]
    with django_assert_max_num_queries(12):  # session and menu, items, decisions, results with plan and subject
        public_page = client.get(reverse("enforcement:public-info", args=["500116108"])).content.decode()
    assert "未公示许可证" in public_page
    assert client.post(api_url, payload, content_type="application/json").json()["code"] == "result_published"


def test_decision_published_from_the_case_page(world, client, travel):
    import datetime as dt

    from township.enforcement.models import Domain

    pc = services.penalty_case_file(
        jurisdiction=world.town,
        actor=world.o1,
        approved_by=world.leader,
        party_kind="person",
        party_name="周某",
        party_address="东海村1组",
        act_date=dt.date(2026, 2, 1),
        domain=Domain.CITY,
        investigators=[world.o1.pk, world.o2.pk],
        village=world.village,
        facts="周某违规",
    )
    services.penalty_act_record(
        penalty_case=pc,
        kind="inquiry",
        at=dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC),
        place="执法局",
        officers=[world.o1.pk, world.o2.pk],
        actor=world.o1,
    )
    services.penalty_notice(
        penalty_case=pc,
        actor=world.o1,
        types=["warning"],
        facts="f",
        reasons="r",
        basis="b",
        served_on=dt.date(2026, 3, 2),
    )
    services.penalty_statement_record(penalty_case=pc, actor=world.o1, waived=True)
    services.penalty_decide(penalty_case=pc, actor=world.leader, types=["warning"])
    client.force_login(world.o1)
    assert "公示期限" in client.get(reverse("enforcement:case-detail", args=[pc.pk])).content.decode()
    detail = client.get(reverse("enforcement:case-detail", args=[pc.pk])).content.decode()
    assert act_url(pc, "penalty_disclose") in detail and act_url(pc, "penalty_disclosure_withdraw") not in detail
    client.post(act_url(pc, "penalty_disclose"))
    page = client.get(reverse("enforcement:public-info", args=["500116108"])).content.decode()
    assert "周*" in page and "周某" not in page
    # annulled on review: taken down from the case page, with the reason on the timeline
    detail = client.get(reverse("enforcement:case-detail", args=[pc.pk])).content.decode()
    assert "撤下公示" in detail
    # the timeline and the service records speak Chinese, not identifiers
    assert "陈述申辩" in detail and ">statement<" not in detail and "investigative_act" not in detail
    assert "行政处罚事先告知书 · 直接送达" in detail
    client.post(act_url(pc, "penalty_disclosure_withdraw"), {"reason": "复议决定撤销", "varied_on": "2026-03-20"})
    assert "周*" not in client.get(reverse("enforcement:public-info", args=["500116108"])).content.decode()
    pc.disclosure.refresh_from_db()
    assert pc.disclosure.withdraw_reason == "复议决定撤销" and pc.disclosure.withdraw_by == dt.date(2026, 3, 25)
    assert pc.case.events.filter(name="disclosure_withdraw").exists()
    assert client.get(reverse("enforcement:case-detail", args=[pc.pk])).content.decode().count("已撤下") == 1


def test_summary_penalty_on_the_spot_page_refuses_a_fine_above_the_cap(world, client, travel):
    client.force_login(world.o1)
    form = {
        "jurisdiction": "500116108",
        "party_kind": "person",
        "party_name": "吴某",
        "types": ["fine"],
        "fine": "250",
        "domain": "city",
        "facts": "占道经营",
        "basis": "条例",
        "place": "正街",
        "officers": [world.o1.pk, world.o2.pk],
        "evidence": "现场照片",
    }
    refused = client.post(reverse("enforcement:summary-create"), form)
    assert refused.status_code == 409 and "二百元" in refused.content.decode()
    untold = client.post(reverse("enforcement:summary-create"), {**form, "fine": "80"})
    assert untold.status_code == 409 and "第四十四条" in untold.content.decode()
    ok = client.post(reverse("enforcement:summary-create"), {**form, "fine": "80", "rights_told": "on"})
    assert ok.status_code == 302
    pc = PenaltyCase.objects.get(party_name="吴某")
    assert pc.procedure == "summary"
    # on the case page: collect on the spot against the receipt, hand the cash over, report for the record
    detail = client.get(reverse("enforcement:case-detail", args=[pc.pk])).content.decode()
    assert act_url(pc, "summary_collect") in detail
    assert act_url(pc, "penalty_act") not in detail  # ordinary-procedure steps hidden
    collect = act_url(pc, "summary_collect")
    asked = client.post(collect, {"receipt_number": ""}, follow=True)  # the form asks for the receipt
    assert "罚没款专用票据号" in asked.content.decode() and pc.case.events.count() == 1
    assert client.post(collect, {"receipt_number": "渝财罚No.0000002"}).status_code == 302
    assert client.post(act_url(pc, "summary_hand_over"), {"handed_over_on": "2026-03-02"}).status_code == 302
    assert client.post(act_url(pc, "summary_record")).status_code == 302
    pc.refresh_from_db()
    assert pc.receipt_number == "渝财罚No.0000002" and pc.cash_handed_over_on == D(2026, 3, 2)
    assert pc.case.state == "recorded"


def test_filing_form_sets_the_continuing_act_the_five_year_flag_and_the_review_grounds(world, client):
    from township.enforcement.models import Domain

    item = services.penalty_item_create(
        jurisdiction=world.town,
        code="SP-001",
        name="销售不符合食品安全标准的食品",
        domain=Domain.MARKET,
        legal_basis="《中华人民共和国食品安全法》第一百二十四条",
        penalty_types=["fine"],
        fine_min=0,
        fine_max=100000,
        actor=world.leader,
    )
    clue = services.clue_create(jurisdiction=world.town, source="complaint", summary="销售过期食品", actor=world.o1)
    client.force_login(world.o1)
    url = reverse("enforcement:clue-action", args=[clue.pk, "file"])
    form = client.get(url).content.decode()
    assert "SP-001 销售不符合食品安全标准的食品" in form and "涉及重大公共利益" in form
    filing = {
        "party_kind": "organisation",
        "party_name": "某超市",
        "act_date": "2023-06-01",  # more than two years before the clue
        "domain": "market",
        "investigators": [world.o1.pk, world.o2.pk],
        "approved_by": world.leader.pk,
    }
    refused = client.post(url, filing)
    assert refused.status_code == 409 and "第三十六条" in refused.content.decode()
    ok = client.post(
        url,
        {
            **filing,
            "item": item.pk,
            "life_health_finance": "on",
            "legal_review_grounds": ["public_interest"],
            "major_case": "on",
        },
    )
    assert ok.status_code == 302
    pc = PenaltyCase.objects.get(clue=clue)
    assert (
        pc.item == item and pc.life_health_finance and pc.legal_review_grounds == ["public_interest"] and pc.major_case
    )


def test_review_grounds_are_added_by_officers_and_removed_only_by_a_head_with_a_reason(world, client):
    from township.core.errors import DomainError, PermissionRefused

    pc = file_case(world, party_name="钱某")
    client.force_login(world.o1)
    url = act_url(pc, "penalty_review_grounds")
    assert client.post(url, {"grounds": ["complex"]}).status_code == 302
    pc.refresh_from_db()
    assert pc.legal_review_grounds == ["complex"]
    with pytest.raises(PermissionRefused):
        services.penalty_review_grounds_set(penalty_case=pc, actor=world.o1, grounds=[], major_case=False)
    with pytest.raises(DomainError) as info:
        services.penalty_review_grounds_set(penalty_case=pc, actor=world.leader, grounds=[], major_case=False)
    assert info.value.code == "reason_required"
    # the API: a head removes it with a reason, and the timeline keeps both versions
    client.force_login(world.leader)
    response = client.post(
        f"/api/v1/cases/{pc.case_id}/actions/penalty_review_grounds",
        {"grounds": [], "reason": "经复核不属于疑难复杂案件"},
        content_type="application/json",
    )
    assert response.status_code == 200
    pc.refresh_from_db()
    assert pc.legal_review_grounds == []
    notes = list(pc.case.events.filter(name="review_grounds").values_list("data", flat=True))
    assert notes[-1]["before"]["grounds"] == ["complex"] and notes[-1]["after"]["grounds"] == []


def test_statement_and_hearing_waiver_through_the_api(world, client):
    pc = file_case(world, party_name="钱某")
    client.force_login(world.o1)
    url = f"/api/v1/cases/{pc.case_id}/actions/penalty_statement"
    assert client.post(url, {"statement": "x"}, content_type="application/json").json()["code"] == "action_not_offered"
    notify(world, pc, types=["fine"], fine=3000)
    response = client.post(
        url, {"statement": "我不认可", "review": "复核：维持", "hearing_waived": True}, content_type="application/json"
    )
    assert response.status_code == 200
    body = client.get(f"/api/v1/enforcement/cases/{pc.pk}").json()
    assert body["defended"] is True and body["hearing_waived"] is True and body["rights_waived"] is False


def test_preservation_and_instalments_through_the_pages_and_the_api(world, client, travel):
    from township.enforcement.models import Preservation

    pc = services.penalty_case_file(
        jurisdiction=world.town,
        actor=world.o1,
        approved_by=world.leader,
        party_kind="person",
        party_name="孙某",
        party_address="东海村2组",
        act_date=D(2026, 2, 1),
        domain="city",
        investigators=[world.o1.pk, world.o2.pk],
    )
    client.force_login(world.o1)
    url = act_url(pc, "penalty_preservation")
    response = client.post(
        url,
        {
            "goods": "彩钢板20张",
            "started_on": "2026-03-02",
            "officers": [world.o1.pk, world.o2.pk],
            "approved_by": world.leader.pk,
        },
    )
    assert response.status_code == 302
    p = Preservation.objects.get(penalty_case=pc)
    decide = client.get(reverse("enforcement:case-detail", args=[pc.pk])).content.decode()
    assert "彩钢板20张" in decide
    refused = client.post(
        act_url(pc, "penalty_preservation_decide"),
        {"preservation": p.pk, "outcome": "confiscate", "decided_on": "2026-03-20"},
        follow=True,
    )
    assert "第五十六条" in refused.content.decode()
    p.refresh_from_db()
    assert p.outcome == "pending"
    api = client.post(
        f"/api/v1/cases/{pc.case_id}/actions/penalty_preservation_decide",
        {"preservation": p.pk, "outcome": "release", "decided_on": "2026-03-20"},
        content_type="application/json",
    )
    assert api.status_code == 200
    p.refresh_from_db()
    assert p.outcome == "release"
    second = client.post(
        f"/api/v1/cases/{pc.case_id}/actions/penalty_preservation",
        {"goods": "发电机1台", "started_on": "2026-03-02", "approved_by": world.o2.pk, "officers": [world.o1.pk]},
        content_type="application/json",
    )
    # o2 is not a head: the form lists only the unit's heads as approvers
    assert second.status_code == 422 and second.json()["field"] == "approved_by"
    with pytest.raises(TransitionRefused) as info:  # and the service refuses a non-head whatever calls it
        services.preservation_start(
            penalty_case=pc,
            goods="发电机1台",
            started_on=D(2026, 3, 2),
            officers=[world.o1.pk, world.o2.pk],
            approved_by=world.o2,
            actor=world.o1,
        )
    assert info.value.code == "preservation_approver"

    # instalments: decided and served fine, then the head's approval through the form
    notify(world, pc, types=["fine"], fine=1000)
    decide_waived(world, pc, types=["fine"], fine=1000)
    services.penalty_serve(penalty_case=pc, actor=world.o1, mode="direct", sent_on=D(2026, 3, 2))
    response = client.post(
        act_url(pc, "penalty_instalment"),
        {"until": "2026-04-30", "instalments": 2, "reason": "经济困难", "approved_by": world.leader.pk},
    )
    assert response.status_code == 302
    pc.refresh_from_db()
    assert pc.instalments["until"] == "2026-04-30" and pc.instalments["count"] == 2

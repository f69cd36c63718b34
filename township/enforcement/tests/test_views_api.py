"""Staff pages and API: lists without N+1, tenancy (another town sees nothing), public disclosure page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from township.enforcement import services
from township.enforcement.models import Domain

D = dt.date


def _file(world, name="王五"):
    return services.penalty_case_file(
        jurisdiction=world.town,
        actor=world.o1,
        approved_by=world.leader,
        party_kind="person",
        party_name=name,
        act_date=D(2026, 2, 1),
        domain=Domain.CITY,
        investigators=[world.o1.pk, world.o2.pk],
        village=world.village,
        facts="违法搭建",
    )


@pytest.fixture
def cases(world):
    return [_file(world, f"当事人{i}") for i in range(5)]


def test_case_list_page_shows_cases_with_warning_colours(world, cases, client, django_assert_max_num_queries):
    client.force_login(world.o1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enforcement:case-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "当事人4" in body and 'class="tag normal"' in body


def test_case_list_query_count_does_not_grow_with_rows(world, cases, client, django_assert_max_num_queries):
    client.force_login(world.o1)
    client.get(reverse("enforcement:case-list"))
    for i in range(10):
        _file(world, f"更多{i}")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("enforcement:case-list")).status_code == 200


def test_other_town_sees_no_cases_and_gets_404_on_detail(world, cases, client):
    client.force_login(world.stranger)
    body = client.get(reverse("enforcement:case-list")).content.decode()
    assert "当事人0" not in body
    assert client.get(reverse("enforcement:case-detail", args=[cases[0].pk])).status_code == 404
    assert client.get(f"/api/v1/enforcement/cases/{cases[0].pk}").status_code == 404
    assert client.get("/api/v1/enforcement/cases").json()["items"] == []


def test_case_detail_shows_timeline_and_generates_document(world, cases, client):
    client.force_login(world.o1)
    url = reverse("enforcement:case-detail", args=[cases[0].pk])
    body = client.get(url).content.decode()
    assert cases[0].case.number in body and "已立案" in body
    generate = reverse("case-action", args=[cases[0].case_id, "penalty_document"])
    assert generate in body and "立案审批表" in body  # 生成文书 is an action of the case's panel
    response = client.post(generate, {"kind": "filing_approval", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    doc = cases[0].documents.get()
    pdf = client.get(reverse("enforcement:document-download", args=[cases[0].pk, doc.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_api_lists_cases_with_keyset_pages(world, cases, client, django_assert_max_num_queries):
    client.force_login(world.o1)
    with django_assert_max_num_queries(10):
        first = client.get("/api/v1/enforcement/cases?limit=3").json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = client.get(f"/api/v1/enforcement/cases?limit=3&cursor={first['next_cursor']}").json()
    assert len(second["items"]) == 2
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})


def _filing(world, **changes):
    return {
        "jurisdiction": "500116108",
        "approved_by": world.leader.pk,
        "party_kind": "person",
        "party_name": "某人",
        "act_date": "2026-02-01",
        "domain": "city",
        "investigators": [world.o1.pk, world.o2.pk],
        **changes,
    }


def test_api_refusal_is_a_chinese_error(world, client):
    client.force_login(world.o1)
    response = client.post(
        "/api/v1/enforcement/cases", _filing(world, act_date="2023-01-01"), content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "limitation_expired"
    assert "第三十六条" in response.json()["message"]


def test_api_clue_create_and_reject(world, client):
    client.force_login(world.o1)
    created = client.post(
        "/api/v1/enforcement/clues",
        {"jurisdiction": "500116108", "source": "complaint", "summary": "夜间施工噪音"},
        content_type="application/json",
    )
    assert created.status_code == 201
    clue_id = created.json()["id"]
    rejected = client.post(
        f"/api/v1/enforcement/clues/{clue_id}/reject", {"reason": "不属于本机关管辖"}, content_type="application/json"
    )
    assert rejected.json()["decision"] == "not_filed"
    client.force_login(world.stranger)
    assert client.get("/api/v1/enforcement/clues").json() == []


def test_clue_and_plan_pages(world, client, django_assert_max_num_queries):
    for i in range(3):
        services.clue_create(jurisdiction=world.town, source="complaint", summary=f"投诉{i}", actor=world.o1)
    client.force_login(world.o1)
    with django_assert_max_num_queries(10):
        body = client.get(reverse("enforcement:clue-list")).content.decode()
    assert "投诉2" in body
    assert client.get(reverse("enforcement:plan-list")).status_code == 200


def test_public_page_and_api_show_only_masked_published_decisions(world, client):
    from township.enforcement.disclosure import disclosure_prepare, disclosure_publish

    pc = _file(world, "张三丰")
    pc.decision = {"penalty_types": ["警告"], "fine": "0", "date": "2026-03-02", "facts": "张三丰违法搭建"}
    pc.decision_number = pc.case.number
    pc.save()
    disclosure_publish(disclosure=disclosure_prepare(penalty_case=pc), actor=world.o1)
    body = client.get(reverse("enforcement:public-info", args=["500116108"])).content.decode()
    assert "张**" in body and "张三丰" not in body
    data = client.get("/api/v1/enforcement/public/500116108/disclosures").json()
    assert data[0]["party"] == "张**" and data[0]["address"] == "东海村"


def test_team_page_lists_brigades_and_credentials_without_n_plus_one(world, client, django_assert_max_num_queries):
    client.force_login(world.o1)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("enforcement:team-list")).content.decode()
    assert "第一综合执法中队" in body and "东海村" in body and "渝执-5001-0003" in body
    client.force_login(world.stranger)
    assert "第一综合执法中队" not in client.get(reverse("enforcement:team-list")).content.decode()


def test_api_filing_with_an_approver_from_another_town_is_refused(world, client):
    client.force_login(world.o1)
    # world.stranger heads 龙华镇, not 白沙镇
    response = client.post(
        "/api/v1/enforcement/cases", _filing(world, approved_by=world.stranger.pk), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "user_not_found" and response.json()["field"] == "approved_by"
    assert "本单位" in response.json()["message"]


def test_summary_procedure_through_the_api(world, client):
    client.force_login(world.o1)
    payload = {
        "jurisdiction": "500116108",
        "party_kind": "person",
        "party_name": "冯某",
        "types": ["fine"],
        "fine": "50",
        "domain": "city",
        "facts": "乱扔垃圾",
        "basis": "《重庆市市容环境卫生管理条例》",
        "place": "白沙镇正街",
        "officers": [world.o1.pk, world.o2.pk],
        "evidence_names": ["现场照片"],
    }
    untold = client.post("/api/v1/enforcement/summary", payload, content_type="application/json")
    assert untold.status_code == 409 and untold.json()["code"] == "summary_rights_not_told"
    created = client.post(
        "/api/v1/enforcement/summary", {**payload, "rights_told": True}, content_type="application/json"
    )
    assert created.status_code == 201
    # the steps are the case's actions, found from its engine case id
    steps = f"/api/v1/cases/{created.json()['case_id']}/actions"
    assert [a["name"] for a in client.get(steps).json()] == [
        "summary_collect",
        "summary_pay",
        "summary_record",
        "summary_remedy",
    ]
    no_receipt = client.post(f"{steps}/summary_collect", {"receipt_number": " "}, content_type="application/json")
    assert no_receipt.status_code == 422 and no_receipt.json()["field"] == "receipt_number"
    collected = client.post(f"{steps}/summary_collect", {"receipt_number": "No.9"}, content_type="application/json")
    assert collected.json()["case"]["state"] == "paid"
    handed = client.post(
        f"{steps}/summary_hand_over", {"handed_over_on": "2026-03-02"}, content_type="application/json"
    )
    assert handed.status_code == 200
    assert client.post(f"{steps}/summary_record").json()["case"]["state"] == "recorded"


def test_the_engines_link_to_a_penalty_case_opens_the_enforcement_case_page(world, cases, client):
    """我的待办 and the generic case page link to a penalty case through the case type's page."""
    from township.cases.types import case_type_for

    pc = cases[0]
    url = reverse(case_type_for(pc.case.case_type).page, args=[pc.case_id])  # what 我的待办 links to
    assert url == reverse("enforcement:case-by-case", args=[pc.case_id])
    client.force_login(world.o1)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("enforcement:case-detail", args=[pc.pk])
    client.force_login(world.stranger)
    assert client.get(url).status_code == 404


def test_the_generic_case_page_offers_the_same_steps(world, cases, client):
    pc = cases[0]
    client.force_login(world.reviewer)
    response = client.get(reverse("case-detail", args=[pc.case_id]), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("case-action", args=[pc.case_id, "penalty_decide"]) not in body  # never the reviewer's
    client.force_login(world.leader)
    body = client.get(reverse("case-detail", args=[pc.case_id]), follow=True).content.decode()
    assert reverse("case-action", args=[pc.case_id, "penalty_drop"]) in body

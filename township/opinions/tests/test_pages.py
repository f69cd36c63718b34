"""Staff pages and API: list (filters, search, pages, Excel), the case page, intake, statistics; another town's
staff see nothing of ours (404)."""

from __future__ import annotations

import io

import pytest

from township.opinions import services

pytestmark = pytest.mark.django_db


def test_list_filters_export_and_stats(client, collect, dispatcher_a):
    a = collect(category="safety", title="护栏松动")
    collect(category="policy", title="医保政策咨询")
    services.opinion_answer(opinion=a, actor=dispatcher_a, reply="已修复")
    client.force_login(dispatcher_a)
    page = client.get("/opinions/").content.decode()
    assert "护栏松动" in page and "医保政策咨询" in page
    page = client.get("/opinions/?category=policy").content.decode()
    assert "护栏松动" not in page and "医保政策咨询" in page
    page = client.get("/opinions/?q=护栏&state=answered").content.decode()
    assert "护栏松动" in page and "医保政策咨询" not in page
    r = client.get("/opinions/export.xlsx?category=safety")
    assert r.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 2 and rows[1][1] == "护栏松动"
    assert "13812345678" not in str(rows) and "138****5678" in str(rows)
    stats = client.get("/opinions/stats/").content.decode()
    assert "安全隐患" in stats and "石门村" in stats


def test_case_page_and_actions_panel(client, collect, dispatcher_a):
    o = collect()
    client.force_login(dispatcher_a)
    page = client.get(f"/opinions/cases/{o.case_id}/").content.decode()
    assert "研判分类" in page and "转为网格事件" in page and "138****5678" in page and "13812345678" not in page
    r = client.post(f"/cases/{o.case_id}/actions/opinion_classify/", {"category": "livelihood", "note": ""})
    assert r.status_code == 302
    o.refresh_from_db()
    assert o.category == "livelihood" and o.case.state == "assessed"


def test_staff_intake_form(client, agent_a, village_a):
    client.force_login(agent_a)
    page = client.get("/opinions/collect/")
    assert page.status_code == 200
    # the agent's one village is chosen already
    assert page.context["form"]["village"].value() == village_a.code
    r = client.post(
        "/opinions/collect/",
        {"village": village_a.code, "channel": "village_agent", "kind": "report", "content": "水渠堵塞", "title": ""},
    )
    assert r.status_code == 302
    from township.opinions.models import Opinion

    o = Opinion.objects.get()
    assert (o.collector_id, o.title, o.channel) == (agent_a.pk, "水渠堵塞", "village_agent")


def test_other_town_sees_nothing(client, collect, leader_b, clerk_b):
    o = collect()
    for user in (leader_b, clerk_b):
        client.force_login(user)
        assert client.get(f"/opinions/cases/{o.case_id}/").status_code == 404
        assert o.title not in client.get("/opinions/").content.decode()
        assert client.get(f"/api/v1/opinions/items/{o.pk}").status_code == 404
        assert client.get("/api/v1/opinions/items").json()["count"] == 0
        assert client.get(f"/api/v1/cases/{o.case_id}/actions").status_code == 404
        r = client.post(
            f"/api/v1/cases/{o.case_id}/actions/opinion_answer", {"reply": "x"}, content_type="application/json"
        )
        assert r.status_code == 404
        export = client.get("/opinions/export.xlsx")
        assert o.title.encode() not in b"".join(export.streaming_content)


def test_other_town_cannot_collect_in_our_village(client, village_a, town_b, make_user):
    from township.org.models import Role

    agent_b = make_user((town_b, Role.VILLAGE_AGENT), username="op_agent_b")
    client.force_login(agent_b)
    r = client.post(
        "/api/v1/opinions/items",
        {"village": village_a.code, "channel": "village_agent", "content": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["code"] == "opinion_collect_out_of_scope"


def test_api_list_detail_create_and_action(client, agent_a, dispatcher_a, village_a):
    client.force_login(agent_a)
    r = client.post(
        "/api/v1/opinions/items",
        {
            "village": village_a.code,
            "channel": "village_agent",
            "content": "路面坑洼",
            "category": "livelihood",
            "reporter_name": "赵六",
            "reporter_phone": "13600002222",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    item = r.json()
    assert item["reporter_phone"] == "136****2222" and item["reporter"] == "赵*"
    client.force_login(dispatcher_a)
    assert client.get("/api/v1/opinions/items?category=livelihood").json()["count"] == 1
    assert client.get(f"/api/v1/opinions/items/{item['id']}").json()["number"] == item["number"]
    r = client.post(
        f"/api/v1/cases/{item['case_id']}/actions/opinion_answer",
        {"reply": "已安排修补"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert client.get(f"/api/v1/opinions/items/{item['id']}").json()["state"] == "answered"
    r = client.post(
        f"/api/v1/cases/{item['case_id']}/actions/opinion_archive", {"outcome": "x"}, content_type="application/json"
    )
    assert r.status_code in (404, 409, 422)


def test_stats_count_every_opinion_of_an_outcome(collect, dispatcher_a):
    """The grouped counts ignore the list's ordering (under it each row would be its own group, counted once)."""
    from township.opinions.selectors import opinion_stats

    for title in ("路灯一", "路灯二", "路灯三"):
        services.opinion_answer(opinion=collect(title=title, category="safety"), actor=dispatcher_a, reply="已修复")
    collect(title="未办")
    st = opinion_stats(actor=dispatcher_a)
    assert (st.total, st.answered, st.open) == (4, 3, 1)

"""Pages and API: registration, the list with filters, the actions through the engine, documents, intake."""

from __future__ import annotations

import pytest
from django.utils import timezone

from township.cases.services import case_forward, case_open
from township.cases.types import Intake
from township.petitions.models import Petition

pytestmark = pytest.mark.django_db

J = "application/json"


def test_register_page_with_several_petitioners(client, officer, town_a):
    client.force_login(officer)
    assert client.get("/petitions/register/").status_code == 200
    resp = client.post(
        "/petitions/register/",
        {
            "unit": town_a.pk,
            "channel": "letter",
            "source": "direct",
            "category": "suggestion",
            "title": "建议增设公交站点",
            "p1_name": "甲某",
            "p1_phone": "13811112222",
            "p2_name": "乙某",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    p = Petition.objects.get(title="建议增设公交站点")
    assert [x.name for x in p.petitioners.all()] == ["甲某", "乙某"]
    assert p.petitioners.first().phone == "13811112222"  # decrypted on read, encrypted at rest


def test_register_page_refuses_bad_input(client, officer, town_a):
    client.force_login(officer)
    resp = client.post(
        "/petitions/register/",
        {"unit": town_a.pk, "channel": "letter", "category": "claim", "source": "direct", "title": "无信访人"},
    )
    assert resp.status_code == 200 and "信访人" in resp.content.decode()


def test_list_filters_and_search(client, register, officer):
    register(title="道路破损")
    register(title="噪音扰民", channel="phone")
    client.force_login(officer)
    page = client.get("/petitions/", {"q": "噪音"}).content.decode()
    assert "噪音扰民" in page and "道路破损" not in page
    page = client.get("/petitions/", {"channel": "visit"}).content.decode()
    assert "道路破损" in page and "噪音扰民" not in page
    assert "搜索" in page and "重置" in page


def test_api_register_and_steps_to_conclusion(client, officer, town_a):
    client.force_login(officer)
    resp = client.post(
        "/api/v1/petitions/items",
        {
            "jurisdiction": town_a.pk,
            "channel": "online",
            "category": "claim",
            "title": "拖欠工资",
            "petitioners": [{"name": "赵工", "phone": "13700001111"}],
        },
        content_type=J,
    )
    assert resp.status_code == 201, resp.content
    data = resp.json()
    case = data["case_id"]
    r = client.post(f"/api/v1/cases/{case}/actions/petition_accept", {"note": ""}, content_type=J)
    assert r.status_code in (200, 201), r.content
    r = client.post(f"/api/v1/cases/{case}/actions/petition_conclude", {"note": ""}, content_type=J)
    assert r.status_code == 409 and r.json()["code"] == "opinion_not_delivered"
    r = client.post(
        f"/api/v1/cases/{case}/actions/petition_opinion",
        {
            "outcome": "support",
            "facts": "查明属实",
            "decision": "督促企业支付",
            "basis": "《保障农民工工资支付条例》第3条",
        },
        content_type=J,
    )
    assert r.status_code in (200, 201), r.content
    r = client.post(
        f"/api/v1/cases/{case}/actions/petition_deliver",
        {"delivered_on": timezone.localdate().isoformat(), "method": "直接送达"},
        content_type=J,
    )
    assert r.status_code in (200, 201), r.content
    r = client.post(f"/api/v1/cases/{case}/actions/petition_conclude", {"note": ""}, content_type=J)
    assert r.status_code in (200, 201), r.content
    detail = client.get(f"/api/v1/petitions/items/{data['id']}").json()
    assert detail["state"] == "concluded"
    kinds = [d["kind"] for d in detail["documents"]]
    assert kinds == ["accept", "opinion"]
    pdf = client.get(detail["documents"][1]["pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    verify = client.get(f"/verify/doc/{detail['documents'][1]['verification_code']}")
    assert verify.status_code == 200


def test_api_register_errors_are_4xx(client, officer, town_a):
    client.force_login(officer)
    r = client.post(
        "/api/v1/petitions/items",
        {"jurisdiction": town_a.pk, "channel": "x", "category": "claim", "title": "t"},
        content_type=J,
    )
    assert r.status_code == 400 and r.json()["code"] == "channel_invalid"
    r = client.post(
        "/api/v1/petitions/items",
        {"jurisdiction": town_a.pk, "channel": "visit", "category": "accusation", "title": "t", "anonymous": True},
        content_type=J,
    )
    assert r.status_code == 400 and r.json()["code"] == "accused_required"


def test_detail_page_shows_actions_and_links(client, register, officer):
    p = register()
    client.force_login(officer)
    page = client.get(f"/petitions/{p.pk}/").content.decode()
    assert "受理并出具受理告知书" in page and "138****5678" in page and ">normal<" not in page


def test_intake_from_another_case_type(officer, town_a, make_user):
    from township.org.models import Role

    operator = make_user((town_a, Role.HOTLINE_OPERATOR), username="op")
    origin = case_open(case_type="petition", jurisdiction=town_a, actor=officer, title="origin")
    # any registered case type can be the origin; the intake creates a 信访 item and links both
    created = case_forward(
        intake=Intake(
            origin=origin,
            actor=operator,
            title="12345转信访：征地补偿",
            person_name="钱某",
            person_phone="13600001111",
            extra={"category": "claim"},
        ),
        case_type="petition",
    )
    p = Petition.objects.get(case=created)
    assert p.channel == "forwarded" and p.petitioners.get().name == "钱某"
    from township.cases.models import CaseLink

    assert CaseLink.objects.filter(source=origin, target=created, kind="forwarded").exists()


def test_public_track_by_code(client, register, officer):
    from township.petitions import services

    p = register()
    services.petition_accept(petition=p, actor=officer)
    page = client.get("/petitions/track/", {"code": p.follow_code}).content.decode()
    assert "已受理" in page and "13812345678" not in page

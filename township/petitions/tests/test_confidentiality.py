"""Rule 5 (Art 30, 46): 检举揭发 material never reaches the accused person or unit (pages, API, export, links
panel, the engine's case page); recused staff neither see nor act; every access is logged and shown to the head."""

from __future__ import annotations

import io

import pytest

from township.cases.models import LinkKind
from township.cases.services import case_link
from township.petitions import services
from township.petitions.models import AccessLog, Category

pytestmark = pytest.mark.django_db

J = "application/json"


@pytest.fixture
def accusation(register, planning, planner):
    return register(
        category=Category.ACCUSATION,
        title="检举规建局工作人员违规收费",
        accused_name="规划建设管理局某工作人员",
        accused_department=planning.pk,
        accused_user=planner.pk,
        petitioners=[{"name": "王检举", "phone": "13900001111"}],
    )


def test_accused_unit_never_sees_the_item(client, accusation, planner, officer):
    client.force_login(planner)
    assert client.get(f"/petitions/{accusation.pk}/").status_code == 404
    assert client.get(f"/petitions/case/{accusation.case_id}/").status_code == 404
    assert client.get(f"/cases/{accusation.case_id}/").status_code == 404
    assert client.get(f"/api/v1/cases/{accusation.case_id}").status_code == 404
    assert client.get(f"/api/v1/petitions/items/{accusation.pk}").status_code == 404
    assert client.get(f"/api/v1/petitions/items/{accusation.pk}/documents").status_code == 404
    assert accusation.case.number not in client.get("/petitions/").content.decode()
    assert client.get("/api/v1/petitions/items").json()["items"] == []
    assert (
        client.post(f"/api/v1/cases/{accusation.case_id}/actions/petition_accept", "{}", content_type=J).status_code
        == 404
    )
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get("/petitions/export.xlsx").content))
    cells = [c for row in wb.active.iter_rows(values_only=True) for c in row]
    assert "王检举" not in str(cells) and "王*" not in str(cells)
    # the officer (another unit) sees it
    client.force_login(officer)
    assert client.get(f"/petitions/{accusation.pk}/").status_code == 200


def test_the_links_panel_keeps_the_accusation_opaque(client, accusation, register, officer, planner):
    other = register(title="规划许可咨询")
    case_link(source=other.case, target=accusation.case, kind=LinkKind.RELATED, actor=officer)
    client.force_login(planner)
    page = client.get(f"/petitions/{other.pk}/").content.decode()
    assert accusation.case.number not in page and accusation.title not in page
    links = client.get(f"/api/v1/cases/{other.case_id}/links").content.decode()
    assert accusation.case.number not in links and accusation.title not in links


def _colleague(petition, username: str):
    """Another 信访 officer of the petition's unit."""
    from township.org.models import Role, RoleGrant, User

    colleague = User.objects.create_user(username=username, full_name="同事")
    RoleGrant.objects.create(user=colleague, jurisdiction=petition.jurisdiction, role=Role.PETITION_OFFICER)
    return colleague


def _recuse(client, head, petition, user) -> None:
    """The head declares ``user`` recused from ``petition`` (Art 46), through the API."""
    client.force_login(head)
    resp = client.post(
        f"/api/v1/cases/{petition.case_id}/actions/petition_recuse",
        {"user": user.pk, "reason": "信访人系其近亲属"},
        content_type=J,
    )
    assert resp.status_code in (200, 201), resp.content


def test_recused_user_sees_nothing_and_acts_on_nothing(client, register, officer, head):
    p = register()
    other = register(title="其他事项")
    colleague = _colleague(p, "col")
    _recuse(client, head, p, colleague)
    client.force_login(colleague)
    assert client.get(f"/petitions/{p.pk}/").status_code == 404
    assert client.get(f"/api/v1/petitions/items/{p.pk}").status_code == 404
    assert client.post(f"/api/v1/cases/{p.case_id}/actions/petition_accept", "{}", content_type=J).status_code == 404
    assert client.get(f"/petitions/{other.pk}/").status_code == 200


def test_every_access_is_logged_and_shown_to_the_head_only(client, register, officer, head):
    p = register()
    services.petition_accept(petition=p, actor=officer)
    client.force_login(officer)
    client.get(f"/petitions/{p.pk}/")
    assert client.get(f"/api/v1/petitions/items/{p.pk}").status_code == 200
    doc = p.documents.first()
    pdf = client.get(f"/petitions/{p.pk}/documents/{doc.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.get("/petitions/export.xlsx")
    kinds = sorted(AccessLog.objects.filter(petition=p, user=officer).values_list("kind", flat=True))
    assert kinds == ["api", "document", "export", "view"]
    assert client.get("/petitions/access-log/").status_code == 404
    assert client.get("/api/v1/petitions/access-log").status_code == 403
    client.force_login(head)
    page = client.get(f"/petitions/{p.pk}/access-log/")
    assert page.status_code == 200 and "蒋信访" in page.content.decode()
    rows = client.get(f"/api/v1/petitions/items/{p.pk}/access-log").json()
    assert {r["kind"] for r in rows} >= {"view", "api", "document", "export"}
    client.force_login(officer)
    client.post(
        f"/api/v1/cases/{p.case_id}/actions/petition_assign",
        {"department": p.jurisdiction.departments.first().pk},
        content_type=J,
    )
    assert AccessLog.objects.filter(petition=p, user=officer, kind="act", detail="petition_assign").exists()


def test_personal_data_masked_on_pages_api_and_export(client, register, officer):
    p = register()
    client.force_login(officer)
    page = client.get(f"/petitions/{p.pk}/").content.decode()
    assert "13812345678" not in page and "138****5678" in page and "张**" in page
    data = client.get(f"/api/v1/petitions/items/{p.pk}").json()
    assert data["petitioners"][0]["phone"] == "138****5678"
    assert data["petitioners"][0]["resident_id"].startswith("500116") and "*" in data["petitioners"][0]["resident_id"]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get("/petitions/export.xlsx").content))
    text = str([c for row in wb.active.iter_rows(values_only=True) for c in row])
    assert "13812345678" not in text and "138****5678" in text and "张大山" not in text


def test_other_town_gets_404(client, register, officer_b):
    p = register()
    client.force_login(officer_b)
    assert client.get(f"/petitions/{p.pk}/").status_code == 404
    assert client.get(f"/api/v1/petitions/items/{p.pk}").status_code == 404
    assert client.get("/api/v1/petitions/items").json()["items"] == []


def test_the_kept_workbench_statement_hides_what_a_recusal_hides(client, register, head):
    """我的待办's first page is kept per key of its inputs (the actor's id and departments for 信访): a recusal
    declared after it was compiled hides the item at once, through the same statement."""
    from township.cases import selectors as cases
    from township.core import kept
    from township.org import scoping

    p = register()
    other = register(title="其他事项")
    colleague = _colleague(p, "col2")
    kept.clear_all()
    assert {p.case_id, other.case_id} <= {c.pk for c in cases.workbench_list(actor=colleague).items}
    _recuse(client, head, p, colleague)
    scoping.clear_cache(colleague)
    listed = {c.pk for c in cases.workbench_list(actor=colleague).items}
    assert p.case_id not in listed and other.case_id in listed
    assert len(cases._FIRST_PAGES) == 1  # the same key, the same kept statement

"""Keeping party data in the app (issue 15): 新增党组织, 编辑 with a reason recorded in the operation log, 关联党员 and
结束关联 through the pages (dialog forms) and PATCH /api/v1/party/orgs/{id}; only the town's leaders see the buttons."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from township.core.errors import DomainError, PermissionRefused
from township.party import services
from township.party.models import MemberLink, PartyOrg

pytestmark = pytest.mark.django_db


def _log(org: PartyOrg) -> list[Any]:
    from django.apps import apps

    OperationLog = apps.get_model("audit", "OperationLog")  # noqa: N806 - by name: party does not import audit
    ct = ContentType.objects.get_for_model(PartyOrg)
    return list(OperationLog.objects.filter(content_type=ct, object_id=str(org.pk), action="update").order_by("id"))


def test_update_records_before_after_and_reason(branch, leader_a, volunteer_a, dispatcher_a, grid_a):
    with pytest.raises(DomainError) as exc:
        services.org_update(actor=leader_a, org=branch, reason=" ", name="石门村党总支")
    assert exc.value.field == "reason"
    with pytest.raises(PermissionRefused):
        services.org_update(actor=dispatcher_a, org=branch, reason="换届", name="x")
    with pytest.raises(DomainError) as exc:
        services.org_update(actor=leader_a, org=branch, reason="换届", parent=branch)
    assert exc.value.field == "parent"
    with pytest.raises(DomainError) as exc:
        services.org_update(actor=leader_a, org=branch, reason="换届", name="石门村党支部")
    assert exc.value.code == "unchanged"
    services.org_update(
        actor=leader_a, org=branch, reason="2024年换届", kind="general_branch", secretary=volunteer_a, term_years=5
    )
    branch.refresh_from_db()
    assert branch.kind == "general_branch" and branch.secretary_id == volunteer_a.pk
    [row] = _log(branch)
    assert row.changes["kind"] == ["branch", "general_branch"]
    assert row.changes["secretary"] == [None, volunteer_a.pk]
    assert row.changes["correction_reason"] == ["", "2024年换届"] and "term_years" not in row.changes
    services.org_update(actor=leader_a, org=branch, reason="2024年换届", lon=106.06, lat=29.04)
    assert _log(branch)[-1].changes["correction_reason"] == ["2024年换届", "2024年换届"]  # named again
    with pytest.raises(DomainError) as exc:
        services.org_update(actor=leader_a, org=branch, reason="x", lon=1.0, lat=2.0)
    assert exc.value.field == "lon"


def test_patch_api(client, branch, leader_a, leader_b, dispatcher_a, grid_a):
    url = f"/api/v1/party/orgs/{branch.pk}"
    client.force_login(leader_a)
    r = client.patch(url, {"name": "石门村党总支", "kind": "general_branch"}, content_type="application/json")
    assert r.status_code == 422  # reason missing (schema)
    r = client.patch(url, {"reason": "", "name": "石门村党总支"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = client.patch(url, {"reason": "更名", "kind": "bogus"}, content_type="application/json")
    assert r.status_code == 422 and r.json() == {"code": "kind_invalid", "message": "组织类型无效", "field": "kind"}
    for bad, field in (
        ({"grid": "99999"}, "grid"),
        ({"parent": 999999}, "parent"),
        ({"village": "110101001001"}, "village"),
        ({"secretary": 999999}, "secretary"),
        ({"name": None}, "name"),
        ({"term_years": 40}, "term_years"),
        ({"lon": 500.0, "lat": 29.0}, "lon"),
    ):
        r = client.patch(url, {"reason": "x", **bad}, content_type="application/json")
        assert 400 <= r.status_code < 500 and r.json()["field"] == field, (bad, r.content)
    r = client.patch(url, {"reason": "更名", "name": "石门村党总支", "active": False}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["name"] == "石门村党总支"
    assert PartyOrg.objects.get(pk=branch.pk).active is False
    client.force_login(dispatcher_a)
    assert client.patch(url, {"reason": "x", "name": "y"}, content_type="application/json").status_code == 403
    client.force_login(leader_b)
    assert client.patch(url, {"reason": "x", "name": "y"}, content_type="application/json").status_code == 404


def test_pages_add_edit_link_and_end(client, town_a, village_a, grid_a, branch, leader_a, volunteer_a):
    client.force_login(leader_a)
    listing = client.get("/party/").content.decode()
    assert 'id="party-add"' in listing and 'data-dialog="#party-form"' in listing
    form = client.get("/party/add/").content.decode()
    assert 'id="party-form"' in form and "data-search" in form and grid_a.code in form and "王志愿" in form
    assert f'name="jurisdiction" value="{town_a.code}"' in form  # the town, when the leader keeps only one
    bad = client.post("/party/add/", {"jurisdiction": town_a.code, "code": "SM01", "name": "重复", "kind": "branch"})
    assert bad.status_code == 422 and "组织编码已存在" in bad.content.decode()
    r = client.post(
        "/party/add/",
        {
            "jurisdiction": town_a.code,
            "code": "SM02",
            "name": "石门村第二党小组",
            "kind": "group",
            "parent": branch.pk,
            "village": village_a.code,
            "grid": grid_a.code,
            "secretary": volunteer_a.pk,
        },
    )
    assert r.status_code == 302
    new = PartyOrg.objects.get(code="SM02")
    assert new.parent_id == branch.pk and new.grid_id == grid_a.pk and new.secretary_id == volunteer_a.pk

    page = client.get(f"/party/{branch.pk}/").content.decode()
    assert 'id="party-edit"' in page and 'id="party-member-add"' in page and "结束关联" in page
    edit = client.get(f"/party/{branch.pk}/edit/").content.decode()
    assert 'value="石门村党支部"' in edit and "更正理由" in edit
    r = client.post(f"/party/{branch.pk}/edit/", {**_edit_data(branch), "name": "石门村党总支", "reason": ""})
    assert r.status_code == 422 and "errorlist" in r.content.decode()
    r = client.post(f"/party/{branch.pk}/edit/", {**_edit_data(branch), "name": "石门村党总支", "reason": "更名"})
    assert r.status_code == 302
    [row] = _log(branch)
    assert row.changes == {"name": ["石门村党支部", "石门村党总支"], "correction_reason": ["", "更名"]}

    r = client.post(f"/party/{branch.pk}/members/add/", {"role": "linked", "grid": grid_a.code})
    assert r.status_code == 422 and "请选择人员" in r.content.decode()
    r = client.post(f"/party/{branch.pk}/members/add/", {"role": "linked", "subject": "123"})
    assert r.status_code == 422  # a malformed resident ID is shown beside its field
    r = client.post(f"/party/{branch.pk}/members/add/", {"role": "linked", "user": leader_a.pk, "grid": grid_a.code})
    assert r.status_code == 302
    link = MemberLink.objects.get(org=branch, role="linked")
    r = client.post(f"/party/{branch.pk}/members/{link.pk}/end/")
    assert r.status_code == 302
    link.refresh_from_db()
    assert link.active_to is not None


def _edit_data(org: PartyOrg) -> dict[str, object]:
    return {
        "name": org.name,
        "kind": org.kind,
        "village": org.village_id or "",
        "grid": org.grid.code if org.grid_id else "",
        "secretary_name": org.secretary_name,
        "term_start": org.term_start.isoformat() if org.term_start else "",
        "term_years": org.term_years,
        "lon": org.lon if org.lon is not None else "",
        "lat": org.lat if org.lat is not None else "",
        "active": "on" if org.active else "",
    }


def test_buttons_and_forms_only_for_leaders(client, branch, dispatcher_a, leader_b):
    client.force_login(dispatcher_a)
    assert 'id="party-add"' not in client.get("/party/").content.decode()
    page = client.get(f"/party/{branch.pk}/").content.decode()
    assert 'id="party-edit"' not in page and "结束关联" not in page
    assert client.get("/party/add/").status_code == 403
    assert client.get(f"/party/{branch.pk}/edit/").status_code == 403
    assert client.get(f"/party/{branch.pk}/members/add/").status_code == 403
    link = MemberLink.objects.get(org=branch)
    assert client.post(f"/party/{branch.pk}/members/{link.pk}/end/").status_code == 403
    client.force_login(leader_b)
    assert client.get(f"/party/{branch.pk}/edit/").status_code == 404
    assert client.post(f"/party/{branch.pk}/members/{link.pk}/end/").status_code == 404
    link.refresh_from_db()
    assert link.active_to is None

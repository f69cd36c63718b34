"""Party data is need-to-know (DOMAIN2 §7): leaders of the town see it in full, the command center and the grid force
masked, other roles get 403, another town 404 / nothing; ratings are corrected, never overwritten."""

from __future__ import annotations

import pytest

from township.core.errors import DomainError, PermissionRefused
from township.party import selectors, services
from township.party.models import MemberLink, Rating

pytestmark = pytest.mark.django_db


def test_no_second_member_register():
    """The link stores no political detail: no join date, status, dues or ID number columns."""
    fields = {f.name for f in MemberLink._meta.get_fields()}
    assert not fields & {"joined_at", "join_date", "status", "dues", "resident_id", "birth_date", "phone"}
    assert {"user", "subject"} <= fields  # people are the ones the platform already knows


def test_full_view_for_leader(client, branch, leader_a):
    client.force_login(leader_a)
    body = client.get(f"/api/v1/party/orgs/{branch.pk}").json()
    assert body["secretary"] == "张建国" and body["masked"] is False
    assert body["members"][0]["name"] == "王志愿" and body["members"][0]["household_address"] == "石门村3组8号"
    geo = client.get("/api/v1/party/geojson").json()["features"]
    assert {f["properties"]["kind"] for f in geo} == {"org", "member"}
    page = client.get(f"/party/{branch.pk}/").content.decode()
    assert "张建国" in page and "石门村3组8号" in page


def test_masked_for_dispatcher(client, branch, dispatcher_a):
    client.force_login(dispatcher_a)
    body = client.get(f"/api/v1/party/orgs/{branch.pk}").json()
    assert body["secretary"] == "张**" and body["masked"] is True
    assert body["members"] == [] and body["member_count"] == 1
    geo = client.get("/api/v1/party/geojson").json()["features"]
    assert [f["properties"]["kind"] for f in geo] == ["org"]
    assert geo[0]["properties"]["secretary"] == "张**"
    page = client.get(f"/party/{branch.pk}/").content.decode()
    assert "张建国" not in page and "石门村3组8号" not in page and "王志愿" not in page
    listing = client.get("/party/").content.decode()
    assert "张**" in listing and "张建国" not in listing


def test_other_roles_403_other_town_404(client, branch, clerk_a2, leader_b):
    client.force_login(clerk_a2)
    assert client.get("/party/").status_code == 403
    assert client.get(f"/party/{branch.pk}/").status_code == 403
    assert client.get("/api/v1/party/orgs").status_code == 403
    assert client.get("/api/v1/party/geojson").status_code == 403
    client.force_login(leader_b)
    assert client.get(f"/party/{branch.pk}/").status_code == 404
    assert client.get(f"/api/v1/party/orgs/{branch.pk}").status_code == 404
    assert client.get("/api/v1/party/orgs").json() == []
    assert client.get("/api/v1/party/geojson").json()["features"] == []
    r = client.post(
        f"/api/v1/party/orgs/{branch.pk}/ratings", {"year": 2025, "stars": 5}, content_type="application/json"
    )
    assert r.status_code == 404
    assert not Rating.objects.exists()


def test_rating_correction_keeps_history(client, branch, leader_a, dispatcher_a):
    r1 = services.rating_record(actor=leader_a, org=branch, year=2025, stars=4, score="86.5")
    with pytest.raises(DomainError) as exc:
        services.rating_record(actor=leader_a, org=branch, year=2025, stars=5)
    assert exc.value.code == "correction_reason_required"
    r2 = services.rating_record(actor=leader_a, org=branch, year=2025, stars=5, red_flag=True, reason="复核加分")
    r1.refresh_from_db()
    assert not r1.current and r2.current and r2.replaces_id == r1.pk
    assert Rating.objects.filter(org=branch).count() == 2
    with pytest.raises(PermissionRefused):
        services.rating_record(actor=dispatcher_a, org=branch, year=2024, stars=3)
    with pytest.raises(DomainError):
        services.rating_record(actor=leader_a, org=branch, year=2024, stars=6)
    client.force_login(dispatcher_a)  # ratings are shown to masked viewers too
    body = client.get(f"/api/v1/party/orgs/{branch.pk}").json()
    assert body["stars"] == 5 and body["red_flag"] is True
    assert [r["current"] for r in body["ratings"]] == [True, False]


def test_rating_api(client, branch, leader_a):
    client.force_login(leader_a)
    r = client.post(
        f"/api/v1/party/orgs/{branch.pk}/ratings", {"year": 2025, "stars": 3}, content_type="application/json"
    )
    assert r.status_code == 201
    r = client.post(
        f"/api/v1/party/orgs/{branch.pk}/ratings", {"year": 2025, "stars": 4}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["field"] == "reason"


def test_mask_name():
    assert services.mask_name("张三") == "张*"
    assert services.mask_name("欧阳娜娜") == "欧***"
    assert services.mask_name("") == ""


def test_list_scoped(branch, leader_a, leader_b):
    assert [o.pk for o in selectors.org_list(actor=leader_a)] == [branch.pk]
    assert list(selectors.org_list(actor=leader_b)) == []


def test_api_keeps_organisations_and_member_links(client, grid_a, leader_a, dispatcher_a, volunteer_a, leader_b):
    """The town's leaders register an organisation (a 非公企业党支部 too) and link a known person as 党员中心户 in a
    grid, and end the link (kept with its end date); nobody else may."""
    body = {
        "jurisdiction": "500116108",
        "code": "QY01",
        "name": "白沙镇某某建材有限公司党支部",
        "kind": "branch",
        "non_public": True,
        "enterprise": "某某建材有限公司",
        "grid": grid_a.code,
        "secretary_name": "李红",
    }
    client.force_login(dispatcher_a)
    r = client.post("/api/v1/party/orgs", body, content_type="application/json")
    assert r.status_code == 403
    client.force_login(leader_b)  # another town's leader
    assert client.post("/api/v1/party/orgs", body, content_type="application/json").status_code == 403
    client.force_login(leader_a)
    r = client.post("/api/v1/party/orgs", body, content_type="application/json")
    assert r.status_code == 201, r.content
    org = r.json()
    assert org["non_public"] is True and org["grid"] == grid_a.code and org["secretary"] == "李红"
    again = client.post("/api/v1/party/orgs", body, content_type="application/json")
    assert again.status_code == 422 and again.json()["code"] == "code_taken"
    bad = client.post("/api/v1/party/orgs", {**body, "code": "QY02", "grid": "99"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "grid"

    link = {"role": "central_household", "user": volunteer_a.pk, "grid": grid_a.code, "households": 6}
    r = client.post(f"/api/v1/party/orgs/{org['id']}/members", link, content_type="application/json")
    assert r.status_code == 201, r.content
    member = r.json()
    assert member["name"] == "王志愿" and member["grid"] == grid_a.code and member["households"] == 6
    stranger = client.post(
        f"/api/v1/party/orgs/{org['id']}/members", {**link, "user": leader_b.pk}, content_type="application/json"
    )
    assert stranger.status_code == 422 and stranger.json()["field"] == "user"  # not a person of this town
    detail = client.get(f"/api/v1/party/orgs/{org['id']}").json()
    assert [m["name"] for m in detail["members"]] == ["王志愿"]
    r = client.post(f"/api/v1/party/orgs/{org['id']}/members/{member['id']}/end", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["active_to"]
    assert client.get(f"/api/v1/party/orgs/{org['id']}").json()["members"] == []
    assert MemberLink.objects.filter(pk=member["id"], active_to__isnull=False).exists()  # kept, not deleted

    client.force_login(dispatcher_a)
    r = client.post(f"/api/v1/party/orgs/{org['id']}/members", link, content_type="application/json")
    assert r.status_code == 403
    client.force_login(leader_b)
    r = client.post(f"/api/v1/party/orgs/{org['id']}/members", link, content_type="application/json")
    assert r.status_code == 404

"""数据权限 of an existing grant is changed in place (系统管理 → 用户管理 → 角色授权 → 数据权限): page and API, the same
checks as a new grant (fail-closed 自定 ticks inside the administrator's units), recorded in the operation log, and
the grantee's scope follows at once."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from township.audit.models import OperationLog
from township.org.models import DataScope, Department, Role, RoleGrant, User
from township.org.scoping import scope


@pytest.fixture
def grant(people, town_a):
    return RoleGrant.objects.create(user=people["clerk"], jurisdiction=town_a, role=Role.LEADER)


def _changes(grant: RoleGrant) -> list[dict]:
    ct = ContentType.objects.get_for_model(RoleGrant)
    return [r.changes for r in OperationLog.objects.filter(content_type=ct, object_id=str(grant.pk)).order_by("id")]


def _url(grant: RoleGrant) -> str:
    return f"/system/user/{grant.user_id}/grants/{grant.pk}/scope/"


@pytest.mark.django_db
def test_the_security_administrator_narrows_a_grant_on_the_page(client, people, grant, town_a, town_b, village_a):
    leader = people["clerk"]
    assert scope(leader, [Role.LEADER]).codes == frozenset({town_a.code})
    client.force_login(people["sec"])
    detail = client.get(f"/system/user/{leader.pk}/").content.decode()
    assert _url(grant) in detail and "数据权限" in detail
    page = client.get(_url(grant)).content.decode()
    assert 'name="data_scope"' in page and 'name="custom_units"' in page and "领导" in page
    # nothing ticked, or another town's unit: refused beside the field, the grant untouched (fail-closed)
    page = client.post(_url(grant), {"data_scope": DataScope.CUSTOM}).content.decode()
    assert "至少勾选一个" in page
    page = client.post(_url(grant), {"data_scope": DataScope.CUSTOM, "custom_units": [town_b.code]}).content.decode()
    assert "选择一个有效的选项" in page or "您管理的单位" in page
    grant.refresh_from_db()
    assert grant.data_scope == DataScope.UNIT
    res = client.post(_url(grant), {"data_scope": DataScope.CUSTOM, "custom_units": [village_a.code]})
    assert res.status_code == 302 and res["Location"] == f"/system/user/{leader.pk}/"
    grant.refresh_from_db()
    assert grant.data_scope == DataScope.CUSTOM and [u.code for u in grant.custom_units.all()] == [village_a.code]
    s = scope(User.objects.get(pk=leader.pk), [Role.LEADER])  # a new request's user: no cached scope
    assert s.codes == frozenset() and s.villages == {(town_a.code, village_a.code)}
    logged = _changes(grant)
    assert any(c.get("data_scope") == [DataScope.UNIT, DataScope.CUSTOM] for c in logged)
    assert any(c.get("custom_units") == [[], [village_a.code]] for c in logged)
    # back to 本人: the ticks go with the 自定 scope
    page = client.post(_url(grant), {"data_scope": DataScope.SELF, "custom_units": [village_a.code]}).content.decode()
    assert "只有数据权限为“自定”时才能勾选单位" in page
    res = client.post(_url(grant), {"data_scope": DataScope.SELF})
    assert res.status_code == 302
    grant.refresh_from_db()
    assert grant.data_scope == DataScope.SELF and not grant.custom_units.exists()
    assert any(c.get("custom_units") == [[village_a.code], []] for c in _changes(grant))


@pytest.mark.django_db
def test_only_the_security_administrator_of_the_unit_sees_and_uses_it(client, people, grant):
    for who in ("sys", "aud"):
        client.force_login(people[who])
        assert _url(grant) not in client.get(f"/system/user/{grant.user_id}/").content.decode()
        assert client.get(_url(grant)).status_code == 403
    client.force_login(people["sec_b"])  # another town's: the user is not even visible
    assert client.get(_url(grant)).status_code == 404
    client.force_login(people["sec"])
    other = people["aud"].grants.first()
    assert client.get(f"/system/user/{grant.user_id}/grants/{other.pk}/scope/").status_code == 404


@pytest.mark.django_db
def test_api_changes_the_scope_with_the_same_checks(client, people, grant, town_a, town_b):
    dept = Department.objects.create(jurisdiction=town_a, name="综合执法队")
    foreign = Department.objects.create(jurisdiction=town_b, name="环卫所")
    url = f"/api/v1/system/users/{grant.user_id}/grants/{grant.pk}"
    client.force_login(people["sys"])
    assert client.patch(url, {"data_scope": "self"}, content_type="application/json").status_code == 403
    client.force_login(people["sec"])
    res = client.patch(url, {"data_scope": "everything"}, content_type="application/json")
    assert res.status_code == 422 and res.json()["field"] == "data_scope" and "数据权限" in res.json()["message"]
    res = client.patch(
        url, {"data_scope": "custom", "custom_departments": [foreign.pk]}, content_type="application/json"
    )
    assert res.status_code == 422 and res.json()["field"] == "custom_departments"
    grant.refresh_from_db()
    assert grant.data_scope == DataScope.UNIT and not grant.custom_departments.exists()
    res = client.patch(url, {"data_scope": "custom", "custom_departments": [dept.pk]}, content_type="application/json")
    assert res.status_code == 200
    out = next(g for g in res.json()["grants"] if g["id"] == grant.pk)
    assert out["data_scope"] == "custom" and out["custom_departments"] == [dept.pk]
    assert scope(User.objects.get(pk=grant.user_id), [Role.LEADER]).departments == {(town_a.code, dept.pk)}
    assert (
        client.patch(
            url.replace(str(grant.pk), "999999"), {"data_scope": "unit"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(people["sec_b"])
    assert client.patch(url, {"data_scope": "unit"}, content_type="application/json").status_code == 404

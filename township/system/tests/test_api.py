"""/api/v1/system/: the same duties and scope as the pages."""

from __future__ import annotations

import pytest

from township.org.models import Role, RoleGrant


@pytest.mark.django_db
def test_api_duties_scope_and_errors(client, people, town_a):
    client.force_login(people["clerk"])
    assert client.get("/api/v1/system/users").status_code == 403
    client.force_login(people["aud"])
    body = client.get("/api/v1/system/users").json()
    names = {u["username"] for u in body["items"]}
    assert "clerk_a" in names and "clerk_b" not in names
    assert client.get(f"/api/v1/system/users/{people['clerk_b'].pk}").status_code == 404
    assert client.post("/api/v1/system/users", {"username": "x"}, content_type="application/json").status_code in (
        403,
        422,
    )
    client.force_login(people["sys"])
    res = client.post(
        "/api/v1/system/users",
        {"username": "api_user", "full_name": "接口", "unit": town_a.code, "phone": "123"},
        content_type="application/json",
    )
    assert res.status_code == 422 and res.json()["field"] == "phone" and "手机号" in res.json()["message"]
    res = client.post(
        "/api/v1/system/users",
        {"username": "api_user", "full_name": "接口", "unit": town_a.code},
        content_type="application/json",
    )
    assert res.status_code == 201 and res.json()["initial_password"]
    uid = res.json()["user"]["id"]
    assert client.post(f"/api/v1/system/users/{uid}/reset-password").status_code == 403
    client.force_login(people["sec"])
    res = client.post(
        f"/api/v1/system/users/{uid}/grants",
        {"unit": town_a.code, "role": Role.WINDOW_CLERK},
        content_type="application/json",
    )
    assert res.status_code == 201 and res.json()["grants"][0]["role"] == Role.WINDOW_CLERK
    grant = RoleGrant.objects.get(user_id=uid)
    assert client.delete(f"/api/v1/system/users/{uid}/grants/{grant.pk}").status_code == 204
    assert client.post(f"/api/v1/system/users/{uid}/reset-password").json()["temporary_password"]
    assert client.get("/api/v1/system/parameters").status_code == 403
    client.force_login(people["county"])
    res = client.put("/api/v1/system/parameters/QUEUE_WAIT_MINUTES", {"value": "0"}, content_type="application/json")
    assert res.status_code == 422 and "不能小于1" in res.json()["message"]
    assert client.get("/api/v1/system/dicts").status_code == 200
    assert any(d["code"] == "org_role" for d in client.get("/api/v1/system/dicts").json())

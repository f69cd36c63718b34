"""The Django admin for administrators: every org page opens; tokens are read-only; the login log cannot be deleted."""

from __future__ import annotations

import pytest

from township.org.models import User
from township.org.services import api_token_create


@pytest.fixture
def admin_client(client, db, town_a, village_a, clerk_a):
    admin = User.objects.create_superuser("root", password="Root-pass-123")
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/org/jurisdiction/",
        "/admin/org/jurisdiction/?q=白沙",
        "/admin/org/department/",
        "/admin/org/user/",
        "/admin/org/rolegrant/",
        "/admin/org/apitoken/",
        "/admin/web/loginlog/",
        "/admin/web/loginthrottle/",
    ],
)
def test_admin_pages_open(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_jurisdiction_list_is_a_tree_in_code_order(admin_client):
    html = admin_client.get("/admin/org/jurisdiction/").content.decode()
    assert html.index("江津区") < html.index("白沙镇") < html.index("石门村")


def test_user_page_has_role_grants_inline(admin_client, clerk_a):
    html = admin_client.get(f"/admin/org/user/{clerk_a.pk}/change/").content.decode()
    assert "角色授权" in html and "grants-0-role" in html


def test_force_password_change_action(admin_client, clerk_a):
    admin_client.post("/admin/org/user/", {"action": "force_password_change", "_selected_action": [clerk_a.pk]})
    clerk_a.refresh_from_db()
    assert clerk_a.must_change_password


def test_token_admin_is_read_only(admin_client, clerk_a):
    token, secret = api_token_create(user=clerk_a, name="集成")
    assert admin_client.get("/admin/org/apitoken/add/").status_code == 403
    html = admin_client.get(f"/admin/org/apitoken/{token.pk}/change/").content.decode()
    assert token.key_hash in html and secret not in html
    assert 'name="key_hash"' not in html


def test_login_log_cannot_be_deleted(admin_client, client):
    from township.web.models import LoginLog

    client.post("/accounts/login/", {"username": "x", "password": "y"})
    log = LoginLog.objects.first()
    assert admin_client.get(f"/admin/web/loginlog/{log.pk}/delete/").status_code == 403

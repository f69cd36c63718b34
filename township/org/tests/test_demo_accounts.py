"""Demo accounts: no default passwords unless the demo flag; the demo administrators hold system tables only."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from township.org.demo import DEMO_ACCOUNTS
from township.org.models import User

pytestmark = pytest.mark.django_db


def _seed(*flags: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--only-org", *flags, stdout=out)
    return out.getvalue()


def test_demo_accounts_must_change_their_printed_password_without_the_flag(client):
    printed = _seed()
    assert "首次登录须修改密码" in printed
    assert set(User.objects.filter(must_change_password=True).values_list("username", flat=True)) >= {
        a.username for a in DEMO_ACCOUNTS
    }
    clerk = next(a for a in DEMO_ACCOUNTS if a.username == "clerk")
    res = client.post("/accounts/login/", {"username": "clerk", "password": clerk.password})
    assert res.status_code == 302 and res.url == "/accounts/password/"
    assert client.get("/").url == "/accounts/password/"


def test_the_demo_flag_keeps_the_printed_passwords(client):
    printed = _seed("--keep-demo-passwords")
    assert "Demo passwords kept" in printed
    assert not User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS], must_change_password=True)
    clerk = next(a for a in DEMO_ACCOUNTS if a.username == "clerk")
    res = client.post("/accounts/login/", {"username": "clerk", "password": clerk.password})
    assert res.status_code == 302 and res.url == "/"
    # The flag lasts for one run only.
    from township.org.demo import demo_passwords_kept

    assert not demo_passwords_kept()


def test_demo_has_no_superuser_and_each_administrator_holds_only_system_tables(client):
    _seed("--keep-demo-passwords")
    assert not User.objects.filter(is_superuser=True).exists()
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.has_perm("org.change_department") and admin.has_perm("core.change_holiday")
    assert not admin.has_perm("org.add_rolegrant")  # granting roles is the security administrator's duty
    security = User.objects.get(username="security")
    assert security.has_perm("org.add_rolegrant") and security.has_perm("web.change_loginthrottle")
    auditor = User.objects.get(username="auditor")
    assert auditor.has_perm("web.view_loginlog") and not auditor.has_perm("web.change_loginthrottle")
    business = ("cases.view_case", "subjects.view_subject", "approval.view_application", "grid.view_event")
    for user in (admin, security, auditor):
        assert not any(user.has_perm(p) for p in business), user.username
    client.force_login(admin)
    # 系统管理 is in the app (township.system); the Django admin is for superusers only.
    assert client.get("/system/unit/").status_code == 200
    for url in ("/admin/org/department/", "/admin/subjects/subject/", "/admin/approval/application/"):
        assert client.get(url).status_code == 302

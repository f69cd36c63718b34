"""Sign-in policy (等保 level 3): lockout with one generic error, login log, password rules, forced change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from township.web import security
from township.web.models import LoginLog, PasswordHistory

GENERIC = "用户名或密码错误，或账户已被临时锁定"


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_page_is_chinese(client, db):
    res = client.get("/accounts/login/")
    assert res.status_code == 200
    body = res.content.decode()
    assert "工作人员登录" in body and "用户名" in body and "密码" in body


def test_successful_login_goes_to_workbench_and_is_logged(client, clerk_a):
    res = _login(client, "clerk_a", "Test-pass-123")
    assert res.status_code == 302 and res.url == "/"
    log = LoginLog.objects.get()
    assert log.result == LoginLog.Result.SUCCESS and log.user == clerk_a and log.ip == "127.0.0.1"


def test_five_failures_lock_for_30_minutes_with_one_generic_error(client, clerk_a):
    # Wrong password and unknown user give the same message.
    unknown = _login(client, "nobody", "whatever-1A").content.decode()
    assert GENERIC in unknown
    for _ in range(5):
        res = _login(client, "clerk_a", "Wrong-pass-1")
        assert res.status_code == 200
        assert GENERIC in res.content.decode()
    # Locked now: even the right password is refused, with the very same message.
    res = _login(client, "clerk_a", "Test-pass-123")
    assert res.status_code == 200
    assert GENERIC in res.content.decode()
    assert "_auth_user_id" not in client.session
    results = list(LoginLog.objects.filter(username="clerk_a").order_by("id").values_list("result", flat=True))
    assert results == ["failed"] * 4 + ["locked_now", "locked"]
    # 30 minutes later the name is free again.
    later = timezone.now() + timedelta(minutes=31)
    assert security.is_locked("clerk_a")
    assert not security.is_locked("clerk_a", now=later)


def test_lock_expires_and_success_resets_the_counter(client, clerk_a):
    for _ in range(4):
        _login(client, "clerk_a", "Wrong-pass-1")
    assert _login(client, "clerk_a", "Test-pass-123").status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "clerk_a", "Wrong-pass-1")
    assert not security.is_locked("clerk_a")  # the counter restarted after the success


def test_inactive_user_gets_the_generic_error(client, clerk_a):
    clerk_a.is_active = False
    clerk_a.save()
    res = _login(client, "clerk_a", "Test-pass-123")
    assert GENERIC in res.content.decode()
    assert LoginLog.objects.get().result == LoginLog.Result.INACTIVE


@pytest.mark.parametrize(
    "password,ok",
    [
        ("Kqzwp7Xr", True),  # 3 classes, 8 characters
        ("mvtq1!zr", True),  # lower, digit, symbol
        ("Abc1!", False),  # too short
        ("abcdefgh1", False),  # only 2 classes
        ("ABCDEFGH!", False),  # only 2 classes
        ("12345678", False),
    ],
)
def test_password_complexity(password, ok, db):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError) as err:
            validate_password(password)
        assert "至少 8 位" in " ".join(err.value.messages)


def test_password_validator_is_configured():
    names = [v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert "township.web.security.ComplexityValidator" in names
    assert "township.web.security.HistoryValidator" in names


def test_password_history_refuses_reuse_of_recent_passwords(clerk_a):
    for pw in ("Second-pass-2", "Third-pass-3"):
        clerk_a.set_password(pw)
        clerk_a.save()
    assert PasswordHistory.objects.filter(user=clerk_a).count() == 2
    for reused in ("Second-pass-2", "Third-pass-3"):  # an earlier one and the current one
        with pytest.raises(ValidationError) as err:
            validate_password(reused, user=clerk_a)
        assert "最近 5 次" in err.value.messages[0]
    validate_password("Brand-new-pass-4", user=clerk_a)


def test_first_login_forces_a_password_change(client, clerk_a):
    clerk_a.must_change_password = True
    clerk_a.save()
    res = _login(client, "clerk_a", "Test-pass-123")
    assert res.url == "/accounts/password/"
    # Nothing else is reachable until the password is changed.
    assert client.get("/").url == "/accounts/password/"
    page = client.get("/accounts/password/").content.decode()
    assert "首次登录须修改初始密码" in page
    # A weak new password is refused inline, in Chinese.
    res = client.post(
        "/accounts/password/",
        {"old_password": "Test-pass-123", "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert res.status_code == 200 and "至少 8 位" in res.content.decode()
    res = client.post(
        "/accounts/password/",
        {"old_password": "Test-pass-123", "new_password1": "Fresh-pass-9", "new_password2": "Fresh-pass-9"},
    )
    assert res.status_code == 302 and res.url == "/"
    clerk_a.refresh_from_db()
    assert not clerk_a.must_change_password
    assert client.get("/").status_code == 200


def test_password_older_than_90_days_must_be_changed(client, clerk_a):
    long_ago = timezone.now() - timedelta(days=91)
    type(clerk_a).objects.filter(pk=clerk_a.pk).update(date_joined=long_ago)  # never changed since creation
    res = _login(client, "clerk_a", "Test-pass-123")
    assert res.url == "/accounts/password/"
    assert "密码已过期" in client.get("/accounts/password/").content.decode()


def test_recent_password_change_counts_for_expiry(clerk_a):
    type(clerk_a).objects.filter(pk=clerk_a.pk).update(date_joined=timezone.now() - timedelta(days=200))
    clerk_a.refresh_from_db()
    assert security.password_expired(clerk_a)
    clerk_a.set_password("Changed-pass-5")
    clerk_a.save()
    assert not security.password_expired(clerk_a)
    PasswordHistory.objects.filter(user=clerk_a).update(changed_at=timezone.now() - timedelta(days=91))
    assert security.password_expired(clerk_a)


def test_idle_logout_after_30_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_logout_is_logged(clerk_client, clerk_a):
    res = clerk_client.post("/accounts/logout/")
    assert res.status_code == 302
    assert LoginLog.objects.filter(user=clerk_a, result=LoginLog.Result.LOGOUT).exists()
    assert clerk_client.get("/").status_code == 302


def test_open_redirect_is_refused(client, clerk_a):
    res = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "clerk_a", "password": "Test-pass-123"}
    )
    assert res.url == "/"


def test_login_log_page_for_security_admin_only(client, make_user, town_a, clerk_a):
    from township.org.models import Role

    _login(client, "clerk_a", "Wrong-pass-1")
    sec = make_user((town_a, Role.SECURITY_ADMIN), username="sec")
    client.force_login(clerk_a)
    assert client.get("/security/login-log/").status_code == 403
    client.force_login(sec)
    body = client.get("/security/login-log/").content.decode()
    assert "登录日志" in body and "clerk_a" in body and "密码错误" in body


def test_login_log_page_query_count(client, make_user, town_a, clerk_a, django_assert_max_num_queries):
    from township.org.models import Role

    sec = make_user((town_a, Role.SECURITY_ADMIN), username="sec3")
    for _ in range(3):
        _login(client, "clerk_a", "Wrong-pass-1")
    client.force_login(sec)
    with django_assert_max_num_queries(10) as few:
        client.get("/security/login-log/")
    baseline = len(few)
    for _ in range(30):
        security.login_log_write(
            client.get("/accounts/login/").wsgi_request, username="clerk_a", result="failed", user=clerk_a
        )
    with django_assert_max_num_queries(baseline):
        res = client.get("/security/login-log/")
    assert res.content.decode().count("clerk_a") >= 30


def test_forbidden_page_is_in_the_shell(client, clerk_a):
    client.force_login(clerk_a)
    res = client.get("/security/login-log/")
    assert res.status_code == 403
    assert "您没有访问该页面的权限" in res.content.decode()


def test_expiry_notice_in_the_last_week(client, clerk_a):
    type(clerk_a).objects.filter(pk=clerk_a.pk).update(date_joined=timezone.now() - timedelta(days=85))
    res = _login(client, "clerk_a", "Test-pass-123")
    assert res.url == "/"
    assert "您的密码将在 5 天后过期" in client.get("/").content.decode()


def test_security_admin_unlocks_and_the_unlock_is_logged(client, make_user, town_a, town_b, clerk_a, clerk_b):
    from township.org.models import Role

    for name in ("clerk_a", "clerk_b"):
        for _ in range(5):
            _login(client, name, "Wrong-pass-1")
    assert security.is_locked("clerk_a") and security.is_locked("clerk_b")
    sec = make_user((town_a, Role.SECURITY_ADMIN), username="sec4")
    client.force_login(sec)
    html = client.get("/security/login-log/").content.decode()
    assert 'value="clerk_a"' in html and 'value="clerk_b"' not in html  # only users of the admin's units
    client.post("/security/login-log/", {"unlock": "clerk_b"})
    assert security.is_locked("clerk_b")
    client.post("/security/login-log/", {"unlock": "clerk_a"})
    assert not security.is_locked("clerk_a")
    log = LoginLog.objects.filter(username="clerk_a").order_by("-id").first()
    assert log.result == LoginLog.Result.UNLOCKED and log.ip == "127.0.0.1"
    client.logout()
    assert _login(client, "clerk_a", "Test-pass-123").status_code == 302

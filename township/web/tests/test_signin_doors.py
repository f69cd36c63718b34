"""One sign-in policy on every door: /accounts/login/, /approval/login/, /admin/login/ and API tokens.

Each door locks after 5 failures, writes a login-log row on every attempt, refuses a locked account, and
a must-change (or expired) account gets nothing through any door or token until the password is changed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from township.org.models import Role
from township.org.services import api_token_create
from township.org.testing import TEST_PASSWORD
from township.web import security
from township.web.models import LoginLog

DOORS = {
    "shell": "/accounts/login/",
    "applicant": "/approval/login/",
    "admin": "/admin/login/",
}


def _post(client: Client, door: str, username: str, password: str):
    return client.post(DOORS[door], {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff(make_user, town_a):
    return make_user((town_a, Role.WINDOW_CLERK), username="door_clerk", is_staff=True)


@pytest.mark.parametrize("door", DOORS)
def test_each_door_signs_in_and_logs_the_success(client, staff, door):
    res = _post(client, door, "door_clerk", TEST_PASSWORD)
    assert res.status_code == 302, door
    assert _signed_in(client)
    log = LoginLog.objects.get(username="door_clerk")
    assert log.result == LoginLog.Result.SUCCESS and log.user == staff and log.ip == "127.0.0.1"


@pytest.mark.parametrize("door", DOORS)
def test_each_door_locks_after_5_failures_and_logs_every_attempt(client, staff, door):
    for _ in range(5):
        res = _post(client, door, "door_clerk", "Wrong-pass-1")
        assert res.status_code == 200
    assert security.is_locked("door_clerk")
    # The right password is refused now, at this door and at every other.
    for other in DOORS:
        res = _post(client, other, "door_clerk", TEST_PASSWORD)
        assert res.status_code == 200, other
        assert not _signed_in(client), other
    results = list(LoginLog.objects.filter(username="door_clerk").order_by("id").values_list("result", flat=True))
    assert results == ["failed"] * 4 + ["locked_now"] + ["locked"] * len(DOORS)


def test_failures_at_different_doors_add_up(client, staff):
    for door in ("shell", "applicant", "admin", "applicant", "shell"):
        _post(client, door, "door_clerk", "Wrong-pass-1")
    assert security.is_locked("door_clerk")


def test_applicant_form_signing_in_by_resident_id_counts_against_the_account(client, make_user):
    make_user(username="luo", resident_id="500116199001011234")
    for _ in range(5):
        _post(client, "applicant", "500116199001011234", "Wrong-pass-1")
    assert security.is_locked("luo")
    assert LoginLog.objects.filter(username="luo").count() == 5


def test_the_test_clients_login_goes_through_the_policy_too(client, staff):
    for _ in range(5):
        assert not client.login(username="door_clerk", password="Wrong-pass-1")
    assert not client.login(username="door_clerk", password=TEST_PASSWORD)
    assert LoginLog.objects.filter(username="door_clerk", result=LoginLog.Result.LOCKED).count() == 1


@pytest.mark.parametrize("door", DOORS)
def test_must_change_account_gets_only_the_password_page_after_any_door(client, staff, door, open_toy):
    staff.must_change_password = True
    staff.save()
    case = open_toy()
    assert _post(client, door, "door_clerk", TEST_PASSWORD).status_code == 302
    for url in ("/", "/admin/", "/approval/", f"/cases/{case.pk}/"):
        res = client.get(url)
        assert res.status_code == 302 and res.url == "/accounts/password/", (door, url)
    api = client.get(f"/api/v1/cases/{case.pk}")
    assert api.status_code == 403
    assert api.json()["code"] == "password_change_required" and "修改密码" in api.json()["message"]
    assert client.get("/accounts/password/").status_code == 200


@pytest.mark.parametrize("door", DOORS)
def test_expired_password_is_forced_to_change_after_any_door(client, staff, door):
    type(staff).objects.filter(pk=staff.pk).update(date_joined=timezone.now() - timedelta(days=91))
    from township.web.models import PasswordHistory

    PasswordHistory.objects.filter(user=staff).update(changed_at=timezone.now() - timedelta(days=91))
    assert _post(client, door, "door_clerk", TEST_PASSWORD).status_code == 302
    assert client.get("/").url == "/accounts/password/"
    assert client.session[security.SESSION_CHANGE_REQUIRED] == "expired"


def test_flag_set_while_signed_in_takes_effect_on_the_next_request(client, staff):
    client.force_login(staff)
    assert client.get("/").status_code == 200
    type(staff).objects.filter(pk=staff.pk).update(must_change_password=True)
    assert client.get("/").url == "/accounts/password/"


# --- personal API tokens ----------------------------------------------------------------------


@pytest.fixture
def token(staff, open_toy):
    case = open_toy(actor=staff)
    _, secret = api_token_create(user=staff, name="对接")
    return {"secret": secret, "url": f"/api/v1/cases/{case.pk}"}


def _api(token, header: str = "bearer"):
    if header == "bearer":
        return Client().get(token["url"], HTTP_AUTHORIZATION=f"Bearer {token['secret']}")
    return Client().get(token["url"], HTTP_X_API_TOKEN=token["secret"])


@pytest.mark.parametrize("header", ["bearer", "x-api-token"])
def test_token_works_for_a_sound_account(token, header):
    assert _api(token, header).status_code == 200


@pytest.mark.parametrize("header", ["bearer", "x-api-token"])
def test_token_of_a_must_change_account_is_refused_with_the_reason(staff, token, header):
    type(staff).objects.filter(pk=staff.pk).update(must_change_password=True)
    res = _api(token, header)
    assert res.status_code == 403
    body = res.json()
    assert set(body) == {"code", "message", "field"}
    assert body["code"] == "password_change_required" and "网页端修改密码" in body["message"]


def test_token_of_an_expired_password_is_refused(staff, token):
    type(staff).objects.filter(pk=staff.pk).update(date_joined=timezone.now() - timedelta(days=91))
    from township.web.models import PasswordHistory

    PasswordHistory.objects.filter(user=staff).update(changed_at=timezone.now() - timedelta(days=91))
    res = _api(token)
    assert res.status_code == 403 and res.json()["code"] == "password_change_required"


def test_token_of_a_locked_account_is_refused(client, staff, token):
    for _ in range(5):
        _post(client, "shell", "door_clerk", "Wrong-pass-1")
    res = _api(token)
    assert res.status_code == 403 and res.json()["code"] == "account_locked"
    security.unlock("door_clerk")
    assert _api(token).status_code == 200


def test_token_of_an_inactive_account_is_unauthenticated(staff, token):
    type(staff).objects.filter(pk=staff.pk).update(is_active=False)
    res = _api(token)
    assert res.status_code == 401 and res.json()["code"] == "unauthenticated"


def test_token_works_again_after_the_password_is_changed(client, staff, token):
    type(staff).objects.filter(pk=staff.pk).update(must_change_password=True)
    assert _api(token).status_code == 403
    _post(client, "shell", "door_clerk", TEST_PASSWORD)
    client.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": "Fresh-pass-9", "new_password2": "Fresh-pass-9"},
    )
    assert _api(token).status_code == 200

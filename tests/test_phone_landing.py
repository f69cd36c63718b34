"""A grid worker or officer opening / on a phone lands on the field app (/field/); 电脑版 keeps the workbench."""

from __future__ import annotations

import pytest

from township.org.models import Role

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"


@pytest.fixture
def patroller(make_user, village_a):
    return make_user((village_a, Role.GRID_PATROLLER), username="patroller")


@pytest.fixture
def officer(make_user, town_a):
    return make_user((town_a, Role.ENFORCEMENT_OFFICER), username="officer")


@pytest.mark.parametrize("agent", [IPHONE, ANDROID])
def test_grid_worker_on_a_phone_lands_on_the_field_app(client, patroller, agent):
    client.force_login(patroller)
    res = client.get("/", HTTP_USER_AGENT=agent)
    assert res.status_code == 302 and res.url == "/field/"


def test_officer_on_a_phone_lands_on_the_field_app(client, officer):
    client.force_login(officer)
    assert client.get("/", HTTP_USER_AGENT=IPHONE).url == "/field/"


def test_desktop_browser_keeps_the_workbench(client, patroller):
    client.force_login(patroller)
    res = client.get("/", HTTP_USER_AGENT=DESKTOP)
    assert res.status_code == 200 and "我的待办" in res.content.decode()


def test_role_without_the_field_app_keeps_the_workbench_on_a_phone(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get("/", HTTP_USER_AGENT=IPHONE).status_code == 200


def test_desktop_link_is_remembered_for_the_session_and_can_be_undone(client, patroller):
    client.force_login(patroller)
    res = client.get("/?desktop=1", HTTP_USER_AGENT=IPHONE)
    assert res.status_code == 200 and "我的待办" in res.content.decode()
    assert client.get("/", HTTP_USER_AGENT=IPHONE).status_code == 200  # the choice sticks
    assert client.get("/?desktop=0", HTTP_USER_AGENT=IPHONE).url == "/field/"
    assert client.get("/", HTTP_USER_AGENT=IPHONE).url == "/field/"


def test_anonymous_phone_still_goes_to_sign_in(client, db):
    res = client.get("/", HTTP_USER_AGENT=IPHONE)
    assert res.status_code == 302 and res.url.startswith("/accounts/login/")

"""三员分立 on the demo town: the system administrator, the security administrator, the auditor and a superuser
(even one holding a business grant) get no business rows — cases, grid events, applications, penalty cases,
subjects — through the pages or the API, while the demo clerk and the county leader do (so the probes can fail)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from township.org.models import Role, RoleGrant, User

BAISHA = "500116108"

API_LISTS = [
    "/api/v1/cases/workbench",
    "/api/v1/approval/applications",
    "/api/v1/grid/events",
    "/api/v1/enforcement/cases",
    "/api/v1/subjects/",
]


def _items(body: Any) -> list[Any]:
    if isinstance(body, list):
        return body
    for key in ("items", "results", "rows"):
        if isinstance(body.get(key), list):
            return list(body[key])
    return []


@pytest.fixture
def demo(db):
    from township.grid import spatial

    spatial.clear()  # a process-wide index built from an earlier test's (rolled back) grids must not leak in
    call_command("seed_demo", "--keep-demo-passwords", stdout=io.StringIO())
    from township.approval.models import Application
    from township.cases.models import Case
    from township.enforcement.models import PenaltyCase
    from township.grid.models import Event
    from township.subjects.models import Subject

    rows = {
        "case": Case.objects.filter(jurisdiction_id=BAISHA).order_by("pk").first(),
        "event": Event.objects.filter(jurisdiction_id=BAISHA).order_by("pk").first(),
        "application": Application.objects.filter(jurisdiction_id=BAISHA).order_by("pk").first(),
        "penalty": PenaltyCase.objects.filter(jurisdiction_id=BAISHA).order_by("pk").first(),
        "subject": Subject.objects.order_by("pk").first(),
    }
    assert all(rows.values()), rows
    yield rows
    spatial.clear()


def _pages(rows: dict[str, Any]) -> list[str]:
    return [
        f"/cases/{rows['case'].pk}/",
        f"/grid/events/{rows['event'].pk}/",
        f"/approval/a/{rows['application'].pk}/",
        f"/library/subjects/{rows['subject'].pk}/",
    ]


def _api_details(rows: dict[str, Any]) -> list[str]:
    return [f"/api/v1/cases/{rows['case'].pk}", f"/api/v1/subjects/{rows['subject'].pk}"]


@pytest.mark.slow
def test_the_three_administrators_and_a_superuser_read_no_business_rows(client, demo):
    root = User.objects.create_superuser("root", password="Root-pass-123")
    RoleGrant.objects.create(user=root, jurisdiction_id=BAISHA, role=Role.WINDOW_CLERK)  # even with a business grant
    people = [User.objects.get(username=n) for n in ("admin", "security", "auditor")] + [root]
    leaks: list[str] = []
    for user in people:
        client.force_login(user)
        for url in API_LISTS:
            res = client.get(url)
            if res.status_code == 200 and _items(res.json()):
                leaks.append(f"{user.username} {url}: {len(_items(res.json()))} rows")
        for url in _api_details(demo) + _pages(demo):
            res = client.get(url)
            if res.status_code == 200:
                leaks.append(f"{user.username} {url}: 200")
        workbench = client.get("/")
        if workbench.status_code == 200 and demo["case"].number in workbench.content.decode():
            leaks.append(f"{user.username} /: case {demo['case'].number}")
    assert not leaks, leaks

    # Control: a clerk of the town does read them (the probes can fail).
    client.force_login(User.objects.get(username="clerk"))
    assert client.get(f"/api/v1/cases/{demo['case'].pk}").status_code == 200
    assert _items(client.get("/api/v1/cases/workbench").json())
    client.force_login(User.objects.get(username="leader_county"))
    assert _items(client.get("/api/v1/grid/events").json())
    assert client.get(f"/grid/events/{demo['event'].pk}/").status_code == 200


@pytest.mark.slow
def test_auditor_reads_the_login_log_but_cannot_unlock(client, demo):
    from township.web import security

    for _ in range(5):
        client.post("/accounts/login/", {"username": "clerk", "password": "Wrong-pass-1"})
    assert security.is_locked("clerk")
    client.force_login(User.objects.get(username="auditor"))
    page = client.get("/security/login-log/")
    assert page.status_code == 200 and "clerk" in page.content.decode()
    client.post("/security/login-log/", {"unlock": "clerk"})
    assert security.is_locked("clerk")
    client.force_login(User.objects.get(username="security"))
    client.post("/security/login-log/", {"unlock": "clerk"})
    assert not security.is_locked("clerk")


def test_system_menu_for_the_two_administrators_not_the_auditor(client, make_user, town_a):
    for role, shown in ((Role.ADMINISTRATOR, True), (Role.SECURITY_ADMIN, True), (Role.AUDITOR, False)):
        client.force_login(make_user((town_a, role), is_staff=True))
        page = client.get("/").content.decode()
        assert ('href="/system/unit/"' in page) is shown, role  # 单位管理: not the auditor's duty
        assert 'href="/admin/"' not in page, role  # the Django admin is for superusers only

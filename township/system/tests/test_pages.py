"""系统管理 pages: who may open what (三员分立), tenancy, search/export, the Django admin for superusers only."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from township.org.models import User

# page → the demo administrators (of town A) who may open it; everyone else gets 403
PAGES = {
    "/system/": {"sys", "sec", "aud"},
    "/system/user/": {"sys", "sec", "aud"},
    "/system/user/add/": {"sys"},
    "/system/role/": {"sys", "sec", "aud"},
    "/system/unit/": {"sys", "sec"},
    "/system/post/": {"sys", "sec"},
    "/system/dict/": {"sys"},
    "/system/param/": {"sys"},
    "/system/notice/": {"sys"},
    "/system/notice/add/": {"sys"},
    "/system/online/": {"sec"},
    "/system/job/": {"sys"},
}


@pytest.mark.django_db
def test_each_page_opens_for_its_administrators_only(client, people):
    wrong = []
    for url, allowed in PAGES.items():
        for who in ("sys", "sec", "aud", "clerk"):
            client.force_login(people[who])
            status = client.get(url).status_code
            expected = 200 if who in allowed else 403
            if status != expected:
                wrong.append(f"{who} {url}: {status} (expected {expected})")
    assert not wrong, wrong


@pytest.mark.django_db
def test_menu_shows_each_administrator_only_what_opens(client, people):
    from township.core.navigation import menu_for

    for who in ("sys", "sec", "aud"):
        names = {e["url_name"] for e in menu_for(people[who]) if e["url_name"].startswith("system:")}
        client.force_login(people[who])
        for name in names:
            from django.urls import reverse

            assert client.get(reverse(name)).status_code == 200, (who, name)
    assert {e["url_name"] for e in menu_for(people["aud"])} & {"system:dicts", "system:online"} == set()


@pytest.mark.django_db
def test_a_towns_administrator_sees_only_the_towns_users(client, people):
    client.force_login(people["sys"])
    page = client.get("/system/user/").content.decode()
    assert "clerk_a" in page and "clerk_b" not in page and "sec_b" not in page
    assert "139****0001" in page and "13900000001" not in page  # masked
    assert client.get(f"/system/user/{people['clerk_b'].pk}/").status_code == 404
    assert client.get(f"/system/user/{people['clerk'].pk}/").status_code == 200
    client.force_login(people["county"])
    page = client.get("/system/user/").content.decode()
    assert "clerk_a" in page and "clerk_b" in page


@pytest.mark.django_db
def test_user_search_filters_and_export(client, people, town_a):
    client.force_login(people["aud"])
    page = client.get("/system/user/", {"q": "窗口"}).content.decode()
    assert "clerk_a" in page and "sys_a" not in page
    page = client.get("/system/user/", {"role": "window_clerk", "unit": town_a.code}).content.decode()
    assert "clerk_a" in page and "sec_a" not in page
    assert "clerk_a" not in client.get("/system/user/", {"state": "disabled"}).content.decode()
    res = client.get("/system/user/", {"q": "窗口", "export": "xlsx"})
    assert res.status_code == 200 and res["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(b"".join(res.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0] == "登录名" and [r[0] for r in rows[1:]] == ["clerk_a"]
    assert "139****0001" in rows[1] and "13900000001" not in str(rows)


@pytest.mark.django_db
def test_exports_of_the_other_lists(client, people):
    client.force_login(people["sys"])
    for url in ("/system/role/", "/system/unit/", "/system/post/", "/system/dict/", "/system/param/", "/system/job/"):
        res = client.get(url, {"export": "xlsx"})
        assert res.status_code == 200, url
        rows = list(load_workbook(io.BytesIO(b"".join(res.streaming_content))).active.iter_rows(values_only=True))
        assert len(rows) >= 2 or url == "/system/post/", url
    roles = client.get("/system/role/", {"export": "xlsx"})
    text = str(list(load_workbook(io.BytesIO(b"".join(roles.streaming_content))).active.iter_rows(values_only=True)))
    assert "系统管理员" in text and "审计管理员" in text


@pytest.mark.django_db
def test_django_admin_is_for_superusers_only(client, people):
    staff = people["sys"]
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    res = client.get("/admin/")
    assert res.status_code == 302 and "/admin/login/" in res["Location"]
    assert client.get("/admin/org/user/").status_code == 302
    root = User.objects.create_superuser("root", password="Root-pass-123")
    client.force_login(root)
    assert client.get("/admin/").status_code == 200

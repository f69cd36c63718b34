"""操作日志 in the app's pages and the API: the auditor searches, pages and exports it; no one else reads it."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from township.audit.models import Action, OperationLog
from township.org.models import Department, Role, User

pytestmark = pytest.mark.django_db
URL = "/security/operation-log/"
API = "/api/v1/audit/operations"


@pytest.fixture
def some_changes(town_a, town_b, as_user, admin_a):
    """A department renamed by admin_a in town A, a user created by the system, a department of town B."""
    dept = Department.objects.create(jurisdiction=town_a, name="党政办")

    def rename():
        dept.name = "党政综合办"
        dept.save()

    as_user(admin_a, rename)
    User.objects.create_user(username="newbie", password="Xx-123456789", phone="13812345678")
    Department.objects.create(jurisdiction=town_b, name="乙镇党政办")
    return dept


def test_the_auditor_sees_the_log_of_their_town_with_before_and_after(client, auditor_a, some_changes):
    client.force_login(auditor_a)
    resp = client.get(URL)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "党政办 → 党政综合办" in html
    assert "admin_a" in html and "10.1.2.3" in html
    assert "乙镇党政办" not in html  # another town's rows
    assert "13812345678" not in html
    assert "角色：— → 审计管理员" in html  # choice labels, not codes


def test_related_rows_by_name_and_times_in_local_time(client, auditor_a, town_a, some_changes):
    """单位：— → 甲镇, not its code; 授予时间 in Beijing time, not an ISO string in UTC."""
    client.force_login(auditor_a)
    html = client.get(URL).content.decode()
    assert f"所属区划：— → {town_a.name}" in html
    assert f"所属区划：— → {town_a.code}<" not in html
    assert "有效：— → 是" in html and "True" not in html
    grant_row = OperationLog.objects.filter(content_type__model="rolegrant").first()
    stored = grant_row.changes["created_at"][1]
    local = timezone.localtime(dt.datetime.fromisoformat(stored)).strftime("%Y-%m-%d %H:%M:%S")
    assert local in html and stored not in html


def test_filters_narrow_the_list(client, auditor_a, some_changes):
    client.force_login(auditor_a)
    only_updates = client.get(URL, {"action": "update", "object_type": "org.department"}).content.decode()
    assert "党政综合办" in only_updates and "新增" not in only_updates.split("<tbody>")[1]
    by_actor = client.get(URL, {"actor": "nobody-like-this"}).content.decode()
    assert "暂无记录" in by_actor
    by_text = client.get(URL, {"q": "综合办"}).content.decode()
    assert "党政综合办" in by_text
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert "暂无记录" in client.get(URL, {"date_from": tomorrow}).content.decode()


def test_a_bad_filter_is_a_clear_message_not_an_error(client, auditor_a, some_changes):
    client.force_login(auditor_a)
    resp = client.get(URL, {"date_from": "2026-13-40", "cursor": "9" * 30})
    assert resp.status_code == 200
    assert "日期格式应为 YYYY-MM-DD" in resp.content.decode()
    assert "未知的对象类型" in client.get(URL, {"object_type": "x.y"}).content.decode()
    assert "不能包含空字符" in client.get(URL, {"q": "a\x00b"}).content.decode()
    assert client.get(URL + "export/", {"action": "erase"}).status_code == 400


def test_pages_follow_one_another(client, auditor_a, town_a):
    for i in range(55):
        Department.objects.create(jurisdiction=town_a, name=f"部门{i:02d}")
    client.force_login(auditor_a)
    first = client.get(URL)
    assert first.context["next_url"]
    second = client.get(URL + first.context["next_url"])
    ids_1 = [r["row"].pk for r in first.context["rows"]]
    ids_2 = [r["row"].pk for r in second.context["rows"]]
    assert len(ids_1) == 50 and max(ids_2) < min(ids_1)
    dept_rows = OperationLog.objects.filter(content_type=ContentType.objects.get_for_model(Department))
    assert set(dept_rows.values_list("pk", flat=True)) <= set(ids_1) | set(ids_2)


def test_export_is_an_excel_file_of_the_filtered_rows(client, auditor_a, some_changes):
    client.force_login(auditor_a)
    resp = client.get(URL + "export/", {"object_type": "org.department"})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(resp.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "时间"
    assert any("党政办 → 党政综合办" in (r[10] or "") for r in rows[1:])
    assert all(r[7] == "部门" for r in rows[1:])


@pytest.mark.parametrize("who", ["clerk", "administrator", "security_admin"])
def test_no_one_but_the_auditor_reads_the_log(client, make_user, town_a, who, some_changes):
    roles = {"clerk": Role.WINDOW_CLERK, "administrator": Role.ADMINISTRATOR, "security_admin": Role.SECURITY_ADMIN}
    user = make_user((town_a, roles[who]), is_staff=True, is_superuser=(who == "administrator"))
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "export/").status_code == 403
    resp = client.get(API)
    assert resp.status_code == 403
    assert resp.json()["code"] == "forbidden"


def test_there_is_no_way_to_change_or_delete_it(client, auditor_a, some_changes):
    client.force_login(auditor_a)
    row = OperationLog.objects.first()
    assert client.post(URL, {"delete": row.pk}).status_code == 405
    assert client.delete(f"{API}/{row.pk}").status_code in (404, 405)
    from django.contrib import admin

    assert OperationLog not in admin.site._registry


def test_the_menu_links_it_for_the_auditor_beside_the_login_log(client, auditor_a, clerk_a):
    client.force_login(auditor_a)
    assert reverse("operation-log") in client.get(reverse("workbench")).content.decode()
    client.force_login(clerk_a)
    assert reverse("operation-log") not in client.get(reverse("workbench")).content.decode()


def test_list_page_query_count_does_not_grow_with_rows(client, auditor_a, town_a, django_assert_max_num_queries):
    for i in range(5):
        Department.objects.create(jurisdiction=town_a, name=f"部门{i}")
    client.force_login(auditor_a)
    client.get(URL)  # warm the content-type cache
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    for i in range(40):
        Department.objects.create(jurisdiction=town_a, name=f"更多部门{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        resp = client.get(URL)
    assert len(resp.context["rows"]) >= 45


def test_api_lists_filters_and_pages_for_the_auditor(client, auditor_a, town_a, some_changes):
    client.force_login(auditor_a)
    body = client.get(API, {"object_type": "org.department", "action": "update"}).json()
    assert [i["changes"] for i in body["items"]] == [{"name": ["党政办", "党政综合办"]}]
    item = body["items"][0]
    assert item["actor_username"] == "admin_a" and item["ip"] == "10.1.2.3" and item["object_type"] == "org.department"
    first = client.get(API, {"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get(API, {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert second["items"][0]["id"] < first["items"][0]["id"]


def test_api_refuses_bad_filters_with_a_422(client, auditor_a):
    client.force_login(auditor_a)
    resp = client.get(API, {"object_type": "cases.case"})
    assert resp.status_code == 422 and resp.json()["field"] == "object_type"
    resp = client.get(API, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert resp.status_code == 422 and resp.json()["field"] == "date_to"
    assert client.get(API, {"date_from": "not-a-date"}).status_code == 422
    assert client.get(API, {"cursor": "x"}).json()["field"] == "cursor"
    assert client.get(API, {"cursor": "9" * 30}).json()["field"] == "cursor"
    assert client.get(API, {"q": "a\x00b"}).json()["field"] == "q"
    assert client.get(API, {"date_to": "9999-12-31"}).json()["field"] == "date_to"
    assert client.get(API, {"date_from": "0001-01-01"}).json()["field"] == "date_from"
    assert client.get(API, {"limit": -5}).status_code == 200


def test_date_range_uses_beijing_days(client, auditor_a, town_a):
    with time_machine.travel(dt.datetime(2026, 5, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        Department.objects.create(jurisdiction=town_a, name="五一部门")
    client.force_login(auditor_a)
    names = lambda **p: [i["object_repr"] for i in client.get(API, p).json()["items"]]  # noqa: E731
    assert "五一部门" in names(date_from="2026-05-01", date_to="2026-05-01")
    assert "五一部门" not in names(date_from="2026-05-02")


def test_a_county_auditor_also_sees_system_rows_without_a_unit(client, make_user, county, town_a):
    User.objects.create_user(username="sysmade", password="Xx-123456789")
    ct = ContentType.objects.get_for_model(User)
    assert OperationLog.objects.filter(content_type=ct, jurisdiction_code="", action=Action.CREATE).exists()
    county_auditor = make_user((county, Role.AUDITOR))
    client.force_login(county_auditor)
    assert "sysmade" in str(client.get(API, {"object_type": "org.user"}).json())
    town_auditor = make_user((town_a, Role.AUDITOR))
    client.force_login(town_auditor)
    assert "sysmade" not in str(client.get(API, {"object_type": "org.user"}).json())

"""节假日, 事件分类导入 and the 自定 data scope of a grant, in 系统管理 (issue 16 item 5: out of the Django admin)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from township.audit.models import Action, OperationLog
from township.core import calendar
from township.core.models import CalendarYear, Holiday, HolidayKind
from township.grid.models import EventClass
from township.org.models import DataScope, Department, Role, RoleGrant

CSV_2027 = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,休,春节\n2027-02-07,班,春节\n"
HEADER = (
    "code,kind,major_code,major_name,minor_code,name,register_standard,close_standard,department_name,urgency,"
    "register_limit,register_unit,dispatch_limit,dispatch_unit,handle_limit,handle_unit,verify_limit,verify_unit,"
    "is_local,public\n"
)


@pytest.fixture(autouse=True)
def _event_classes(db):
    from township.grid.services import event_class_seed_defaults

    event_class_seed_defaults()


def _logged(model: type, object_id: str) -> list[OperationLog]:
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(model)
    return list(OperationLog.objects.filter(content_type=ct, object_id=object_id).order_by("id"))


# --- pages and menu -------------------------------------------------------------------------------------------

PAGES = {
    "/system/calendar/": {"sys", "county"},
    "/system/calendar/2026/": {"sys", "county"},
    "/system/calendar/day/": {"county"},
    "/system/calendar/import/": {"county"},
    "/system/event-class/": {"sys", "county"},
    "/system/event-class/import/": {"county"},
}


@pytest.mark.django_db
def test_each_page_opens_for_its_administrators_only(client, people):
    wrong = []
    for url, allowed in PAGES.items():
        for who in ("sys", "county", "sec", "aud", "clerk"):
            client.force_login(people[who])
            status = client.get(url).status_code
            expected = 200 if who in allowed else 403
            if status != expected:
                wrong.append(f"{who} {url}: {status} (expected {expected})")
    assert not wrong, wrong


@pytest.mark.django_db
def test_menu_entries_open_for_the_roles_that_see_them(client, people):
    from township.core.navigation import menu_for

    for who in ("sys", "county", "sec", "aud"):
        names = {e["url_name"] for e in menu_for(people[who])}
        wanted = {"system:calendar", "system:event-classes"}
        assert (names >= wanted) == (who in ("sys", "county")), who
        client.force_login(people[who])
        for name in names & wanted:
            assert client.get(reverse(name)).status_code == 200, (who, name)
    client.force_login(people["county"])
    page = client.get("/system/").content.decode()
    assert "节假日" in page and "事件分类" in page


@pytest.mark.django_db
def test_calendar_pages_show_the_years_days_and_the_warning(client, people):
    client.force_login(people["sys"])
    page = client.get("/system/calendar/").content.decode()
    assert "2026" in page and "此后计算的期限" in page and "导入年度" not in page  # a town's administrator reads
    page = client.get("/system/calendar/2026/", {"kind": "holiday", "q": "国庆"}).content.decode()
    assert "2026-10-01" in page and "国庆节" in page and "调休上班日" not in page.split("<tbody>")[1]
    assert client.get("/system/calendar/1999/").status_code == 404
    client.force_login(people["county"])
    page = client.get("/system/calendar/").content.decode()
    assert "导入年度" in page and "新增或更正日期" in page
    res = client.get("/system/calendar/2026/", {"export": "xlsx"})
    assert res.status_code == 200


# --- 节假日: corrections and the clocks ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_correction_moves_the_due_dates_computed_afterwards(client, people):
    friday = dt.date(2026, 12, 4)
    assert calendar.add_working_days(friday, 1) == dt.date(2026, 12, 7)
    client.force_login(people["sys"])  # a town's administrator: the table is shared by every town
    form = {"date": "2026-12-07", "kind": "holiday", "name": "临时假日", "reason": "县政府通知〔2026〕1号"}
    assert client.post("/system/calendar/day/", form).status_code == 403
    client.force_login(people["county"])
    res = client.post("/system/calendar/day/", {**form, "reason": ""})
    assert res.status_code == 200 and "请填写依据" in res.content.decode()
    res = client.post("/system/calendar/day/", form)
    assert res.status_code == 302 and res["Location"] == "/system/calendar/2026/"
    assert calendar.add_working_days(friday, 1) == dt.date(2026, 12, 8)  # the clock reads the new day
    row = Holiday.objects.get(date=dt.date(2026, 12, 7))
    assert row.kind == HolidayKind.HOLIDAY and row.source == "县政府通知〔2026〕1号"
    # corrected back to an ordinary day: the row goes, its reason and last values stay in the operation log
    res = client.post(
        "/system/calendar/day/", {"date": "2026-12-07", "kind": "normal", "name": "", "reason": "误录，更正"}
    )
    assert res.status_code == 302 and not Holiday.objects.filter(date=dt.date(2026, 12, 7)).exists()
    assert calendar.add_working_days(friday, 1) == dt.date(2026, 12, 7)
    logged = _logged(Holiday, str(row.pk))
    assert [r.action for r in logged] == [Action.CREATE, Action.UPDATE, Action.DELETE]
    assert logged[1].changes["source"] == ["县政府通知〔2026〕1号", "误录，更正"]
    assert logged[2].changes["kind"][0] == HolidayKind.HOLIDAY and logged[2].actor_username == "sys_county"
    # a day of a year not entered is refused, beside its field
    res = client.post("/system/calendar/day/", {**form, "date": "2031-05-05"})
    assert "尚未录入" in res.content.decode() and not Holiday.objects.filter(date=dt.date(2031, 5, 5)).exists()


@pytest.mark.django_db
def test_a_year_is_imported_after_a_preview(client, people):
    assert not CalendarYear.objects.filter(year=2027).exists()
    with pytest.raises(calendar.CalendarNotCovered):
        calendar.add_working_days(dt.date(2027, 2, 5), 1)
    client.force_login(people["county"])
    upload = SimpleUploadedFile("2027.csv", CSV_2027.encode("utf-8"), content_type="text/csv")
    res = client.post(
        "/system/calendar/import/",
        {"year": "2027", "source": "国办发明电〔2026〕1号", "file": upload, "action": "preview"},
    )
    page = res.content.decode()
    assert res.status_code == 200 and 'id="preview"' in page and "新增 3 天" in page and "确认导入" in page
    assert not CalendarYear.objects.filter(year=2027).exists()  # nothing written by the preview
    res = client.post(
        "/system/calendar/import/",
        {"year": "2027", "source": "国办发明电〔2026〕1号", "text": CSV_2027, "action": "confirm"},
    )
    assert res.status_code == 302 and res["Location"] == "/system/calendar/2027/"
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕1号"
    assert Holiday.objects.filter(date__year=2027).count() == 3
    # Friday 5 February + 1 working day: Saturday 6 is a holiday, Sunday 7 a make-up working day
    assert calendar.add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 7)
    # the preview of a re-import lists the corrections and the days that return to the rule
    changed = "date,kind,name\n2027-01-01,holiday,元旦节\n2027-02-06,休,春节\n"
    res = client.post(
        "/system/calendar/import/", {"year": "2027", "source": "更正通知", "text": changed, "action": "preview"}
    )
    page = res.content.decode()
    assert "更正 1 天" in page and "恢复为普通日 1 天" in page and "元旦节" in page
    res = client.post("/system/calendar/import/", {"year": "2027", "source": "x", "text": "2026-01-01,休"})
    assert "不在 2027 年" in res.content.decode()


# --- 节假日: API ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_api(client, people):
    client.force_login(people["clerk"])
    assert client.get("/api/v1/system/calendar").status_code == 403
    client.force_login(people["sys"])
    years = client.get("/api/v1/system/calendar").json()
    assert any(y["year"] == 2026 and y["working_days"] for y in years)
    body = client.get("/api/v1/system/calendar/2026").json()
    assert any(d["date"] == "2026-10-01" and d["kind"] == "holiday" for d in body["days"])
    assert client.get("/api/v1/system/calendar/1999").status_code == 404
    day = {"kind": "holiday", "name": "临时假日", "reason": "县政府通知"}
    res = client.put("/api/v1/system/calendar/days/2026-12-07", day, content_type="application/json")
    assert res.status_code == 403 and "县级" in res.json()["message"]  # a town's administrator: refused
    client.force_login(people["county"])
    res = client.put("/api/v1/system/calendar/days/2026-12-07", {**day, "kind": "x"}, content_type="application/json")
    assert res.status_code == 422 and res.json()["field"] == "kind" and res.json()["message"] == "请选择类型"
    res = client.put("/api/v1/system/calendar/days/2026-12-07", {**day, "reason": " "}, content_type="application/json")
    assert res.status_code == 422 and res.json()["field"] == "reason"
    res = client.put("/api/v1/system/calendar/days/2026-12-07", day, content_type="application/json")
    assert res.status_code == 200 and res.json()["kind"] == "holiday"
    assert calendar.add_working_days(dt.date(2026, 12, 4), 1) == dt.date(2026, 12, 8)
    res = client.put(
        "/api/v1/system/calendar/days/2026-12-07", {"kind": "normal", "reason": "撤销"}, content_type="application/json"
    )
    assert res.status_code == 200 and res.json()["kind"] == "normal"
    assert calendar.add_working_days(dt.date(2026, 12, 4), 1) == dt.date(2026, 12, 7)
    # import: a preview by default, then for real
    payload = {"year": 2027, "source": "国办通知", "text": CSV_2027}
    res = client.post("/api/v1/system/calendar/import", payload, content_type="application/json")
    assert res.status_code == 200 and not res.json()["applied"] and len(res.json()["added"]) == 3
    assert res.json()["new_year"] and not CalendarYear.objects.filter(year=2027).exists()
    res = client.post("/api/v1/system/calendar/import", {**payload, "dry_run": False}, content_type="application/json")
    assert res.status_code == 200 and res.json()["applied"] and CalendarYear.objects.filter(year=2027).exists()
    bad = {**payload, "text": "2027-13-01,休"}
    res = client.post("/api/v1/system/calendar/import", bad, content_type="application/json")
    assert res.status_code == 422 and res.json()["field"] == "file" and "YYYY-MM-DD" in res.json()["message"]
    res = client.post("/api/v1/system/calendar/import", {**payload, "source": ""}, content_type="application/json")
    assert res.status_code == 422 and res.json()["field"] == "source"
    res = client.post(
        "/api/v1/system/calendar/import", {"year": 2026, "from_package": True}, content_type="application/json"
    )
    assert res.status_code == 200 and res.json()["unchanged"] > 0 and not res.json()["added"]  # the seed


# --- 事件分类导入 ----------------------------------------------------------------------------------------------


def _class_csv(name: str = "暴露垃圾", handle_limit: str = "4", code: str = "200110", minor: str = "10") -> str:
    """One row like the bundled 200110 (暴露垃圾), with the name, 处置时限 and code given."""
    from pathlib import Path

    import township.grid

    data = Path(township.grid.__file__).parent / "data" / "event-classes.csv"
    bundled = next(line for line in data.read_text(encoding="utf-8").splitlines() if line.startswith("200110,"))
    cells = bundled.split(",")
    cells[0], cells[4], cells[5], cells[14] = code, minor, name, handle_limit
    return HEADER + ",".join(cells) + "\n"


@pytest.mark.django_db
def test_event_class_import_preview_and_confirm(client, people):
    existing = EventClass.objects.get(code="200110")
    client.force_login(people["sys"])
    assert client.post("/system/event-class/import/", {"text": _class_csv()}).status_code == 403
    client.force_login(people["county"])
    text = _class_csv(handle_limit="3") + _class_csv(name="新增类别", code="200199", minor="99").split("\n", 1)[1]
    upload = SimpleUploadedFile("classes.csv", text.encode("utf-8"), content_type="text/csv")
    res = client.post("/system/event-class/import/", {"file": upload, "action": "preview"})
    page = res.content.decode()
    assert res.status_code == 200 and "新增 1 个，修改 1 个" in page and "200199" in page and "处置时限" in page
    assert not EventClass.objects.filter(code="200199").exists()  # the preview writes nothing
    res = client.post("/system/event-class/import/", {"text": text, "action": "confirm"})
    assert res.status_code == 302 and res["Location"] == "/system/event-class/"
    existing.refresh_from_db()
    assert existing.handle_limit == 3 and EventClass.objects.get(code="200199").name == "新增类别"
    assert [r.action for r in _logged(EventClass, str(existing.pk))][-1] == Action.UPDATE
    # a row error: listed in the preview, and the confirm refuses it
    bad = _class_csv(code="200111")
    res = client.post("/system/event-class/import/", {"text": bad, "action": "preview"})
    assert "第2行：类别编码应为 200110" in res.content.decode() and "确认导入" not in res.content.decode()
    res = client.post("/system/event-class/import/", {"text": bad, "action": "confirm"})
    assert res.status_code == 200 and "类别编码应为" in res.content.decode()
    # Excel, first sheet
    from openpyxl import Workbook

    wb = Workbook()
    for line in _class_csv(name="暴露垃圾（Excel）").strip().split("\n"):
        wb.active.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("classes.xlsx", buf.getvalue())
    page = client.post("/system/event-class/import/", {"file": upload, "action": "preview"}).content.decode()
    assert "修改 1 个" in page and "暴露垃圾（Excel）" in page
    assert (
        client.get("/system/event-class/import/", {"template": "csv"})
        .content.decode()
        .lstrip("\ufeff")
        .startswith("code,kind")
    )
    assert "200199" in client.get("/system/event-class/", {"q": "新增"}).content.decode()


@pytest.mark.django_db
def test_event_class_api(client, people):
    client.force_login(people["aud"])
    assert client.get("/api/v1/system/event-classes").status_code == 403
    client.force_login(people["sys"])
    assert any(c["code"] == "200110" for c in client.get("/api/v1/system/event-classes").json())
    body = {"text": _class_csv(handle_limit="5")}
    res = client.post("/api/v1/system/event-classes/import", body, content_type="application/json")
    assert res.status_code == 403  # shared by every town: county level only
    client.force_login(people["county"])
    res = client.post("/api/v1/system/event-classes/import", body, content_type="application/json")
    out = res.json()
    assert res.status_code == 200 and not out["applied"] and out["changed"][0]["code"] == "200110"
    assert out["changed"][0]["fields"] == [{"field": "处置时限", "before": 4, "after": 5}]
    res = client.post(
        "/api/v1/system/event-classes/import", {**body, "dry_run": False}, content_type="application/json"
    )
    assert res.status_code == 200 and EventClass.objects.get(code="200110").handle_limit == 5
    bad = {"text": _class_csv(code="200111"), "dry_run": False}
    res = client.post("/api/v1/system/event-classes/import", bad, content_type="application/json")
    assert res.status_code == 422 and res.json()["field"] == "file" and "类别编码应为" in res.json()["message"]
    res = client.post("/api/v1/system/event-classes/import", {"text": ""}, content_type="application/json")
    assert res.status_code == 422 and res.json()["field"] == "file"


# --- 自定 data scope of a grant --------------------------------------------------------------------------------


def _cameras(town_a, village_a, village_a2):
    from township.cameras.models import Camera

    made = {}
    for key, village in (("town", None), ("a", village_a), ("a2", village_a2)):
        made[key] = Camera.objects.create(
            jurisdiction=town_a, village=village, device_id=f"5001161080013200000{len(made)}", name=key, lon=1, lat=1
        )
    return made


@pytest.fixture
def village_a2(town_a):
    from township.org.models import Jurisdiction, Level

    return Jurisdiction.objects.get_or_create(
        code="500116108203", defaults={"name": "金盆村", "level": Level.VILLAGE, "parent": town_a}
    )[0]


@pytest.mark.django_db
def test_a_custom_scope_is_granted_on_the_user_page_and_narrows_what_the_grantee_sees(
    client, people, make_user, town_a, town_b, village_a, village_a2
):
    from township.cameras.models import Camera
    from township.org.scoping import scope

    cams = _cameras(town_a, village_a, village_a2)
    leader = people["clerk"]
    client.force_login(people["sec"])
    url = f"/system/user/{leader.pk}/"
    page = client.get(url).content.decode()
    assert 'name="custom_units"' in page and "自定" in page
    base = {"action": "grant", "unit": town_a.code, "role": Role.LEADER, "data_scope": DataScope.CUSTOM}
    # nothing ticked, or a unit outside the administrator's towns: refused, nothing granted (fail-closed)
    page = client.post(url, base).content.decode()
    assert "至少勾选一个" in page
    page = client.post(url, {**base, "custom_units": [town_b.code]}).content.decode()
    assert "选择一个有效的选项" in page or "您管理的单位" in page
    assert not RoleGrant.objects.filter(user=leader, role=Role.LEADER).exists()
    res = client.post(url, {**base, "custom_units": [village_a.code]})
    assert res.status_code == 302
    grant = RoleGrant.objects.get(user=leader, role=Role.LEADER)
    assert grant.data_scope == DataScope.CUSTOM and [u.code for u in grant.custom_units.all()] == [village_a.code]
    assert "石门村" in client.get(url).content.decode()
    logged = _logged(RoleGrant, str(grant.pk))
    assert any(r.changes.get("custom_units") == [[], [village_a.code]] for r in logged)
    # the grantee's 数据权限 as a leader: only 石门村's rows, not the town's nor 金盆村's
    leader.refresh_from_db()
    s = scope(leader, [Role.LEADER])
    assert s.codes == frozenset() and s.villages == {(town_a.code, village_a.code)}
    seen = set(Camera.objects.filter(s.q(leader, department_field=None)).values_list("name", flat=True))
    assert seen == {"a"} and len(cams) == 3
    # the same role granted with 本单位 sees all three: the narrowing is the custom scope's
    other = make_user((town_a, Role.LEADER), username="leader_unit")
    wide = scope(other, [Role.LEADER])
    assert set(Camera.objects.filter(wide.q(other, department_field=None)).values_list("name", flat=True)) == {
        "town",
        "a",
        "a2",
    }


@pytest.mark.django_db
def test_custom_scope_api(client, people, town_a, town_b, village_a):
    dept = Department.objects.create(jurisdiction=town_a, name="供电所")
    foreign = Department.objects.create(jurisdiction=town_b, name="环卫所")
    target = people["clerk"]
    url = f"/api/v1/system/users/{target.pk}/grants"
    body = {"unit": town_a.code, "role": Role.HANDLER, "data_scope": "custom"}
    client.force_login(people["sys"])
    assert (
        client.post(url, {**body, "custom_departments": [dept.pk]}, content_type="application/json").status_code == 403
    )
    client.force_login(people["sec"])
    res = client.post(url, body, content_type="application/json")
    assert res.status_code == 422 and res.json()["field"] == "data_scope" and "至少勾选" in res.json()["message"]
    res = client.post(url, {**body, "custom_departments": [foreign.pk]}, content_type="application/json")
    assert res.status_code == 422 and res.json()["field"] == "custom_departments"
    res = client.post(url, {**body, "custom_units": [town_b.code]}, content_type="application/json")
    assert res.status_code == 422 and res.json()["field"] == "custom_units"
    res = client.post(
        url, {**body, "data_scope": "unit", "custom_units": [village_a.code]}, content_type="application/json"
    )
    assert res.status_code == 422 and res.json()["field"] == "data_scope"
    assert not RoleGrant.objects.filter(user=target, role=Role.HANDLER).exists()
    res = client.post(
        url,
        {**body, "custom_departments": [dept.pk], "custom_units": [village_a.code]},
        content_type="application/json",
    )
    assert res.status_code == 201
    grant = next(g for g in res.json()["grants"] if g["role"] == Role.HANDLER)
    assert grant["data_scope"] == "custom" and grant["custom_departments"] == [dept.pk]
    assert grant["custom_units"] == [village_a.code]
    from township.org.scoping import scope

    target.refresh_from_db()
    s = scope(target, [Role.HANDLER])
    assert s.departments == {(town_a.code, dept.pk)} and s.villages == {(town_a.code, village_a.code)}
    # another town's security administrator cannot even see the user
    client.force_login(people["sec_b"])
    res = client.post(
        url, {**body, "unit": town_b.code, "custom_departments": [foreign.pk]}, content_type="application/json"
    )
    assert res.status_code == 404

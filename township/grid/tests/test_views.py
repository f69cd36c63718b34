"""Pages and API endpoints: they render, stay scoped to the user's towns and keep query counts flat."""

from __future__ import annotations

import pytest

from township.grid import services
from township.grid.machine import S
from township.grid.models import Event
from township.grid.tests.conftest import photo


@pytest.fixture
def events(report, dispatcher_a):
    made = [report(lon=106.02 + i * 0.002, description=f"垃圾{i}") for i in range(3)]
    services.event_register(event=made[0], actor=dispatcher_a)
    return made


@pytest.mark.parametrize(
    "name", ["grid:desk", "grid:events", "grid:map", "grid:report", "grid:grids", "grid:evaluation", "grid:handovers"]
)
def test_staff_pages_render(client, dispatcher_a, events, name):
    from django.urls import reverse

    client.force_login(dispatcher_a)
    resp = client.get(reverse(name))
    assert resp.status_code == 200
    assert "<html" in resp.content.decode()


def test_pages_require_login(client, db):
    resp = client.get("/grid/")
    assert resp.status_code == 302


def test_desk_lists_incoming_and_waiting_with_suggested_department(client, dispatcher_a, events, dept_a):
    client.force_login(dispatcher_a)
    body = client.get("/grid/").content.decode()
    assert events[1].case.number in body and events[0].case.number in body
    assert f'<option value="{dept_a.pk}" selected>环卫所</option>' in body


def test_desk_without_a_suggestion_asks_for_the_department(client, dispatcher_a, events, town_a):
    """No department answers the event's class: the one-click 派遣 on the desk must not default to the first one."""
    from township.org.models import Department

    other = Department.objects.create(jurisdiction=town_a, name="财政局", kind="handler")
    client.force_login(dispatcher_a)
    body = client.get("/grid/").content.decode()
    assert '<option value="" selected>请选择处置部门</option>' in body
    assert f'<option value="{other.pk}" selected>' not in body


def test_desk_query_count_does_not_grow_with_events(client, dispatcher_a, report, django_assert_max_num_queries):
    client.force_login(dispatcher_a)
    report()
    client.get("/grid/")
    with django_assert_max_num_queries(20) as small:
        client.get("/grid/")
    for i in range(6):
        report(lon=106.03 + i * 0.002)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/grid/")


def test_event_list_query_count_is_flat(client, dispatcher_a, report, django_assert_max_num_queries):
    client.force_login(dispatcher_a)
    report()
    client.get("/grid/events/")
    with django_assert_max_num_queries(20) as small:
        client.get("/grid/events/")
    for i in range(5):
        report(lon=106.03 + i * 0.002)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/grid/events/")


def test_another_town_cannot_see_or_act(client, dispatcher_b, events):
    client.force_login(dispatcher_b)
    assert client.get(f"/grid/events/{events[0].pk}/").status_code == 404
    assert client.post(f"/cases/{events[1].case_id}/actions/register/").status_code == 404
    assert events[1].case.number not in client.get("/grid/").content.decode()
    assert client.get(f"/api/v1/grid/events/{events[0].pk}").status_code == 404
    assert client.get("/api/v1/grid/events").json()["items"] == []
    assert client.post(f"/api/v1/cases/{events[1].case_id}/actions/register").status_code == 404
    assert client.get("/api/v1/grid/map").json() == []


def test_event_detail_steps_through_the_web(client, dispatcher_a, events, dept_a):
    client.force_login(dispatcher_a)
    e = events[0]
    body = client.get(f"/grid/events/{e.pk}/").content.decode()
    assert "派遣" in body
    page = f"/grid/events/{e.pk}/"
    resp = client.post(f"/cases/{e.case_id}/actions/dispatch/", {"department": dept_a.pk, "next": page})
    assert resp.status_code == 302 and resp["Location"] == page
    e.case.refresh_from_db()
    assert e.case.state == S.DISPATCHED
    # a refused step shows the Chinese message, keeps the input and changes nothing
    resp = client.post(f"/cases/{e.case_id}/actions/close_event/", {"reason": "试图结案", "next": page}, follow=True)
    assert "不能执行" in resp.content.decode()
    e.case.refresh_from_db()
    assert e.case.state == S.DISPATCHED


def test_mobile_report_page_creates_an_event(client, patroller_a, grids):
    client.force_login(patroller_a)
    resp = client.post(
        "/grid/report/",
        {"event_class": "200110", "lon": "106.02", "lat": "29.05", "description": "村口垃圾", "photos": [photo()]},
    )
    assert resp.status_code == 302
    event = Event.objects.get()
    assert event.grid_id == grids["west"].pk and event.photos.count() == 1
    bad = client.post("/grid/report/", {"event_class": "200110", "lon": "100", "lat": "20", "description": "x"})
    assert "不在任何网格内" in bad.content.decode()


def test_mobile_report_page_offers_the_patrol_units(client, patroller_a, grids, town_a):
    client.force_login(patroller_a)
    html = client.get("/grid/report/").content.decode()
    assert f'<option value="{town_a.code}">' in html


def test_public_report_gives_a_ticket_and_tracking_works(client, grids):
    resp = client.post(
        "/grid/public/report/",
        {
            "event_class": "200110",
            "lon": "106.02",
            "lat": "29.05",
            "description": "垃圾没人清",
            "contact_phone": "13900000000",
        },
    )
    assert resp.status_code == 302
    event = Event.objects.get()
    assert event.ticket in resp["Location"]
    body = client.get(resp["Location"]).content.decode()
    assert event.ticket in body and "待核实" in body
    assert "13900000000" not in body
    assert client.get("/grid/public/report/").status_code == 200
    assert client.get("/grid/public/grids.geojson").json()["type"] == "FeatureCollection"


def test_grid_import_and_export_pages(client, dispatcher_a, grids):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(dispatcher_a)
    exported = client.get("/grid/grids/?format=geojson")
    assert exported.status_code == 200 and len(exported.json()["features"]) == 6
    bad = SimpleUploadedFile(
        "g.geojson",
        b'{"type":"FeatureCollection","features":[{"type":"Feature",'
        b'"geometry":{"type":"Polygon","coordinates":[[[106.1,29.1],[106.3,29.1],[106.3,29.3],'
        b'[106.1,29.3],[106.1,29.1]]]},"properties":{"code":"50011610800001","name":"x","level":1}}]}',
    )
    body = client.post("/grid/grids/", {"file": bad}, follow=True).content.decode()
    assert "重叠" in body


# --- API --------------------------------------------------------------------------------------


def test_api_report_list_and_steps(client, patroller_a, dispatcher_a, handler_a, grids, dept_a):
    client.force_login(patroller_a)
    resp = client.post(
        "/api/v1/grid/events",
        {"event_class": "200110", "lon": 106.02, "lat": 29.05, "description": "API 上报", "photos": [photo()]},
    )
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["grid"] == "50011610820101" and data["state"] == "reported"
    dup = client.get("/api/v1/grid/duplicates", {"event_class": "200110", "lon": 106.0201, "lat": 29.05})
    assert [d["id"] for d in dup.json()] == [data["id"]]
    client.force_login(dispatcher_a)
    case_id = data["case_id"]
    offers = client.get(f"/api/v1/cases/{case_id}/actions").json()
    assert [(a["name"], a["enabled"]) for a in offers] == [
        ("register", True),
        ("reject", True),
        ("cancel", True),
        ("handover", True),
    ]
    j = "application/json"
    assert client.post(f"/api/v1/cases/{case_id}/actions/register", {}, content_type=j).json()["case"]["state"] == (
        "registered"
    )
    refused = client.post(f"/api/v1/cases/{case_id}/actions/dispatch", {}, content_type=j)
    assert refused.status_code == 409 and refused.json()["code"] == "dispatch_target_required"
    bad = client.post(f"/api/v1/cases/{case_id}/actions/dispatch", {"department": "环卫所"}, content_type=j)
    assert bad.status_code == 422 and bad.json()["field"] == "department"
    ok = client.post(f"/api/v1/cases/{case_id}/actions/dispatch", {"department": dept_a.pk}, content_type=j)
    assert ok.status_code == 200, ok.content
    assert client.get(f"/api/v1/grid/events/{data['id']}").json()["department"] == "环卫所"
    client.force_login(handler_a)
    client.post(f"/api/v1/cases/{case_id}/actions/sign", {}, content_type=j)
    fb = client.post(f"/api/v1/cases/{case_id}/actions/feedback", {"reason": "已清运", "photos": [photo()]})
    assert fb.json()["case"]["state"] == "handled"


def test_api_lists_have_flat_query_counts(client, dispatcher_a, report, django_assert_max_num_queries):
    from township.core import jsonout
    from township.grid import counts

    client.force_login(dispatcher_a)
    report()
    for url in (
        "/api/v1/grid/events",
        "/api/v1/grid/map",
        "/api/v1/grid/grids",
        "/api/v1/grid/grids.geojson",
        "/api/v1/grid/evaluation?by=grid",
    ):
        client.get(url)
        jsonout.clear_caches()  # the answers built, not served from the map's or the outlines' cache
        with django_assert_max_num_queries(12) as few:
            assert client.get(url).status_code == 200
        for i in range(4):
            report(lon=106.03 + i * 0.003)
        counts.flush()  # the summary recount runs when a transaction commits; a test's never does
        jsonout.clear_caches()
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url)


def test_api_locate_and_classes_are_public(client, grids):
    from township.grid import geo

    assert client.get("/api/v1/grid/locate", {"lon": 106.02, "lat": 29.05}).json()["grid"]["code"] == "50011610820101"
    glon, glat = geo.wgs84_to_gcj02(106.02, 29.05)
    located = client.get("/api/v1/grid/locate", {"lon": glon, "lat": glat, "crs": "gcj02"}).json()
    assert located["grid"]["code"] == "50011610820101"
    assert client.get("/api/v1/grid/locate", {"lon": 100, "lat": 20}).json()["grid"] is None
    assert len(client.get("/api/v1/grid/classes").json()) > 80


def test_api_patrol_track(client, patroller_a, town_a, grids):
    client.force_login(patroller_a)
    p = client.post(
        "/api/v1/grid/patrols", {"jurisdiction": town_a.code, "grid": grids["west"].pk}, content_type="application/json"
    ).json()
    r = client.post(
        f"/api/v1/grid/patrols/{p['id']}/points",
        [{"lon": 106.01, "lat": 29.01}, {"lon": 106.02, "lat": 29.01}],
        content_type="application/json",
    )
    assert r.json()["point_count"] == 2
    assert client.post(f"/api/v1/grid/patrols/{p['id']}/end").json()["ended_at"]


def test_api_handover(client, dispatcher_a, report):
    e = report()
    client.force_login(dispatcher_a)
    url = f"/api/v1/cases/{e.case_id}/actions/handover"
    r = client.post(url, {"reason": "需立案查处"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert e.handovers.count() == 1
    offers = {a["name"]: a for a in client.get(f"/api/v1/cases/{e.case_id}/actions").json()}
    assert offers["handover"]["enabled"] is False and offers["handover"]["reason"] == "该事件已移交执法"
    again = client.post(url, {"reason": "x"}, content_type="application/json")
    assert again.status_code == 422 and again.json()["code"] == "handover_exists"


def test_duplicate_reports_are_linked_through_the_action(client, dispatcher_a, report):
    first = report(lon=106.02, lat=29.05)
    second = report(lon=106.0201, lat=29.05)
    client.force_login(dispatcher_a)
    page = client.get(f"/grid/events/{second.pk}/").content.decode()
    assert 'data-action="link_duplicate"' in page and first.case.number in page
    r = client.post(
        f"/cases/{second.case_id}/actions/link_duplicate/",
        {"original": first.pk, "next": f"/grid/events/{second.pk}/"},
    )
    assert r.status_code == 302
    second.refresh_from_db()
    assert second.duplicate_of_id == first.pk and second.case.state == "cancelled"
    # nothing near an event: the step is not offered at all
    lone = report(lon=106.05, lat=29.07)
    offers = {a["name"]: a for a in client.get(f"/api/v1/cases/{lone.case_id}/actions").json()}
    assert "link_duplicate" not in offers and offers["handover"]["enabled"]


def test_admin_lists_and_imports_event_classes(client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from township.grid.models import EventClass
    from township.org.models import User

    admin = User.objects.create_superuser(username="root", password="Test-pass-123")
    client.force_login(admin)
    assert client.get("/admin/grid/eventclass/").status_code == 200
    csv_text = (
        "code,kind,major_code,major_name,minor_code,name,handle_limit,handle_unit\n"
        "202104,event,21,扩展事件,04,占道晾晒,2,working_hours\n"
        "202199,event,21,扩展事件,05,错码,2,working_hours\n"
    )
    bad = client.post(
        "/admin/grid/eventclass/import-csv/", {"file": SimpleUploadedFile("c.csv", csv_text.encode())}, follow=True
    )
    assert "第3行" in bad.content.decode()
    assert not EventClass.objects.filter(code="202104").exists()
    good = csv_text.splitlines()[0] + "\n" + csv_text.splitlines()[1] + "\n"
    client.post("/admin/grid/eventclass/import-csv/", {"file": SimpleUploadedFile("c.csv", good.encode())})
    assert EventClass.objects.get(code="202104").handle_limit == 2


def test_case_link_opens_the_event_page(client, dispatcher_a, dispatcher_b, events):
    client.force_login(dispatcher_a)
    resp = client.get(f"/grid/cases/{events[0].case_id}/")
    assert resp.status_code == 302 and resp["Location"] == f"/grid/events/{events[0].pk}/"
    client.force_login(dispatcher_b)
    assert client.get(f"/grid/cases/{events[0].case_id}/").status_code == 404


def test_grid_list_shows_staff_with_flat_queries(client, dispatcher_a, grids, make_user, django_assert_max_num_queries):
    from township.org.models import Role

    client.force_login(dispatcher_a)
    services.grid_staff_assign(
        grid=grids["west"], user=make_user(full_name="网格员张三"), role=Role.GRID_PATROLLER, actor=None
    )
    client.get("/grid/grids/")
    with django_assert_max_num_queries(20) as few:
        body = client.get("/grid/grids/").content.decode()
    assert "网格巡查员：网格员张三" in body
    for i, g in enumerate(("east", "jinpen", "village")):
        services.grid_staff_assign(
            grid=grids[g], user=make_user(full_name=f"网格员{i}"), role=Role.GRID_HEAD, actor=None
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/grid/grids/")


def test_map_points_flag_the_overdue_steps(client, dispatcher_a, report, dept_a, time_machine):
    from datetime import timedelta

    late, on_time = report(), report(lon=106.021)
    services.event_register(event=on_time, actor=dispatcher_a)
    services.event_dispatch(event=on_time, actor=dispatcher_a, department=dept_a)  # 4 working hours to handle
    on_time.case.refresh_from_db()
    time_machine.move_to(late.case.due_at + timedelta(minutes=5))
    assert on_time.case.due_at > late.case.due_at + timedelta(minutes=5)
    client.force_login(dispatcher_a)
    points = {p["id"]: p for p in client.get("/api/v1/grid/map").json()}
    assert points[late.pk]["overdue"] is True and points[on_time.pk]["overdue"] is False
    assert points[late.pk]["number"] == late.case.number and points[late.pk]["class_"]

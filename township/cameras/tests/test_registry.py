"""The camera registry: GB/T 28181 device ids, create/update rules, Excel import and export, scoping."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from township.cameras import selectors, services
from township.cameras.models import Camera
from township.cameras.tests.conftest import DEVICE_A, DEVICE_A2
from township.core.errors import DomainError, NotFound, PermissionRefused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value",
    [
        "5001161000132000000",  # 19 digits
        "500116100013200000011",  # 21 digits
        "5001161000132000000A",  # not a digit
        "32028110001320000001",  # another county
        "50011610002000000001",  # type 200: not a video device
    ],
)
def test_device_id_refused(value):
    with pytest.raises(DomainError) as exc:
        services.device_id_check(value, "500116108")
    assert exc.value.code == "device_id_invalid"
    assert exc.value.field == "device_id"


def test_device_id_accepted():
    assert services.device_id_check(f" {DEVICE_A} ", "500116108") == DEVICE_A
    assert services.device_id_check("50011610001310000009", "500116108")  # 131 摄像机


def test_create_locates_grid_and_village(camera_a, grids, village_a):
    assert camera_a.grid_id == grids["west"].pk  # the smallest grid holding the point
    assert camera_a.village_id == village_a.code
    assert camera_a.jurisdiction_id == "500116108"


def test_create_refuses_duplicates_and_non_managers(camera_a, patroller_a, dispatcher_a, town_a):
    data = services.CameraData(device_id=DEVICE_A, name="重复", lon=106.02, lat=29.05)
    with pytest.raises(DomainError) as exc:
        services.camera_create(actor=dispatcher_a, jurisdiction=town_a.code, data=data)
    assert exc.value.code == "device_id_taken"
    data.device_id = DEVICE_A2
    with pytest.raises(PermissionRefused):
        services.camera_create(actor=patroller_a, jurisdiction=town_a.code, data=data)


def test_scoping(camera_a, patroller_a, dispatcher_b, make_user, town_a):
    from township.org.models import Role

    assert list(selectors.camera_list(actor=patroller_a)) == [camera_a]
    assert list(selectors.camera_list(actor=dispatcher_b)) == []
    with pytest.raises(NotFound):
        selectors.camera_get(actor=dispatcher_b, pk=camera_a.pk)
    clerk = make_user((town_a, Role.WINDOW_CLERK))
    assert list(selectors.camera_list(actor=clerk)) == []  # fail-closed for roles without need


def test_api_create_list_detail(client, dispatcher_a, dispatcher_b, grids, town_a):
    client.force_login(dispatcher_a)
    body = {"jurisdiction": town_a.code, "device_id": DEVICE_A, "name": "白沙场镇", "lon": 106.1, "lat": 29.1}
    r = client.post("/api/v1/cameras/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    bad = client.post("/api/v1/cameras/", {**body, "device_id": "123"}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["code"] == "device_id_invalid" and bad.json()["field"] == "device_id"
    r = client.get("/api/v1/cameras/?q=白沙")
    assert r.json()["count"] == 1
    assert client.get(f"/api/v1/cameras/{pk}").json()["device_id"] == DEVICE_A
    geo = client.get("/api/v1/cameras/geojson").json()
    assert geo["features"][0]["geometry"]["coordinates"] == [106.1, 29.1]
    client.force_login(dispatcher_b)
    assert client.get(f"/api/v1/cameras/{pk}").status_code == 404
    assert client.get("/api/v1/cameras/geojson").json()["features"] == []
    r = client.put(f"/api/v1/cameras/{pk}", {**body, "name": "改"}, content_type="application/json")
    assert r.status_code == 404
    assert Camera.objects.get(pk=pk).name == "白沙场镇"


def _xlsx(rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(services.COLUMNS))
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_all_or_nothing(client, dispatcher_a, grids, town_a, village_a):
    good = [
        DEVICE_A,
        "村口",
        106.02,
        29.05,
        "石门村",
        "",
        "",
        "雪亮工程",
        "HLS",
        "https://v.example/a.m3u8",
        "",
        "公安",
        "在线",
    ]
    bad = [DEVICE_A2, "", 106.02, 29.05, "", "", "", "", "", "", "", "", ""]
    client.force_login(dispatcher_a)
    r = client.post(
        "/api/v1/cameras/import",
        {"jurisdiction": town_a.code, "file": SimpleUploadedFile("c.xlsx", _xlsx([good, bad]))},
    )
    assert r.status_code == 400
    assert r.json()["errors"][0] == {"row": 3, "column": "名称", "message": "请填写名称"}
    assert Camera.objects.count() == 0
    r = client.post(
        "/api/v1/cameras/import", {"jurisdiction": town_a.code, "file": SimpleUploadedFile("c.xlsx", _xlsx([good]))}
    )
    assert r.json() == {"created": 1, "updated": 0}
    cam = Camera.objects.get()
    assert cam.village_id == village_a.code and cam.network == "sharp_eyes"
    good[1] = "村口（改）"
    r = client.post(
        "/api/v1/cameras/import", {"jurisdiction": town_a.code, "file": SimpleUploadedFile("c.xlsx", _xlsx([good]))}
    )
    assert r.json() == {"created": 0, "updated": 1}
    assert Camera.objects.get().name == "村口（改）"


def test_export_round_trips(client, camera_a, dispatcher_a):
    from openpyxl import load_workbook

    client.force_login(dispatcher_a)
    r = client.get("/cameras/export/")
    assert r.status_code == 200
    ws = load_workbook(BytesIO(b"".join(r.streaming_content))).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == services.COLUMNS
    assert rows[1][0] == DEVICE_A and rows[1][1] == "石门村口"


def test_pages(client, camera_a, dispatcher_a, make_user, town_a, dispatcher_b):
    from township.org.models import Role

    client.force_login(dispatcher_a)
    r = client.get("/cameras/")
    assert r.status_code == 200 and "石门村口" in r.content.decode()
    assert 'id="township-map-config"' in r.content.decode()
    r = client.get(f"/cameras/{camera_a.pk}/")
    page = r.content.decode()
    assert r.status_code == 200 and "a.m3u8" in page and "抓拍为证据" in page
    # hls.js is fetched only by browsers without native HLS (its light build): no 600 KB script on the page itself
    assert 'data-hls="/static/vendor/hls.js/dist/hls.light.min.js"' in page and "hls.min.js" not in page
    client.force_login(make_user((town_a, Role.WINDOW_CLERK)))
    assert client.get("/cameras/").status_code == 403
    client.force_login(dispatcher_b)
    assert client.get(f"/cameras/{camera_a.pk}/").status_code == 404


def test_list_query_count_constant(client, camera_a, dispatcher_a, town_a, django_assert_max_num_queries):
    client.force_login(dispatcher_a)
    client.get("/api/v1/cameras/")
    for i in range(3, 13):
        Camera.objects.create(
            jurisdiction=town_a,
            device_id=f"500116100013200000{i:02d}",
            name=f"c{i}",
            lon=106.01,
            lat=29.01,
            grid=camera_a.grid,
            village=camera_a.village,
        )
    with django_assert_max_num_queries(12):
        r = client.get("/api/v1/cameras/")
    assert r.json()["count"] == 11


def test_map_config(settings, dispatcher_a, make_user, town_a):
    """The layers offered to the map: tiles from the settings, cameras and party only to the roles that see them."""
    from township.cameras.templatetags.camera_tags import map_config_for
    from township.org.models import Role

    settings.TOWNSHIP_MAP_TILE_URL = "https://t{s}.tiles.example/{z}/{x}/{y}.png"
    settings.TOWNSHIP_MAP_TILE_SUBDOMAINS = "0123"
    config = map_config_for(dispatcher_a)
    assert config["tiles"]["url"].startswith("https://t{s}") and config["tiles"]["subdomains"] == ["0", "1", "2", "3"]
    assert config["cameras"]["url"] == "/api/v1/cameras/geojson"
    assert config["party"]["url"] == "/api/v1/party/geojson"  # masked for a dispatcher, decided by the API
    clerk = make_user((town_a, Role.WINDOW_CLERK))
    assert map_config_for(clerk)["cameras"] is None and map_config_for(clerk)["party"] is None
    settings.TOWNSHIP_MAP_TILE_URL = ""
    assert map_config_for(None)["tiles"]["url"] == ""


def test_grid_map_includes_layers(client, dispatcher_a):
    client.force_login(dispatcher_a)
    html = client.get("/grid/map/").content.decode()
    assert 'id="township-map-config"' in html
    assert html.index("cameras/maplayers.js") < html.index("grid/gridmap.js")

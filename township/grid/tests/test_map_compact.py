"""The map's compact encoding (issue 18): columns decode to the same points as rows, the statements stay constant
as points grow, and the grid GeoJSON answers 304 to its ETag."""

from __future__ import annotations

import pytest

from township.core import jsonout
from township.grid import counts, services

pytestmark = pytest.mark.django_db


def _decode(data):
    return [
        {
            "id": data["id"][i],
            "lon": data["lon"][i],
            "lat": data["lat"][i],
            "state": data["states"][data["state"][i]],
            "number": data["number"][i],
            "class_": data["classes"][data["class_"][i]],
            "overdue": data["overdue"][i] == 1,
        }
        for i in range(data["count"])
    ]


def test_columns_decode_to_the_rows(client, dispatcher_a, report, dept_a):
    a, b, c = report(), report(lon=106.021), report(lon=106.022, event_class="200201")
    services.event_register(event=b, actor=dispatcher_a)
    client.force_login(dispatcher_a)
    rows = client.get("/api/v1/grid/map").json()
    resp = client.get("/api/v1/grid/map?format=columns")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/json"
    cols = resp.json()
    assert cols["count"] == 3 and len(cols["states"]) == 2  # 待受理 twice, 已立案 once: a legend of two
    assert _decode(cols) == rows
    assert {p["id"] for p in rows} == {a.pk, b.pk, c.pk}
    assert rows[0].keys() == {"id", "lon", "lat", "state", "number", "class_", "overdue"}


def test_bad_format_is_a_422_naming_it(client, dispatcher_a):
    client.force_login(dispatcher_a)
    resp = client.get("/api/v1/grid/map?format=xml")
    assert resp.status_code == 422


def test_map_statements_do_not_grow_with_points(client, dispatcher_a, report, django_assert_max_num_queries):
    report()
    client.force_login(dispatcher_a)
    client.get("/api/v1/grid/map?format=columns")
    jsonout.clear_caches()  # each answer below is built (after a report its ETag changes anyway)
    with django_assert_max_num_queries(50) as few:
        client.get("/api/v1/grid/map?format=columns")
    for i in range(6):
        report(lon=106.02 + i / 1000, event_class="200201" if i % 2 else "200110")
    counts.flush()  # what each report's commit does (the test's transaction never commits): the open points
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/grid/map?format=columns").json()["count"] == 7
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/grid/map").json()) == 7


def test_grid_geojson_revalidates_with_its_etag(client, dispatcher_a, grids):
    client.force_login(dispatcher_a)
    first = client.get("/api/v1/grid/grids.geojson?level=3")
    assert first.status_code == 200 and first["ETag"] and "max-age" in first["Cache-Control"]
    assert {f["properties"]["code"] for f in first.json()["features"]} >= {grids["west"].code}
    again = client.get("/api/v1/grid/grids.geojson?level=3", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    other_level = client.get("/api/v1/grid/grids.geojson?level=2")
    assert other_level["ETag"] != first["ETag"]
    services.grid_deactivate(grid=grids["west"], actor=None)
    changed = client.get("/api/v1/grid/grids.geojson?level=3", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert grids["west"].code not in {f["properties"]["code"] for f in changed.json()["features"]}


def test_grid_geojson_is_scoped_per_user(client, dispatcher_a, make_user, town_b, grids):
    client.force_login(dispatcher_a)
    mine = client.get("/api/v1/grid/grids.geojson")
    client.force_login(make_user((town_b, "dispatcher")))
    theirs = client.get("/api/v1/grid/grids.geojson")
    assert mine.json()["features"] and theirs.json()["features"] == []
    assert mine["ETag"] != theirs["ETag"]


def test_map_body_is_compact_utf8_json(client, dispatcher_a, report):
    """The body is written by orjson: UTF-8 (no \\u escapes), no spaces, and standard JSON a client reads back."""
    import json

    report(event_class="200201")
    client.force_login(dispatcher_a)
    body = client.get("/api/v1/grid/map?format=columns").content
    data = json.loads(body.decode("utf-8"))
    assert data["count"] == 1 and data["classes"][0]
    assert data["classes"][0].encode("utf-8") in body and b"\\u" not in body
    assert b", " not in body and b": " not in body

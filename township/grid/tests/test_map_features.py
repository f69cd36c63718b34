"""Roads and rivers of the town's own map (issue 15): import (page with preview then save, API, command) with every
error per feature in Chinese and a 4xx naming the field, the scoped compact read, the layer on the map pages, and
the generated demo roads."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from township.grid import selectors, services
from township.grid.demo_roads import town_roads
from township.grid.models import MapFeature

pytestmark = pytest.mark.django_db

ROADS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "白沙大道"},
            "geometry": {"type": "LineString", "coordinates": [[106.01, 29.01], [106.05, 29.03], [106.09, 29.02]]},
        },
        {
            "type": "Feature",
            "properties": {"name": "驴溪河", "kind": "河流"},
            "geometry": {
                "type": "MultiLineString",
                "coordinates": [[[106.02, 29.08], [106.04, 29.07]], [[106.04, 29.07], [106.06, 29.06, 210.0]]],
            },
        },
    ],
}
BAD = {
    "type": "FeatureCollection",
    "features": [
        ROADS["features"][0],
        {"type": "Feature", "properties": {"name": "坏点"}, "geometry": {"type": "Point", "coordinates": [106, 29]}},
        {
            "type": "Feature",
            "properties": {"name": "反了"},
            "geometry": {"type": "LineString", "coordinates": [[29, 106], [29.1, 106.1]]},
        },
        {
            "type": "Feature",
            "properties": {"name": "一个点"},
            "geometry": {"type": "LineString", "coordinates": [[106.0, 29.0]]},
        },
    ],
}


def _upload(data: dict | bytes, name: str = "roads.geojson") -> SimpleUploadedFile:
    raw = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, raw, content_type="application/geo+json")


def test_parse_reports_every_bad_feature_in_chinese():
    preview = services.feature_parse(data=json.dumps(BAD))
    assert not preview.ok and [r.index for r in preview.rows if r.errors] == [2, 3, 4]
    fields = [f for f, _m in preview.errors]
    assert fields == ["features[1].geometry", "features[2].geometry", "features[3].geometry"]
    messages = " ".join(m for _f, m in preview.errors)
    assert "第 2 个要素（坏点）" in messages and "LineString" in messages and "Point" in messages
    assert "不在中国境内" in messages and "至少需要两个点" in messages
    assert services.feature_parse(data=b"{oops").errors[0][0] == "file"
    assert services.feature_parse(data={"type": "Feature"}).errors[0][0] == "type"
    good = services.feature_parse(data=json.dumps(ROADS).encode())
    assert good.ok and [r.kind for r in good.rows] == ["road", "river"]
    assert 8 < good.rows[0].length_km < 9.5 and good.rows[1].points == 4


def test_page_previews_then_saves(client, grids, dispatcher_a, town_a):
    client.force_login(dispatcher_a)
    assert 'id="grid-features-link"' in client.get("/grid/grids/").content.decode()
    r = client.post("/grid/features/", {"jurisdiction": town_a.code, "kind": "road", "file": _upload(BAD)})
    html = r.content.decode()
    assert r.status_code == 422 and "第 2 个要素（坏点）" in html and "确认保存" not in html
    assert not MapFeature.objects.exists()
    r = client.post("/grid/features/", {"jurisdiction": town_a.code, "kind": "road", "file": _upload(ROADS)})
    html = r.content.decode()
    assert r.status_code == 200 and "白沙大道" in html and "驴溪河" in html and "确认保存" in html
    assert 'id="feature-preview-data"' in html and not MapFeature.objects.exists()  # preview writes nothing
    r = client.post("/grid/features/", {"action": "save"})
    assert r.status_code == 302
    assert sorted(MapFeature.objects.values_list("name", "kind", "jurisdiction_id")) == [
        ("白沙大道", "road", town_a.code),
        ("驴溪河", "river", town_a.code),
    ]
    listing = client.get("/grid/features/").content.decode()
    assert "白沙大道" in listing and "道路河流" in listing
    assert client.post("/grid/features/", {"action": "save"}).status_code == 302  # nothing held: a message
    assert MapFeature.objects.count() == 2


def test_page_refuses_other_roles(client, grids, patroller_a, town_a, dispatcher_b):
    client.force_login(patroller_a)
    assert 'id="feature-upload"' not in client.get("/grid/features/").content.decode()
    r = client.post("/grid/features/", {"jurisdiction": town_a.code, "file": _upload(ROADS)})
    assert r.status_code == 403
    client.force_login(dispatcher_b)  # another town's dispatcher names this town
    r = client.post("/grid/features/", {"jurisdiction": town_a.code, "file": _upload(ROADS)})
    assert r.status_code == 403 and not MapFeature.objects.exists()


def test_api_import_and_scoped_read(client, grids, dispatcher_a, dispatcher_b, patroller_a, town_a, town_b):
    url = f"/api/v1/grid/features/import?jurisdiction={town_a.code}"
    client.force_login(dispatcher_a)
    r = client.post(url, json.dumps(BAD), content_type="application/geo+json")
    assert r.status_code == 422 and r.json()["code"] == "feature_invalid"
    assert r.json()["field"] == "features[1].geometry" and "第 2 个要素" in r.json()["message"]
    r = client.post(url, b"not json", content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "file"
    r = client.post(url + "&preview=true", json.dumps(ROADS), content_type="application/json")
    assert r.status_code == 200 and r.json()["saved"] == 0 and not MapFeature.objects.exists()
    r = client.post(url, json.dumps(ROADS), content_type="application/json")
    assert r.status_code == 200 and r.json()["saved"] == 2
    r = client.post("/api/v1/grid/features/import?jurisdiction=999", json.dumps(ROADS), content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "jurisdiction"
    services.feature_import(
        actor=None,
        jurisdiction=town_b.code,
        data={"type": "FeatureCollection", "features": [{**ROADS["features"][0], "properties": {"name": "几江路"}}]},
    )
    body = client.get("/api/v1/grid/features").json()
    assert body["type"] == "FeatureCollection" and {f["properties"]["name"] for f in body["features"]} == {
        "白沙大道",
        "驴溪河",
    }  # not 几江路: another town's
    road = next(f for f in body["features"] if f["properties"]["name"] == "白沙大道")
    assert road["geometry"] == {
        "type": "LineString",
        "coordinates": [[106.01, 29.01], [106.05, 29.03], [106.09, 29.02]],
    }
    assert set(road["properties"]) == {"id", "kind", "name"}  # compact
    assert [f["properties"]["kind"] for f in client.get("/api/v1/grid/features?kind=river").json()["features"]] == [
        "river"
    ]
    client.force_login(patroller_a)  # grid staff read the roads, do not import them
    assert len(client.get("/api/v1/grid/features").json()["features"]) == 2
    assert client.post(url, json.dumps(ROADS), content_type="application/json").status_code == 403
    client.force_login(dispatcher_b)
    assert [f["properties"]["name"] for f in client.get("/api/v1/grid/features").json()["features"]] == ["几江路"]
    assert client.post(url, json.dumps(ROADS), content_type="application/json").status_code == 403
    client.logout()
    assert client.get("/api/v1/grid/features").status_code == 401


def test_command(tmp_path, town_a):
    path = tmp_path / "roads.geojson"
    path.write_text(json.dumps(ROADS), encoding="utf-8")
    out = StringIO()
    call_command("import_map_features", str(path), "--town", town_a.code, "--preview", stdout=out)
    assert "检查通过：2" in out.getvalue() and not MapFeature.objects.exists()
    call_command("import_map_features", str(path), "--town", town_a.code, stdout=out)
    call_command("import_map_features", str(path), "--town", town_a.code, "--replace", stdout=out)
    assert MapFeature.objects.count() == 2
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps(BAD), encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="3 处错误"):
        call_command("import_map_features", str(bad), "--town", town_a.code, stdout=out, stderr=StringIO())


def test_layer_on_the_map_pages(client, grids, dispatcher_a):
    client.force_login(dispatcher_a)
    html = client.get("/grid/map/").content.decode()
    found = re.search(r'<script id="township-map-config" type="application/json">(.*?)</script>', html, re.S)
    config = json.loads(found.group(1))
    assert config["roads"] == {"url": "/api/v1/grid/features"} and config["texts"]["roads"] == "道路河流"
    from pathlib import Path

    from django.contrib.staticfiles import finders

    script = Path(finders.find("cameras/maplayers.js")).read_text(encoding="utf-8")
    assert "roadLayer(map, overlays, tiles)" in script and "township-roads" in script and "zIndex = 350" in script


def test_demo_roads_join_the_villages(grids, town_a):
    from township.grid.demo_roads import seed_roads

    data = town_roads(town_a.code, town_a.name)
    villages = sum(1 for g in grids.values() if getattr(g, "level", 0) == 2) if isinstance(grids, dict) else None
    names = [f["properties"]["name"] for f in data["features"]]
    assert "白沙镇主干道" in names and "长江（示意）" in names and any(n.endswith("村道") for n in names)
    assert villages is None or sum(n.endswith("村道") for n in names) == villages - 1
    seed_roads(StringIO())
    seed_roads(StringIO())  # idempotent
    assert MapFeature.objects.filter(jurisdiction=town_a, generated=True).count() == len(names)
    assert selectors.map_features_geojson(actor=None)["features"] == []  # fail-closed without an actor

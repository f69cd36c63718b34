"""Installability (what Lighthouse checks): a manifest with name, short_name, icons (192 and 512 PNG, and a maskable
one), start_url inside the scope, display standalone; a service worker served from /field/sw.js as JavaScript with
the /field/ scope; the field pages link the manifest and a favicon."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def test_manifest_is_installable(client):
    r = client.get("/field/manifest.webmanifest")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/manifest+json")
    m = r.json()
    assert m["name"] and m["short_name"]
    assert re.search(r"[\u4e00-\u9fff]", m["name"])  # a Chinese name
    assert m["display"] in ("standalone", "fullscreen", "minimal-ui")
    assert m["start_url"].startswith(m["scope"]) and m["scope"] == "/field/"
    sizes = {i["sizes"] for i in m["icons"] if i["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    assert any(i.get("purpose") == "maskable" for i in m["icons"])
    for icon in m["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as img:
            assert img.format == "PNG"
            assert f"{img.width}x{img.height}" == icon["sizes"]


def test_service_worker_is_served_with_its_scope(client):
    r = client.get("/field/sw.js")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/field/"
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]
    body = r.content.decode()
    assert "__VERSION__" not in body and "__PAGES__" not in body
    assert '"/field/report/"' in body and '"/field/tasks/"' in body  # the forms and 待办 are cached
    assert "/static/field/field.js" in body and 'addEventListener("fetch"' in body


def test_field_pages_link_manifest_favicon_and_register_the_worker(client, grids, patroller_a):
    client.force_login(patroller_a)
    for path in ("/field/", "/field/tasks/", "/field/report/", "/field/patrol/", "/field/nearby/", "/field/offline/"):
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.content.decode()
        assert 'rel="manifest" href="/field/manifest.webmanifest"' in html
        assert 'rel="icon"' in html and "favicon-32.png" in html
        assert "field/field.js" in html and 'id="sync-indicator"' in html
    js = Path(finders.find("field/field.js")).read_text(encoding="utf-8")
    assert 'register("/field/sw.js", {scope: "/field/"})' in js


def test_report_page_takes_position_from_the_device_not_typed(client, grids, patroller_a):
    client.force_login(patroller_a)
    html = client.get("/field/report/").content.decode()
    assert 'name="lon"' not in html and 'name="lat"' not in html
    assert 'id="report-map"' in html and 'capture="environment"' in html


def test_pages_need_login(client):
    assert client.get("/field/").status_code == 302


def test_favicon_is_a_png():
    with Image.open(io.BytesIO(Path(finders.find("field/icons/favicon-32.png")).read_bytes())) as img:
        assert img.size == (32, 32)

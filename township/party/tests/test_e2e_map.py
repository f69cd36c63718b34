"""The grid map in the browser (issue 15, items 5 and 6): the configured basemap's tiles under the grid polygons, the
camera and party layers; without a basemap the village names from the project's own GeoJSON; the party layer
scoped — a leader may show the 党员中心户, the dispatcher sees the organisations only, the secretary masked."""

from __future__ import annotations

import contextlib
import shutil

import pytest

from township.cameras.tests.conftest import DEVICE_A, PNG

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TILES = "https://tiles.example/{z}/{x}/{y}.png"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium executable for Playwright"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def camera(branch, town_a, dispatcher_a):
    from township.cameras import services

    return services.camera_create(
        actor=dispatcher_a,
        jurisdiction=town_a.code,
        data=services.CameraData(device_id=DEVICE_A, name="石门村口", lon=106.02, lat=29.05),
    )


def _open_map(p, live_server, client, tiles_seen: list[str]):
    browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})

    def tile(route):
        tiles_seen.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PNG)

    context.route("https://tiles.example/**", tile)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(120_000)  # the whole suite may run beside it on two cores
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/grid/map/")
    page.select_option("#map-filters select[name=level]", "2")
    page.click("#map-apply")
    return browser, page, errors


POLYGONS = """() => {
  let n = 0;
  (window.townshipMaps || []).forEach(m => m.eachLayer(l => { if (l instanceof L.Polygon) { n++; } }));
  return n > 0;
}"""


def _party_popup(page):
    """Open the party organisation's popup. On a loaded machine the map may still be settling (fit to bounds) when
    the icon is first clicked, and the click lands beside it: click again until the popup opens."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    popup = page.locator(".leaflet-popup-content")
    for _attempt in range(6):
        page.locator(".map-party-icon").click()
        with contextlib.suppress(PlaywrightTimeout):
            popup.wait_for(timeout=10_000)
            break
    return popup


def _overlay(page, label):
    """Switch on an overlay of the layer control (collapsed: its inputs are in the page, hidden)."""
    page.hover(".leaflet-control-layers")  # Leaflet opens a collapsed control on hover
    page.locator(".leaflet-control-layers-overlays label", has_text=label).locator("input").check()


def test_basemap_under_grids_and_party_layer_in_full(live_server, client, settings, camera, leader_a):
    from playwright.sync_api import expect, sync_playwright

    settings.TOWNSHIP_MAP_TILE_URL = TILES
    settings.TOWNSHIP_MAP_TILE_ATTRIBUTION = "© 测试底图"
    tiles: list[str] = []
    client.force_login(leader_a)
    with sync_playwright() as p:
        browser, page, errors = _open_map(p, live_server, client, tiles)
        expect(page.locator(".leaflet-tile-pane img.leaflet-tile-loaded").first).to_be_attached()
        page.wait_for_function(POLYGONS)  # the grid polygons (drawn on a canvas in the overlay pane)
        under = page.evaluate(
            """() => {
              const z = s => Number(getComputedStyle(document.querySelector(s)).zIndex);
              return z('.leaflet-tile-pane') < z('.leaflet-overlay-pane');
            }"""
        )
        assert under, "the tiles must lie under the grid polygons"
        expect(page.locator(".leaflet-control-attribution")).to_contain_text("© 测试底图")
        assert page.locator(".map-village-label").count() == 0  # names come from the basemap then
        expect(page.locator(".map-cam-icon")).to_have_count(1)
        expect(page.locator(".map-party-icon")).to_have_count(1)
        expect(_party_popup(page)).to_contain_text("张建国", timeout=30_000)
        _overlay(page, "党员中心户")
        expect(page.locator(".map-member-icon")).to_have_count(1)
        browser.close()
    assert not errors, errors
    assert tiles and all(t.startswith("https://tiles.example/") for t in tiles)


def test_without_basemap_villages_readable_and_party_layer_masked(live_server, client, settings, camera, dispatcher_a):
    from playwright.sync_api import expect, sync_playwright

    settings.TOWNSHIP_MAP_TILE_URL = ""
    tiles: list[str] = []
    client.force_login(dispatcher_a)
    with sync_playwright() as p:
        browser, page, errors = _open_map(p, live_server, client, tiles)
        expect(page.locator(".map-village-label", has_text="石门村")).to_be_visible()
        page.wait_for_function(POLYGONS)
        assert page.locator(".leaflet-tile-pane img").count() == 0
        expect(page.locator(".map-party-icon")).to_have_count(1)
        popup = _party_popup(page)
        expect(popup).to_contain_text("张**")
        expect(popup).not_to_contain_text("张建国")
        _overlay(page, "党员中心户")
        page.wait_for_timeout(300)
        expect(page.locator(".map-member-icon")).to_have_count(0)  # no member households for a masked viewer
        browser.close()
    assert not errors, errors
    assert tiles == []


def test_no_party_layer_for_other_roles(live_server, client, settings, branch, make_user, town_a):
    """A role that may open the grid map but not party data gets no party layer at all (nothing fetched)."""
    from playwright.sync_api import sync_playwright

    from township.org.models import Role

    settings.TOWNSHIP_MAP_TILE_URL = ""
    client.force_login(make_user((town_a, Role.HANDLER), username="handler_map"))
    with sync_playwright() as p:
        browser, page, errors = _open_map(p, live_server, client, [])
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.reload(wait_until="networkidle")
        page.wait_for_function("() => (window.townshipMaps || []).length > 0")
        assert page.locator(".map-party-icon").count() == 0
        assert not any("/api/v1/party/" in u for u in requested)
        browser.close()
    assert not errors, errors

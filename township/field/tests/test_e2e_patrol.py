"""The field app's patrol and offline reading in a phone-sized browser (390×844):

- 巡查: start, a long track buffered on the phone (more than one batch), 结束巡查 — every point reaches the patrol
  and the positions API before the patrol is closed (the server refuses points of an ended patrol, so a point left
  behind at the end would be lost);
- 待办 and the forms stay readable offline (the service worker's copies, also of pages cached at install and never
  opened: they must match a navigation whatever its headers);
- installability as Chromium itself judges it (``Page.getInstallabilityErrors``: manifest, icons, service worker)."""

from __future__ import annotations

import json
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WEST = {"longitude": 106.02, "latitude": 29.05, "accuracy": 8}
BUFFERED = 260  # more than one batch of 200

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium executable for Playwright"),
    pytest.mark.django_db(transaction=True),
]


def _db(fn):
    """A database call from outside Playwright's event loop (Django refuses database calls inside it)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def _phone(p, live_server, client, persistent_dir=None):
    opts = {
        "locale": "zh-CN",
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "geolocation": WEST,
    }
    args = ["--no-sandbox", "--disable-gpu"]
    if persistent_dir:  # not incognito: Chromium says an incognito page is never installable
        context = p.chromium.launch_persistent_context(
            persistent_dir, executable_path=CHROMIUM, args=args, headless=True, **opts
        )
        browser = None
    else:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(**opts)
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return browser, context


def test_patrol_track_is_sent_whole_before_the_patrol_ends(live_server, client, grids, patroller_a):
    from playwright.sync_api import expect, sync_playwright

    from township.command.models import Position
    from township.grid.models import Patrol, TrackPoint

    client.force_login(patroller_a)
    errors: list[str] = []
    with sync_playwright() as p:
        browser, context = _phone(p, live_server, client)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.url + "/field/patrol/")
        expect(page.locator("#gps-status")).to_have_class("gps ok")
        page.click("#patrol-start")
        expect(page.locator("#patrol-state")).to_have_text("巡查中")
        expect(page.locator("#patrol-end")).to_be_enabled()
        # A long walk without a network answer: the phone kept BUFFERED points (the page reads them back on load).
        start = timezone.now() - timedelta(minutes=30)
        state = json.loads(page.evaluate("localStorage.getItem('field.patrol')"))
        for i in range(BUFFERED):
            at = (start + timedelta(seconds=5 * i)).isoformat()
            lat = 29.05 + i * 0.00002
            state["track"].append({"lon": 106.02, "lat": lat, "accuracy": 8, "at": at})
            state["pos"].append({"client_id": f"t{i}", "lon": 106.02, "lat": lat, "accuracy": 8, "at": at})
        page.evaluate("s => localStorage.setItem('field.patrol', s)", json.dumps(state))
        page.reload()
        expect(page.locator("#patrol-state")).to_have_text("巡查中")
        # the page reloads itself once the server has closed the patrol: wait for that load before reading storage
        with page.expect_navigation(timeout=30000):
            page.click("#patrol-end")
        expect(page.locator("#patrol-start")).to_be_enabled(timeout=20000)
        assert page.evaluate("localStorage.getItem('field.patrol')") is None
        if browser:
            browser.close()
        else:
            context.close()

    assert not errors, errors
    patrol = Patrol.objects.get(patroller=patroller_a)
    assert patrol.ended_at is not None
    assert TrackPoint.objects.filter(patrol=patrol).count() >= BUFFERED
    assert patrol.point_count == TrackPoint.objects.filter(patrol=patrol).count()
    assert Position.objects.filter(user=patroller_a).count() >= BUFFERED
    assert patrol.grid.code == "50011610820101"


def test_tasks_stay_readable_offline(live_server, client, grids, patroller_a):
    from playwright.sync_api import expect, sync_playwright

    from township.cases.models import Case
    from township.grid import services as grid_services

    event = _db(
        lambda: grid_services.event_report(
            actor=patroller_a, event_class="200110", lon=106.02, lat=29.05, description="离线可读的待办"
        )
    )
    # waiting for the grid worker's 核实 on site: a task of the patroller's town
    _db(lambda: Case.objects.filter(pk=event.case_id).update(state="verifying"))
    number = _db(lambda: Case.objects.get(pk=event.case_id).number)
    client.force_login(patroller_a)
    with sync_playwright() as p:
        browser, context = _phone(p, live_server, client)
        page = context.new_page()
        page.goto(live_server.url + "/field/tasks/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        expect(page.locator("body")).to_contain_text(number)
        context.set_offline(True)
        expect(page.locator("#sync-indicator")).to_have_attribute("data-online", "0")
        page.reload()
        expect(page.locator("body")).to_contain_text(number)
        expect(page.locator("#sync-indicator")).to_have_attribute("data-online", "0")
        # pages cached at install, never opened before: the home's 待办, the report form
        page.goto(live_server.url + "/field/")
        expect(page.locator("body")).to_contain_text(number)
        page.goto(live_server.url + "/field/report/")
        expect(page.locator("#field-report")).to_be_visible()
        browser.close()


def test_installable_as_chromium_judges_it(live_server, client, grids, patroller_a):
    """Chromium's own check (what Lighthouse's installability audit reads): no installability error."""
    from playwright.sync_api import sync_playwright

    client.force_login(patroller_a)
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        _, context = _phone(p, live_server, client, persistent_dir=profile)
        page = context.new_page()
        page.goto(live_server.url + "/field/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"].endswith("/field/manifest.webmanifest") and not manifest["errors"], manifest
        context.close()

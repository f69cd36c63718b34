"""The field app in a real phone-sized browser (390×844): the service worker takes the app shell, the network goes
away, two reports with photos are filed (kept in IndexedDB, the indicator says 离线 · 2 条待同步), the report form
still opens offline from the cache, the network returns, and the server then has exactly two events with their photos
and positions — sent once each, whatever the retries."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from township.field.tests.conftest import PNG

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WEST = {"longitude": 106.02, "latitude": 29.05, "accuracy": 8}
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def _count(model) -> int:
    """A count from outside Playwright's event loop (Django refuses database calls inside it)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: model.objects.count()).result()


def _file(page, text):
    page.set_input_files("#photos", files=[{"name": f"{text}.png", "mimeType": "image/png", "buffer": PNG}])
    page.select_option("#event_class", "200110")
    page.fill("#description", text)
    page.click("#report-submit")


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium executable for Playwright")
@pytest.mark.django_db(transaction=True)
def test_offline_reports_are_sent_once_when_the_network_returns(live_server, client, grids, patroller_a):
    from playwright.sync_api import expect, sync_playwright

    from township.field.models import Submission
    from township.grid.models import Event, EventPhoto

    client.force_login(patroller_a)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(
            locale="zh-CN",
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            geolocation=WEST,
        )
        context.grant_permissions(["geolocation"], origin=live_server.url)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(live_server.url + "/field/report/")
        # the service worker installs (app shell and forms cached) and takes control of the page
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        expect(page.locator("#gps-status")).to_have_class("gps ok")
        indicator = page.locator("#sync-indicator")
        expect(indicator).to_have_attribute("data-online", "1")

        context.set_offline(True)
        expect(indicator).to_have_attribute("data-online", "0")
        _file(page, "离线上报一：路灯不亮")
        expect(indicator).to_have_attribute("data-pending", "1")
        _file(page, "离线上报二：井盖缺失")
        expect(indicator).to_have_attribute("data-pending", "2")
        expect(indicator).to_contain_text("离线")
        expect(indicator).to_contain_text("2 条待同步")
        # the form still opens without a network (served by the service worker), the queue survives the reload
        page.reload()
        expect(page.locator("#field-report")).to_be_visible()
        expect(indicator).to_have_attribute("data-pending", "2")
        expect(page.locator("#gps-status")).to_have_class("gps ok")
        if os.environ.get("FIELD_SCREENSHOTS"):  # refresh docs/screenshots/field-offline-queue.png on demand
            page.screenshot(path=str(SHOTS / "field-offline-queue.png"))
        assert _count(Event) == 0  # nothing left the phone

        context.set_offline(False)
        expect(indicator).to_have_attribute("data-pending", "0", timeout=30000)
        expect(indicator).to_contain_text("在线")
        # a second flush (a retry, the interval, another tab) sends nothing again
        page.evaluate("Field.flush()")
        page.wait_for_timeout(500)
        browser.close()

    assert not errors, errors
    events = list(Event.objects.order_by("description"))
    assert [e.description for e in events] == ["离线上报一：路灯不亮", "离线上报二：井盖缺失"]
    for e in events:
        assert e.reporter_id == patroller_a.pk and e.source == "patrol"
        assert (round(e.lon, 4), round(e.lat, 4)) == (106.02, 29.05)
        assert e.grid.code == "50011610820101"
        assert EventPhoto.objects.filter(event=e).count() == 1
    assert Submission.objects.filter(user=patroller_a).count() == 2

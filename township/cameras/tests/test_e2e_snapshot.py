"""抓拍为证据 in the browser: on the camera page a grid worker names the event by its case number and sends the image
(no frame to grab: the stream does not play here); the page comes back with the hash, and the event's case holds the
attachment with that hash and a timeline record."""

from __future__ import annotations

import hashlib
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from township.cameras.tests.conftest import PNG

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium executable for Playwright"),
    pytest.mark.django_db(transaction=True),
]


def _db(fn):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def test_snapshot_from_the_camera_page(live_server, client, camera_a, patroller_a):
    from playwright.sync_api import expect, sync_playwright

    from township.cases.models import Attachment, CaseEvent
    from township.grid import services as grid_services

    event = _db(
        lambda: grid_services.event_report(
            actor=patroller_a, event_class="200110", lon=106.02, lat=29.05, description="村口暴露垃圾"
        )
    )
    number = _db(lambda: event.case.number)
    digest = hashlib.sha256(PNG).hexdigest()
    client.force_login(patroller_a)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(locale="zh-CN")
        context.route("https://video.example/**", lambda route: route.abort())
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{live_server.url}/cameras/{camera_a.pk}/")
        expect(page.locator("#cam-note")).to_contain_text("视频流无法播放")  # the server's string, not the script's
        page.select_option("select[name=target]", "event")
        page.fill("input[name=target_id]", number)
        page.set_input_files("input[name=image]", files=[{"name": "s.png", "mimeType": "image/png", "buffer": PNG}])
        page.click("#snap-button")
        expect(page.locator("body")).to_contain_text(f"已抓拍并作为证据附入 {number}，SHA-256：{digest}")
        assert page.url == f"{live_server.url}/cameras/{camera_a.pk}/"
        browser.close()

    assert not errors, errors
    assert Attachment.objects.filter(case_id=event.case_id, sha256=digest, purpose="grid.camera").count() == 1
    assert CaseEvent.objects.filter(case_id=event.case_id, name="camera_snapshot", data__sha256=digest).exists()

"""The grid pages load in a real browser without JavaScript errors (map, desk, reports)."""

from __future__ import annotations

import io
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium executable for Playwright")
@pytest.mark.django_db(transaction=True)
def test_grid_pages_have_no_javascript_errors(live_server, client):
    from playwright.sync_api import sync_playwright

    from township.grid.demo_seed import seed_baisha
    from township.grid.models import Event
    from township.org.models import User

    seed_baisha(io.StringIO())
    client.force_login(User.objects.get(username="baisha_dispatcher"))
    event = Event.objects.filter(jurisdiction_id="500116108").first()
    pages = [
        "/grid/",
        "/grid/map/",
        "/grid/report/",
        f"/grid/events/{event.pk}/",
        "/grid/evaluation/",
        "/grid/grids/",
        "/grid/handovers/",
        "/grid/escalations/",
        "/grid/public/report/",
        f"/grid/public/track/?ticket={event.ticket}",
    ]
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(locale="zh-CN")
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        for path in pages:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
        page.goto(live_server.url + "/grid/map/")
        page.wait_for_load_state("networkidle")
        assert int(page.inner_text("#grid-map-count")) > 0  # events drawn from /api/v1/grid/map
        assert page.locator("#grid-map canvas").count() >= 1  # grids and points are drawn (canvas renderer)
        browser.close()
    assert not errors, "\n".join(errors)

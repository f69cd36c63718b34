"""A town leader and a county leader find every overdue and late item on one page, and drill the 大屏 down from
county to town to village, in a real browser (#12 "Done when")."""

from __future__ import annotations

import shutil

import pytest

from township.cases.models import Case
from township.org.models import DataScope, Role, RoleGrant

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _session_of(user) -> str:
    """A signed-in session id (made before Playwright starts: its event loop forbids database calls)."""
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c.cookies["sessionid"].value


def _browser_session(p, live_server, session):
    browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(120_000)  # the whole suite may run beside it on two cores
    return browser, page


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium executable for Playwright")
@pytest.mark.django_db(transaction=True)
def test_leaders_find_overdue_and_drill_down(live_server, at_level, leader_a, make_user, county, town_a, village_a):
    from playwright.sync_api import sync_playwright

    overdue = at_level("overdue", "超期的审批件")
    at_level("late", "超期办结的事件")
    Case.objects.filter(pk=overdue.pk).update(village_id=village_a.code)
    county_leader = make_user(username="leader_county", full_name="区领导")
    RoleGrant.objects.create(
        user=county_leader, jurisdiction=county, role=Role.LEADER, data_scope=DataScope.UNIT_AND_BELOW
    )
    # a grid worker of the town on patrol: the town's 大屏 draws today's track under the last position
    from datetime import timedelta

    from django.utils import timezone

    from township.command.positions import positions_record

    patroller = make_user((town_a, Role.GRID_PATROLLER), full_name="巡查员甲")
    now = timezone.now()
    # within the last four minutes but today (Beijing time): just after midnight the points crowd after 00:00
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(now - timedelta(minutes=4), midnight)
    positions_record(
        actor=patroller,
        points=[
            {"client_id": f"e2e-{i}", "at": (start + (now - start) * i / 3).isoformat(), "lon": lon, "lat": 29.05}
            for i, lon in enumerate((106.10, 106.11, 106.12))
        ],
    )
    town_session, county_session = _session_of(leader_a), _session_of(county_leader)
    errors: list[str] = []
    with sync_playwright() as p:
        # the town leader: overdue and late on one page, then the town's 大屏 and one village of it
        browser, page = _browser_session(p, live_server, town_session)
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        page.goto(live_server.url + "/command/warnings/?level=overdue")
        assert "超期的审批件" in page.inner_text("main")
        page.goto(live_server.url + "/command/warnings/?level=late")
        assert "超期办结的事件" in page.inner_text("main")
        page.goto(live_server.url + "/command/screen/")
        page.wait_for_load_state("networkidle")
        assert page.inner_text("#k-overdue").strip() == "1"
        # (the map draws on a canvas: the legend's counts say what was drawn)
        page.wait_for_function("(document.getElementById('scr-tracks') || {}).textContent === '1'")
        assert page.inner_text("#scr-people").strip() == "1"
        page.click(f"#t-children a[href*='{village_a.code}']")
        page.wait_for_load_state("networkidle")
        assert village_a.code in page.url and village_a.name in page.inner_text("body")
        assert page.inner_text("#k-overdue").strip() == "1"
        browser.close()
        # the county leader: the county's 大屏 lists 白沙镇 with its overdue item; drilling down reaches the town
        browser, page = _browser_session(p, live_server, county_session)
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        page.goto(live_server.url + f"/command/screen/?unit={county.code}")
        page.wait_for_load_state("networkidle")
        assert page.inner_text("#k-overdue").strip() == "1"
        page.click("#t-children a[href*='500116108']")
        page.wait_for_load_state("networkidle")
        assert "unit=500116108" in page.url and "白沙镇" in page.inner_text("body")
        page.goto(live_server.url + "/command/warnings/?level=overdue")
        assert "超期的审批件" in page.inner_text("main")
        browser.close()
    assert not errors, "\n".join(errors)

"""The shell in a real browser (headless Chromium): the menu tree folds, the page tabs follow the pages opened and
close, the token form opens in a dialog and submits inside it, a long select becomes searchable with 无匹配项."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Bs-shell-2026!"


@contextmanager
def chromium(live_server):
    """Started after the test's rows are written: Playwright's sync API runs an event loop in this thread, and
    Django refuses database calls from a thread with a running loop."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page.set_default_timeout(120_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            yield page, live_server.url, errors
        finally:
            browser.close()


def _login(page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def test_tree_tabs_dialog_and_searchable_select(live_server, make_user, town_a, county):
    from township.org.models import Jurisdiction, Level, Role

    towns = [  # 20 more towns: the 单位 select of 用户管理 gets more than 15 options
        Jurisdiction.objects.get_or_create(
            code=f"500116{n}", defaults={"name": f"测试{n}镇", "level": Level.TOWN, "parent": county}
        )[0]
        for n in range(200, 220)
    ]
    user = make_user(
        (town_a, Role.SECURITY_ADMIN), *[(t, Role.SECURITY_ADMIN) for t in towns], username="sec", is_staff=True
    )
    user.set_password(PASSWORD)
    user.save()
    with chromium(live_server) as (page, base, errors):
        _login(page, base, "sec")

        # the menu tree: 系统管理 is a folded group; opening it shows 登录日志
        group = page.locator('.sidenav [data-group="system"] details')
        assert group.count() == 1
        if not group.evaluate("d => d.open"):
            page.click('.sidenav [data-group="system"] summary')
        page.click('.sidenav a[href="/security/login-log/"]')
        page.wait_for_load_state()
        assert page.locator(".crumbs .breadcrumb-item").all_inner_texts() == ["首页", "系统管理", "登录日志"]
        assert page.locator('.sidenav [data-group="system"] details').evaluate("d => d.open")

        # the page tabs: 首页 + 登录日志, then API 令牌; closing the current tab goes to the neighbour
        page.goto(base + "/accounts/tokens/")
        page.wait_for_load_state()
        tabs = page.locator("#tags-view .tag-item a")
        assert tabs.all_inner_texts() == ["首页", "登录日志", "API 令牌"]
        assert page.locator("#tags-view .tag-item.current a").inner_text() == "API 令牌"

        # the dialog: 新增 opens the token form in a modal; an empty name is refused inside it; a name creates it
        assert page.locator("#token-create").is_hidden()
        page.click('a[data-dialog="#token-form"]')
        page.wait_for_selector("#shell-dialog.show #shell-dialog-body form input[name=name]")
        assert page.locator("#shell-dialog-title").inner_text() == "新建令牌"
        page.click("#shell-dialog-body button[type=submit]")
        page.wait_for_selector("#shell-dialog-body .errorlist")
        page.fill("#shell-dialog-body input[name=name]", "对账脚本")
        page.click("#shell-dialog-body button[type=submit]")
        page.wait_for_selector("#token-secret")
        assert page.locator("#token-secret").inner_text().startswith("tsp_")
        page.wait_for_selector("#shell-dialog", state="hidden")  # the modal's fade-out runs after the swap

        page.click('#tags-view .tag-item.current [data-shell="close-tab"]')
        page.wait_for_url(base + "/security/login-log/")
        assert page.locator("#tags-view .tag-item a").all_inner_texts() == ["首页", "登录日志"]

        # a long select (21 units) becomes a Tom Select type-ahead that says 无匹配项
        page.goto(base + reverse("staff-list"))
        page.wait_for_load_state()
        page.wait_for_selector(".search-form .ts-wrapper")
        page.click(".search-form .ts-wrapper .ts-control")
        page.keyboard.type("没有这个单位")
        page.wait_for_selector(".ts-dropdown .no-results")
        assert page.locator(".ts-dropdown .no-results").inner_text() == "无匹配项"
        assert errors == []

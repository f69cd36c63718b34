"""In a real browser: a penalty case waiting for its legal review, opened by the legal reviewer and by the officer.
The reviewer is offered 法制审核 and no 作出处罚决定; the officer neither; the reviewer's review moves the case on."""

from __future__ import annotations

import datetime as dt
import os

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _buttons(page) -> list[str]:
    """The labels of the actions offered on the page (enabled or disabled)."""
    return [t.strip() for t in page.locator("[data-testid=case-actions] [data-action]").all_inner_texts()]


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs /usr/bin/chromium for Playwright")
@pytest.mark.django_db(transaction=True)
def test_the_legal_reviewer_and_the_officer_see_only_their_steps_in_the_browser(live_server):
    from django.test import Client
    from django.utils import timezone
    from playwright.sync_api import sync_playwright

    from township.enforcement import services
    from township.enforcement.machine import PenaltyState
    from township.enforcement.tests.conftest import build_world
    from township.enforcement.tests.steps import file_case, notify

    world = build_world()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    pc = file_case(world, act_date=yesterday - dt.timedelta(days=30))
    notify(world, pc, types=["warning"], served_on=yesterday)
    services.penalty_statement_record(penalty_case=pc, actor=world.o1, waived=True)
    url = f"{live_server.url}/enforcement/cases/{pc.pk}/"
    sessions = {}
    for user in (world.reviewer, world.o1):
        browser_client = Client()  # one session each (a second login would end the first)
        browser_client.force_login(user)
        sessions[user.username] = browser_client.cookies["sessionid"].value
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def open_as(username: str):
            context = browser.new_context(locale="zh-CN")
            context.add_cookies([{"name": "sessionid", "value": sessions[username], "url": live_server.url}])
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
            page.goto(url)
            return page

        officer = open_as(world.o1.username)
        shown = _buttons(officer)
        assert "调查取证" in shown and "陈述申辩" in shown
        assert "作出处罚决定" not in shown and "法制审核" not in shown
        assert officer.locator('[data-action="penalty_decide"]').count() == 0

        reviewer = open_as(world.reviewer.username)
        assert _buttons(reviewer) == ["法制审核", "生成文书"]
        assert reviewer.locator('[data-action="penalty_decide"]').count() == 0
        step = reviewer.locator('details[data-action="penalty_review"]')
        step.locator("summary").click()
        step.locator("textarea[name=opinion]").fill("事实清楚，证据确凿，程序合法。")
        step.locator("input[name=passed]").check()
        step.locator('button:has-text("提交")').click()
        reviewer.wait_for_load_state("networkidle")
        assert reviewer.url == url
        assert "已法制审核" in reviewer.inner_text("main")
        assert _buttons(reviewer) == ["生成文书"]  # the review is done: only the documents are left to them
        officer.reload()
        assert "作出处罚决定" not in _buttons(officer)
        browser.close()
    pc.case.refresh_from_db()
    assert pc.case.state == PenaltyState.REVIEWED
    assert not errors, "\n".join(errors)

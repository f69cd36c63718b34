"""In a real browser: the window clerk and the approver open the same application page and each is shown only the
steps that are theirs (the shared action panel, issue 10); the clerk accepts through it, and no script fails."""

from __future__ import annotations

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

CHROMIUM = "/usr/bin/chromium"
MONDAY = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# name → disabled, for every action shown in the panel
SHOWN = """els => els.map(e => [e.dataset.action, e.classList.contains("disabled")])"""


def _session(user) -> str:
    c = Client()
    c.force_login(user)
    return c.cookies["sessionid"].value


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs /usr/bin/chromium for Playwright")
@pytest.mark.django_db(transaction=True)
def test_clerk_and_approver_are_shown_only_their_steps(live_server, time_machine, clerk_a, approver_a, catalog, luo):
    from playwright.sync_api import expect, sync_playwright

    from township.approval.testing import ensure_holidays
    from township.approval.tests.factories import ApplicationFactory

    time_machine.move_to(MONDAY, tick=True)
    ensure_holidays()
    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)
    url = live_server.url + reverse("approval:detail", args=[app.pk])
    sessions = {"clerk": _session(clerk_a), "approver": _session(approver_a)}
    errors: list[str] = []
    shown: dict[str, dict[str, bool]] = {}
    # (no database access while Playwright's event loop runs)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )

        def open_as(who: str):
            context = browser.new_context(locale="zh-CN")
            context.add_cookies([{"name": "sessionid", "value": sessions[who], "url": live_server.url}])
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(f"{who} {page.url}: {exc}"))
            page.goto(url)
            return page

        clerk = open_as("clerk")
        expect(clerk.locator("#state")).to_have_text("待受理")
        shown["clerk"] = dict(clerk.locator("[data-testid=case-actions] [data-action]").evaluate_all(SHOWN))
        approver = open_as("approver")
        shown["approver_submitted"] = dict(
            approver.locator("[data-testid=case-actions] [data-action]").evaluate_all(SHOWN)
        )

        clerk.click('[data-action="accept"] summary')
        clerk.click('[data-action="accept"] button[type=submit]')
        expect(clerk.locator("#state")).to_have_text("审查中")
        shown["clerk_review"] = dict(clerk.locator("[data-testid=case-actions] [data-action]").evaluate_all(SHOWN))

        approver.reload()
        expect(approver.locator("#state")).to_have_text("审查中")
        shown["approver"] = dict(approver.locator("[data-testid=case-actions] [data-action]").evaluate_all(SHOWN))
        expect(approver.locator('[data-action="approve_application"] summary')).to_have_text("准予许可并制证")
        browser.close()

    assert shown["clerk"] == {
        "accept": False,
        "request_supplement": False,
        "accept_gap": False,
        "approve_on_commitment": False,
        "refuse_application": False,
        "withdraw_application": False,
    }
    # the approver may accept too (行政许可法第32条: the bureau accepts), but never withdraws for the applicant
    assert "withdraw_application" not in shown["approver_submitted"] and "accept" in shown["approver_submitted"]
    assert shown["clerk_review"] == {"withdraw_application": False}
    assert shown["approver"] == {
        "approve_application": False,
        "deny_application": False,
        "start_special": False,
    }
    assert not errors, "\n".join(errors)

"""A walk-in without an account, in a real browser: the clerk's lookup finds nothing, the ID card reader types the
number and Enter into the registration form that appears in place, the clerk adds the name, registers, and files
the application at the same desk."""

from __future__ import annotations

import datetime
import importlib
import os
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
STAFF_PASSWORD = "Bs-staff-2026!"
START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
WALK_IN = "500116198505050021"


@pytest.fixture
def desk(db, time_machine, town_a, make_user):
    """白沙镇 with its approval bureau and published items (approval's own test catalog, loaded by name: subjects'
    code never imports approval) and a window clerk."""
    testing = importlib.import_module("township.approval.testing")
    from township.org.models import Department, Role

    time_machine.move_to(START, tick=True)
    testing.ensure_holidays()
    Department.objects.get_or_create(
        jurisdiction=town_a, name="行政审批局", defaults={"kind": "approval", "uscc": testing.BUREAU_USCC}
    )
    head = make_user((town_a, Role.APPROVAL_HEAD), username="head", full_name="李凤")
    testing.build_catalog(head, town_a)
    clerk = make_user((town_a, Role.WINDOW_CLERK), username="clerk", full_name="王窗口")
    clerk.set_password(STAFF_PASSWORD)
    clerk.save()
    return clerk


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
def test_walk_in_registered_with_the_card_reader_and_filed_at_the_desk(live_server, desk):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM checks below run beside Playwright
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}).new_page()
        page.goto(base + reverse("approval:login"))
        page.fill("input[name=username]", "clerk")
        page.fill("input[name=password]", STAFF_PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_load_state()

        page.goto(base + reverse("approval:window"))
        page.fill("#id", WALK_IN)
        page.keyboard.press("Enter")
        form = page.locator("#window-register")
        expect(form).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("请申请人先注册")

        # The card reader: the number, then Enter, into the focused field — taken, and the cursor moves on.
        ident = form.locator("input[name=identifier]")
        ident.fill("")
        ident.focus()
        page.keyboard.type(WALK_IN.lower())
        page.keyboard.press("Enter")
        expect(form.locator("input[name=name]")).to_be_focused()
        expect(ident).to_have_value(WALK_IN)
        page.keyboard.type("王小红")
        form.locator("input[name=phone]").fill("13900002222")
        page.click("#btn-register")

        expect(page.locator("#subject")).to_contain_text("王小红")  # back at the desk, the lookup finds her
        page.locator("label", has_text="社会保险登记").locator("input").check()
        page.click("#btn-file")
        page.wait_for_load_state()
        browser.close()

    subject = apps.get_model("subjects", "Subject").objects.get(name="王小红")
    app = apps.get_model("approval", "Application").objects.get(applicant=subject)
    assert app.title == "社会保险登记" and subject.registration_channel == "window"

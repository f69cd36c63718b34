"""In a real browser: an officer files a clue as a case, ticking the investigators and choosing the approving head
by name, then records an investigative act; the case page shows the new state and no script fails."""

from __future__ import annotations

import re
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SUBMIT = 'main form button:has-text("提交")'  # the header's 退出 is a form too


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium executable for Playwright")
@pytest.mark.django_db(transaction=True)
def test_officer_files_a_clue_and_investigates_in_the_browser(live_server, client):
    from playwright.sync_api import sync_playwright

    from township.enforcement import services
    from township.enforcement.machine import PenaltyState
    from township.enforcement.models import PenaltyCase
    from township.enforcement.tests.conftest import build_world

    world = build_world()
    clue = services.clue_create(
        jurisdiction=world.town, source="complaint", summary="东海村违法搭建举报", actor=world.o1
    )
    client.force_login(world.o1)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(locale="zh-CN")
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))

        page.goto(f"{live_server.url}/enforcement/clues/{clue.pk}/file/")
        page.fill("input[name=party_name]", "孙某")
        page.fill("input[name=act_date]", "2026-11-01")
        page.select_option("select[name=domain]", "city")
        page.get_by_label("李明（渝执-5001-0001）").check()
        page.get_by_label("赵强（渝执-5001-0002）").check()
        page.select_option("select[name=approved_by]", label="王局长")
        page.fill("textarea[name=facts]", "在东海村3组搭建彩钢棚")
        page.click(SUBMIT)
        page.wait_for_load_state("networkidle")
        # (no database access while Playwright's event loop runs: the case number comes from the URL)
        match = re.search(r"/enforcement/cases/(\d+)/$", page.url)
        assert match, page.url
        case_url = match.group(0)
        assert "孙某" in page.inner_text("main")

        # the step is offered on the case page itself (the shared action panel), opened in place
        step = page.locator('details[data-action="penalty_act"]')
        step.locator("summary").click()
        step.locator("select[name=kind]").select_option("inspection")
        step.locator("input[name=at]").fill("2026-11-20T10:00")
        step.locator("input[name=place]").fill("东海村3组")
        step.get_by_label("李明（渝执-5001-0001）").check()
        step.locator('button:has-text("提交")').click()  # one officer: refused in Chinese, nothing recorded
        page.wait_for_load_state("networkidle")
        assert "执法人员不得少于两人" in step.inner_text()
        assert step.locator("input[name=place]").input_value() == "东海村3组"  # the input is kept
        step.get_by_label("李明（渝执-5001-0001）").check()
        step.get_by_label("赵强（渝执-5001-0002）").check()
        step.locator('button:has-text("提交")').click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(case_url)
        assert "调查取证" in page.inner_text(".state, .tag.state")
        browser.close()
    pc = PenaltyCase.objects.get(clue=clue)
    assert case_url == f"/enforcement/cases/{pc.pk}/"
    assert pc.case.state == PenaltyState.INVESTIGATING
    assert not errors, "\n".join(errors)

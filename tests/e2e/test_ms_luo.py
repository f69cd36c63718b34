"""Ms Luo opens a local-produce shop in 白沙镇 (seeds/000): the whole approval story in a real browser.

She registers online with her resident ID and gets her 个体工商户 licence the same day; at the
comprehensive window a clerk files the food business permit and her social insurance registration as
one application, reusing the licence (and her verified ID card) from the library — nothing is uploaded
twice; approvers decide; both certificates are in her library, downloadable as PDF and verifiable by
anyone from the QR URL. Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import datetime
import io
import os
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

# An earlier transactional test's flush empties the tables seeded by data migrations; the holiday table is
# re-seeded after every flush (township.core.calendar) and ensure_holidays() double-checks.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
# Screenshots refresh docs/screenshots/ only when asked (TOWNSHIP_SCREENSHOTS=1); otherwise a run leaves the
# checkout clean and writes them to a temporary folder.
SHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("TOWNSHIP_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "township-screenshots"
)
SHOTS.mkdir(parents=True, exist_ok=True)
PASSWORD = "Luo-pass-2026!"
STAFF_PASSWORD = "Bs-staff-2026!"
START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday


@pytest.fixture
def story(db, time_machine, town_a, village_a, make_user):
    """The town, its approval bureau, three published items and the staff; no applicant yet."""
    from township.approval.testing import BUREAU_USCC, build_catalog, ensure_holidays
    from township.org.models import Department, Role

    time_machine.move_to(START, tick=True)
    ensure_holidays()
    Department.objects.get_or_create(
        jurisdiction=town_a, name="行政审批局", defaults={"kind": "approval", "uscc": BUREAU_USCC}
    )
    head = make_user((town_a, Role.APPROVAL_HEAD), username="head", full_name="李凤")
    catalog = build_catalog(head, town_a)
    staff = {
        "clerk": make_user((town_a, Role.WINDOW_CLERK), username="clerk", full_name="王窗口"),
        "approver": make_user((town_a, Role.APPROVER), username="approver", full_name="李审批"),
    }
    for user in staff.values():
        user.set_password(STAFF_PASSWORD)
        user.save()
    return {"catalog": catalog, **staff}


def _pdf_file(path: Path, text: str) -> Path:
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + text.encode())
    return path


def _act(page, name: str) -> None:
    """Take an action of the case page's shared panel (``cases/_actions.html``): open it, submit its form."""
    page.click(f'[data-action="{name}"] summary')
    page.click(f'[data-action="{name}"] button[type=submit]')


def _login(page, base: str, username: str, password: str) -> None:
    page.goto(base + reverse("approval:login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


def test_ms_luo_opens_her_shop(live_server, story, tmp_path):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM checks below run beside Playwright
    from playwright.sync_api import expect, sync_playwright
    from pypdf import PdfReader

    from township.approval.models import Application, Kind
    from township.approval.testing import LUO_ID
    from township.certificates.models import Certificate
    from township.certificates.pdf import verification_url
    from township.core.calendar import add_working_days

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    id_scan = _pdf_file(tmp_path / "id-card.pdf", "resident id card")
    lease = _pdf_file(tmp_path / "lease.pdf", "shop lease")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        luo = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        staff = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        luo_page = luo.new_page()
        staff_page = staff.new_page()

        # 1. She registers online with her resident ID and applies for the licence.
        luo_page.goto(base + reverse("approval:register"))
        luo_page.fill("input[name=identifier]", LUO_ID)
        luo_page.fill("input[name=full_name]", "罗晓梅")
        luo_page.fill("input[name=phone]", "13983000001")
        luo_page.fill("input[name=username]", "luoxiaomei")
        luo_page.fill("input[name=password]", PASSWORD)
        luo_page.click("#register-form button[type=submit]")
        expect(luo_page.locator("h1")).to_contain_text("我的办事")
        luo_page.locator("tr", has_text="个体工商户登记").get_by_role("link", name="在线申请").click()
        luo_page.set_input_files("input[name=m_sfz]", str(id_scan))
        luo_page.click("#apply-form button[type=submit]")
        expect(luo_page.locator("#state")).to_have_text("待受理")
        licence_app = Application.objects.get(title="个体工商户登记")
        del lease  # the licence needs only her ID card here

        # 2. The approval bureau accepts and approves the same day.
        _login(staff_page, base, "approver", STAFF_PASSWORD)
        staff_page.goto(base + reverse("approval:detail", args=[licence_app.pk]))
        _act(staff_page, "accept")
        expect(staff_page.locator("#state")).to_have_text("审查中")
        _act(staff_page, "approve_application")
        expect(staff_page.locator("#state")).to_have_text("已办结")
        licence_app.refresh_from_db()
        licence = licence_app.certificate
        assert licence.type_name == "营业执照"
        assert licence.issued_at.date() == licence_app.received_at.date()  # the same day

        luo_page.reload()
        expect(luo_page.locator("#state")).to_have_text("已办结")
        expect(luo_page.locator("#certificate")).to_contain_text(licence.identifier)

        # 3. At the comprehensive window: one application for two items, nothing uploaded again.
        staff.clear_cookies()
        _login(staff_page, base, "clerk", STAFF_PASSWORD)
        staff_page.goto(base + reverse("approval:window"))
        staff_page.fill("#id", LUO_ID)
        staff_page.keyboard.press("Enter")
        expect(staff_page.locator("#subject")).to_contain_text("罗晓梅")
        expect(staff_page.locator("#library")).to_contain_text("营业执照")
        staff_page.locator("label", has_text="食品经营许可").locator("input").check()
        staff_page.locator("label", has_text="社会保险登记").locator("input").check()
        staff_page.screenshot(path=str(SHOTS / "window-workbench.png"), full_page=True)
        staff_page.click("#btn-file")
        expect(staff_page.locator("#children")).to_contain_text("食品经营许可")
        expect(staff_page.locator("#children")).to_contain_text("审查中")
        bundle = Application.objects.get(kind=Kind.BUNDLE)
        assert bundle.case.attachments.count() == 0  # she uploads nothing twice
        children = list(Application.objects.filter(parent=bundle).order_by("id"))
        assert [c.title for c in children] == ["食品经营许可", "社会保险登记"]
        for child in children:
            reuse = child.case.events.get(name="library_reuse")
            assert licence.identifier in [i["certificate"] for i in reuse.data["items"]]
            # both decisions due within 3 working days
            assert child.case.due_at.date() <= add_working_days(START.date(), 3)

        # 4. The approvers decide, each from their queue.
        staff.clear_cookies()
        _login(staff_page, base, "approver", STAFF_PASSWORD)
        for child in children:
            staff_page.goto(base + reverse("approval:review"))
            staff_page.get_by_role("link", name=child.case.number).click()
            _act(staff_page, "approve_application")
            expect(staff_page.locator("#state")).to_have_text("已办结")

        # 5. Ms Luo follows her application and finds both certificates in her library.
        luo_page.goto(base + reverse("approval:portal"))
        luo_page.get_by_role("link", name=bundle.case.number).click()
        expect(luo_page.locator("#children")).to_contain_text("已办结")
        luo_page.screenshot(path=str(SHOTS / "applicant-progress.png"), full_page=True)
        luo_page.goto(base + reverse("approval:detail", args=[children[0].pk]))
        expect(luo_page.locator("#state")).to_have_text("已办结")

        luo_page.goto(base + reverse("certificates:my_library"))
        for name in ("营业执照", "食品经营许可证", "社会保险登记证"):
            expect(luo_page.locator("body")).to_contain_text(name)
        food = Certificate.objects.get(type_name="食品经营许可证")
        with luo_page.expect_download() as dl:
            luo_page.locator("tr", has_text="食品经营许可证").get_by_role("link", name="下载PDF").click()
        pdf_bytes = Path(dl.value.path()).read_bytes()
        assert pdf_bytes.startswith(b"%PDF")
        text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
        assert "食品经营许可证" in text

        # 6. Anyone can verify it from the QR code's URL (no login).
        qr_path = verification_url(food, base_url="http://x").removeprefix("http://x")
        public = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900}).new_page()
        public.goto(base + qr_path)
        expect(public.locator("body")).to_contain_text("有效")
        expect(public.locator("body")).to_contain_text(food.identifier)
        public.screenshot(path=str(SHOTS / "certificate-verify.png"), full_page=True)
        browser.close()

    bundle.case.refresh_from_db()
    assert bundle.case.state == "closed"  # the parent closed when its last child closed

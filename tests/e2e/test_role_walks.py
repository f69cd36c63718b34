"""Each role's main job, walked in a real browser on the demo, counting the steps (issue 16, "Done when").

A step is what the user does after the page they land on when signing in: a click, a choice in a list, a field
typed into (one step per field, however long the text), a box ticked. Signing in is not counted. The demo
(``seed_demo --keep-demo-passwords``) is loaded once and served by a live server thread on the test database; each
walk signs in through the login form as its demo account, does its job, checks the outcome in the
database, and leaves a screenshot (docs/screenshots/ with ``TOWNSHIP_SCREENSHOTS=1``, else a temporary folder).

The walks and their counts are the table "Steps per role" in docs/ui.md: the test fails when a walk takes another
number of steps than the table says (fewer: update the table; more: the page got worse). The clerk's walk-in is
``township/approval/tests/test_window_desk_e2e.py`` (it counts keystrokes too), the patroller's offline reports
``township/field/tests/test_e2e_offline.py``; both are in the table.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("TOWNSHIP_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "township-screenshots"
)
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)
PNG = (  # a 1×1 PNG
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
BAISHA_FIELD = {"longitude": 106.0897, "latitude": 29.0451, "accuracy": 10}


class Steps:
    """The user's steps on a Playwright page, counted."""

    def __init__(self, page: Any) -> None:
        self.page, self.n = page, 0

    def click(self, target: Any) -> None:
        (self.page.locator(target) if isinstance(target, str) else target).first.click()
        self.n += 1

    def fill(self, target: Any, text: str) -> None:
        (self.page.locator(target) if isinstance(target, str) else target).first.fill(text)
        self.n += 1

    def select(self, target: Any, **option: Any) -> None:
        (self.page.locator(target) if isinstance(target, str) else target).first.select_option(**option)
        self.n += 1

    def menu(self, href: str) -> None:
        """A menu entry: its group is folded unless the current page is in it (one more click to open it)."""
        link = self.page.locator(f"#sidenav a[href='{href}']").first
        if not link.is_visible():
            group = self.page.locator("#sidenav details", has=self.page.locator(f"a[href='{href}']"))
            self.click(group.locator("summary"))
        self.click(link)

    def check(self, target: Any) -> None:
        (self.page.locator(target) if isinstance(target, str) else target).first.check()
        self.n += 1


def documented_steps() -> dict[str, int]:
    """{role: steps} from the table "Steps per role" in docs/ui.md."""
    text = (ROOT / "docs" / "ui.md").read_text(encoding="utf-8")
    table = text.split("## Steps per role", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)` \|[^|]*\|[^|]*\| (\d+) \|", table, re.M)
    return {role: int(n) for role, n in rows}


@pytest.fixture
def demo(transactional_db: None) -> Iterator[SimpleNamespace]:
    """The demo, committed (the server thread has its own connection), then a penalty case brought to its legal
    review through the services, as the demo's officers would."""
    from township.grid import spatial

    spatial.clear()
    call_command("seed_demo", "--keep-demo-passwords", stdout=io.StringIO())
    yield SimpleNamespace(review_case=_case_awaiting_legal_review())
    spatial.clear()


def _case_awaiting_legal_review() -> int:
    from django.utils import timezone

    from township.enforcement.services import penalty_statement_record
    from township.enforcement.tests.steps import file_case, notify
    from township.org.models import Jurisdiction, User

    users = {u.username: u for u in User.objects.filter(username__in=("officer", "officer2", "leader"))}
    world = SimpleNamespace(
        o1=users["officer"],
        o2=users["officer2"],
        leader=users["leader"],
        town=Jurisdiction.objects.get(code="500116108"),
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    pc = file_case(world, act_date=yesterday - dt.timedelta(days=30), party_name="钱某", party_id_number="")
    notify(world, pc, types=["warning"], served_on=yesterday)
    penalty_statement_record(penalty_case=pc, actor=world.o1, waived=True)
    return int(pc.pk)


@pytest.fixture
def server(demo: SimpleNamespace) -> Iterator[str]:
    """A live server thread on the test database (as pytest-django's ``live_server``)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=None, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _sign_in(browser: Any, base: str, username: str, password: str, *, phone: bool = False) -> Any:
    options: dict[str, Any] = {"locale": "zh-CN", "viewport": {"width": 1440, "height": 900}}
    if phone:
        options.update(
            viewport={"width": 390, "height": 844},
            user_agent=PHONE_UA,
            is_mobile=True,
            has_touch=True,
            geolocation=BAISHA_FIELD,
        )
    context = browser.new_context(**options)
    if phone:
        context.grant_permissions(["geolocation"], origin=base)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action] button[type=submit] >> text=登 录")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    return page


def _db(django_db_blocker: Any, fn: Callable[[], Any]) -> Any:
    """A database read beside Playwright (its event loop makes Django refuse calls from this thread)."""
    from concurrent.futures import ThreadPoolExecutor

    def run() -> Any:
        from django.db import connection

        with django_db_blocker.unblock():
            try:
                return fn()
            finally:
                connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"walk-{name}.png"), full_page=False)


# --- the walks: each returns its step count ---------------------------------------------------------------------


def walk_approver(page: Any, base: str, db: Callable) -> int:
    """李审批 decides the first application on the 待办 under review: 准予许可并制证."""
    from playwright.sync_api import expect

    s = Steps(page)
    row = page.locator("main table tbody tr", has_text="审查中").filter(has_text="审批申请").first
    number = row.locator("td").nth(1).inner_text().strip()
    s.click(row.locator("a", has_text="办理"))
    s.click("summary:has-text('准予许可并制证')")
    s.click("button:has-text('提交：准予许可并制证')")
    expect(page.locator("main h1")).not_to_contain_text("审查中")
    _shot(page, "approver")
    from township.cases.models import Case

    case = db(lambda: Case.objects.get(number=number))
    names = db(lambda: list(case.events.values_list("name", flat=True)))
    assert "approve" in names and "issue" in names, (case.state, names)  # decided, the certificate issued
    return s.n


def walk_officer(page: Any, base: str, db: Callable) -> int:
    """周执法 files the first clue as a case: the party, the day of the act, his colleague, the facts."""
    from playwright.sync_api import expect

    s = Steps(page)
    s.menu("/enforcement/clues/")
    s.click(page.locator("main table tbody tr a", has_text="立案"))
    s.fill("input[name=party_name]", "孙某")
    from django.utils import timezone

    s.fill("input[name=act_date]", (timezone.localdate() - dt.timedelta(days=3)).isoformat())
    s.check(page.get_by_label("吴执法"))
    s.fill("textarea[name=facts]", "在河口村沿河新建彩钢棚约30平方米，未取得乡村建设规划许可证。")
    s.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/enforcement/cases/\d+/$"))
    expect(page.locator("main")).to_contain_text("孙某")
    _shot(page, "officer")
    return s.n


def walk_legal(page: Any, base: str, db: Callable, case_pk: int) -> int:
    """郑法制 opens the case waiting on the 待办 and records the 法制审核: passed, with the opinion."""
    from playwright.sync_api import expect

    from township.enforcement.models import PenaltyCase

    s = Steps(page)
    number = db(lambda: PenaltyCase.objects.select_related("case").get(pk=case_pk).case.number)
    s.click(page.locator("main table tbody tr", has_text=number).locator("a", has_text="办理"))
    step = page.locator('details[data-action="penalty_review"]')
    s.click(step.locator("summary"))
    s.fill(step.locator("textarea[name=opinion]"), "事实清楚，证据确凿，适用依据正确，程序合法，同意。")
    s.check(step.locator("input[name=passed]"))
    s.click(step.locator("button", has_text="提交"))
    expect(page.locator("main")).to_contain_text("已法制审核")
    _shot(page, "legal")
    return s.n


def walk_patroller(page: Any, base: str, db: Callable) -> int:
    """张网格 on a phone: the field app, 上报事件, a photo, the class, what he sees, 提交 — the place from the phone."""
    from playwright.sync_api import expect

    from township.grid.models import Event

    assert page.url.rstrip("/").endswith("/field"), page.url  # a phone lands on the field app
    before = db(lambda: Event.objects.count())
    s = Steps(page)
    s.click("a.action.report")
    expect(page.locator("#gps-status")).to_have_class("gps ok")
    s.n += 1  # the photo, taken with the phone's camera
    page.set_input_files("#photos", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    s.select("#event_class", value="200110")
    s.fill("#description", "滨江路人行道路灯不亮，夜间行人通行不便。")
    s.click("#report-submit")
    deadline = time.monotonic() + 20
    while db(lambda: Event.objects.count()) == before:  # sent from the device's queue
        assert time.monotonic() < deadline, "the report did not reach the server"
        page.wait_for_timeout(250)
    expect(page.locator("#sync-indicator")).to_have_attribute("data-pending", "0")
    _shot(page, "patroller")
    return s.n


def walk_dispatcher(page: Any, base: str, db: Callable) -> int:
    """钱调度 dispatches, from the 调度台, the first event waiting: the suggested department (else he picks one), 派遣."""
    from township.grid.models import Event

    s = Steps(page)
    s.menu("/grid/")
    section = page.locator("main h2", has_text="待派遣").locator("xpath=following-sibling::*[1]")
    row = section.locator("tbody tr").first
    number = row.locator("td").nth(1).inner_text().strip()
    choice = row.locator("select[name=department]")
    if choice.input_value() == "":  # the class names no department of the town: the dispatcher picks it
        s.select(choice, label="综合行政执法大队")
    s.click(row.locator("button", has_text="派遣"))
    page.wait_for_load_state()
    _shot(page, "dispatcher")
    event = db(lambda: Event.objects.select_related("case", "department").get(case__number=number))
    assert event.department is not None and event.case.state == "dispatched", (event.case.state, event.department)
    return s.n


def walk_leader(page: Any, base: str, db: Callable) -> int:
    """黄镇长 finds the overdue work of the town in the 预警中心 and puts the first item under 督办."""
    from playwright.sync_api import expect

    from township.command.models import Supervision

    before = db(lambda: Supervision.objects.count())
    s = Steps(page)
    s.menu("/command/warnings/")
    s.click(page.locator("main a", has_text="已超期").first)
    listing = page.locator("main table:has(th:has-text('编号'))")
    s.click(listing.locator("tbody tr a").first)
    step = page.locator("details:has(> summary:has-text('督办'))").last
    s.click(step.locator("summary"))
    s.fill(step.locator("textarea"), "请于三日内办结并书面说明超期原因。")
    s.click(step.locator("button", has_text="提交"))
    expect(page.locator("main")).to_contain_text("请于三日内办结")
    _shot(page, "leader")
    assert db(lambda: Supervision.objects.count()) == before + 1
    return s.n


def walk_agent(page: Any, base: str, db: Callable) -> int:
    """陈代办 registers what a villager told him (社情民意登记): his village and channel are chosen already."""
    from playwright.sync_api import expect

    from township.opinions.models import Opinion

    before = db(lambda: Opinion.objects.count())
    s = Steps(page)
    s.menu("/opinions/collect/")
    s.fill("textarea[name=content]", "村道3组段路灯坏了两盏，晚上老人出行不安全，希望尽快修好。")
    s.click("main form button:has-text('登记')")
    expect(page.locator("body")).to_contain_text("白沙情")
    _shot(page, "agent")
    assert db(lambda: Opinion.objects.count()) == before + 1
    return s.n


def walk_resident(page: Any, base: str, db: Callable) -> int:
    """A resident on her phone, not signed in: the guide, 营业执照, the item — what to bring, where, how long."""
    from playwright.sync_api import expect

    s = Steps(page)
    s.fill("main input[type=search], main input[name=q]", "营业执照")
    s.click("main form button[type=submit]")
    s.click(page.locator("main a", has_text="个体工商户登记").first)
    expect(page.locator("main")).to_contain_text("申请材料")
    expect(page.locator("main")).to_contain_text("居民身份证")
    _shot(page, "resident")
    return s.n


WALKS: dict[str, tuple[str, str, Callable[..., int]]] = {
    "approver": ("approver", "Bs-approver-2026", walk_approver),
    "officer": ("officer", "Bs-officer-2026", walk_officer),
    "legal": ("legal", "Bs-legal-2026", walk_legal),
    "patroller": ("patroller", "Bs-patroller-2026", walk_patroller),
    "dispatcher": ("dispatcher", "Bs-dispatcher-2026", walk_dispatcher),
    "leader": ("leader", "Bs-leader-2026", walk_leader),
    "agent": ("agent", "Bs-agent-2026", walk_agent),
    "resident": ("", "", walk_resident),
}


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
def test_each_role_does_its_main_job_in_the_documented_steps(
    demo: SimpleNamespace, server: str, browser: Any, django_db_blocker: Any
) -> None:
    """One demo for all the walks (it takes a minute to seed): each walk's failure is collected, not the first
    one alone."""

    def db(fn: Callable[[], Any]) -> Any:
        return _db(django_db_blocker, fn)

    counts: dict[str, int] = {}
    failures: dict[str, str] = {}
    for role, (username, password, walk) in WALKS.items():
        phone = role in ("patroller", "resident")
        if username:
            page = _sign_in(browser, server, username, password, phone=phone)
        else:
            context = browser.new_context(
                locale="zh-CN", viewport={"width": 390, "height": 844}, user_agent=PHONE_UA, is_mobile=True
            )
            page = context.new_page()
            page.errors = []
            page.on("pageerror", lambda exc, page=page: page.errors.append(str(exc)))
            page.goto(server + "/guide/")
        try:
            extra = (demo.review_case,) if role == "legal" else ()
            counts[role] = walk(page, server, db, *extra)
            if page.errors:
                failures[role] = "script errors: " + "; ".join(page.errors)
        except Exception as exc:  # noqa: BLE001 — every walk is tried; the failures are reported together
            failures[role] = f"{type(exc).__name__}: {str(exc)[:600]}"
            page.screenshot(path=str(Path(tempfile.gettempdir()) / f"walk-{role}-failed.png"))
        finally:
            page.context.close()
    assert failures == {}
    documented = documented_steps()
    assert counts == {role: documented[role] for role in WALKS}, "steps per role differ from docs/ui.md"

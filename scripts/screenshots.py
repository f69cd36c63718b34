"""Screenshots for docs/screenshots/: the grid app (issue 5), the command center (``--set command``, issue 12).

Needs a running demo server with seeded data, e.g.:

    SQLITE_PATH=/tmp/shots.sqlite3 .venv/bin/python manage.py migrate
    SQLITE_PATH=/tmp/shots.sqlite3 .venv/bin/python manage.py seed_demo
    DEBUG=true SQLITE_PATH=/tmp/shots.sqlite3 .venv/bin/python manage.py runserver 127.0.0.1:8021 --noreload &
    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8021

Signs in through the login form; if the first sign-in forces a password change (等保), it changes the
password to ``--new-password`` and carries on (pass that password next time, or reseed).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

NEW_PASSWORD = "Shots-Demo-2026!q7"  # noqa: S105 - only for the throwaway demo database
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# --lang makes Chromium's own widgets (the file picker button) Chinese like the pages.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--lang=zh-CN"]


def sign_in(page: Page, base: str, username: str, password: str, new_password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form:has(input[name=password]) [type=submit]")
    page.wait_for_load_state("networkidle")
    if "/accounts/password" in page.url:  # forced change on first login
        new = new_password
        page.fill("input[name=old_password]", password)
        page.fill("input[name=new_password1]", new)
        page.fill("input[name=new_password2]", new)
        # the header also has a form (退出); submit the one holding the password fields
        page.click("form:has(input[name=old_password]) [type=submit]")
        page.wait_for_load_state("networkidle")
        if "/accounts/password" in page.url:
            raise SystemExit(f"password change for {username} refused: {page.inner_text('main')[:300]}")
        sys.stdout.write(f"{username}: forced password change, new password {new}\n")


def shoot(
    browser: Browser,
    base: str,
    user: str,
    password: str,
    jobs: list[tuple[str, str]],
    new_password: str,
    full: bool = True,
    settle: int = 0,
    **ctx,
) -> None:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **ctx)
    page = context.new_page()
    sign_in(page, base, user, password, new_password)
    for path, name in jobs:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        if "/accounts/" in page.url:
            raise SystemExit(f"{user} is not signed in ({page.url}); not saving {name}")
        if path.startswith("/grid/map"):
            # gridmap.js uses preferCanvas: the grids are drawn on a canvas in the overlay pane, and the
            # event count is filled in once the points have arrived.
            page.wait_for_selector("#grid-map .leaflet-overlay-pane canvas", timeout=30_000)
            page.wait_for_function("document.getElementById('grid-map-count').textContent !== '0'", timeout=30_000)
            page.wait_for_timeout(1500)
        if settle:
            page.wait_for_timeout(settle)  # charts and map layers draw after the data arrives
        page.screenshot(path=str(OUT / name), full_page=full)
        sys.stdout.write(f"saved {OUT / name}\n")
    context.close()


def command_shots(browser: Browser, args: argparse.Namespace) -> None:
    """The command center (issue 12): the 大屏 at 1920×1080 for the county and each drill-down level (county, town,
    village, grid), and the
    leader's desk pages."""
    user, pw = args.county.split(":", 1)
    shoot(
        browser,
        args.base,
        user,
        pw,
        [
            ("/command/screen/?unit=500116", "command-screen-county.png"),
            ("/command/screen/?unit=500116108", "command-screen-town.png"),
            ("/command/screen/?unit=500116108201", "command-screen-village.png"),
            ("/command/screen/?unit=500116108201&grid=50011610820101", "command-screen-grid.png"),
        ],
        new_password=args.new_password,
        viewport={"width": 1920, "height": 1080},
        full=False,
        settle=2500,
    )
    user, pw = args.leader.split(":", 1)
    shoot(
        browser,
        args.base,
        user,
        pw,
        [
            ("/command/warnings/", "command-warnings.png"),
            ("/command/cockpit/?theme=grid", "command-cockpit.png"),
            ("/command/evaluation/", "command-evaluation.png"),
            ("/command/dispatch/", "command-dispatch.png"),
            ("/command/supervisions/", "command-supervisions.png"),
        ],
        new_password=args.new_password,
        viewport={"width": 1440, "height": 900},
        settle=1500,
    )


def voices_shots(browser: Browser, args: argparse.Namespace) -> None:
    """社情民意 / 12345 / 信访 / 调解 (issue 14) and credit / subjects (issue 13), each as the role that works there."""
    desk = {"viewport": {"width": 1440, "height": 900}, "settle": 800}
    for account, jobs in (
        ("leader:Bs-leader-2026", [("/opinions/", "opinions-list.png"), ("/opinions/stats/", "opinions-stats.png")]),
        ("hotline:Bs-hotline-2026", [("/hotline/", "hotline-list.png"), ("/hotline/imports/", "hotline-imports.png")]),
        ("petition:Bs-petition-2026", [("/petitions/", "petitions-list.png")]),
        ("mediator:Bs-mediator-2026", [("/mediation/", "mediation-list.png")]),
        ("credit:Bs-credit-2026", [("/credit/", "credit-workbench.png"), ("/credit/listings/", "credit-listings.png")]),
        ("clerk:Bs-clerk-2026", [("/subjects/", "subjects-registry.png")]),
    ):
        user, pw = account.split(":", 1)
        shoot(browser, args.base, user, pw, jobs, new_password=args.new_password, **desk)  # type: ignore[arg-type]
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path, name in (
        ("/opinions/public/", "opinions-public-phone.png"),
        ("/credit/public/", "credit-public-phone.png"),
    ):
        page.goto(args.base + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / name), full_page=True)
        sys.stdout.write(f"saved {OUT / name}\n")
    context.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="http://127.0.0.1:8021")
    ap.add_argument("--dispatcher", default="dispatcher:Bs-dispatcher-2026")
    ap.add_argument("--patroller", default="patroller:Bs-patroller-2026")
    ap.add_argument("--leader", default="leader:Bs-leader-2026")
    ap.add_argument("--county", default="leader_county:Bs-county-2026")
    ap.add_argument("--new-password", default=NEW_PASSWORD, help="used if a forced password change comes up")
    ap.add_argument("--set", choices=["grid", "command", "voices"], default="grid", help="which pages to shoot")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=CHROMIUM_ARGS,
            env={**os.environ, "LANGUAGE": "zh_CN", "LANG": "zh_CN.UTF-8"},
        )
        if args.set in ("command", "voices"):
            (command_shots if args.set == "command" else voices_shots)(browser, args)
            browser.close()
            return
        user, pw = args.dispatcher.split(":", 1)
        shoot(
            browser,
            args.base,
            user,
            pw,
            [("/grid/", "grid-dispatcher-desk.png")],
            # The desk puts the 待受理 table next to the map; below ~1600px its 操作 column needs a
            # horizontal scroll, so the shot is taken on a wide desktop screen.
            new_password=args.new_password,
            viewport={"width": 1680, "height": 1000},
        )
        shoot(
            browser,
            args.base,
            user,
            pw,
            [("/grid/map/", "grid-map.png")],
            new_password=args.new_password,
            viewport={"width": 1440, "height": 900},
        )
        user, pw = args.patroller.split(":", 1)
        shoot(
            browser,
            args.base,
            user,
            pw,
            [("/grid/report/", "grid-mobile-report.png")],
            new_password=args.new_password,
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        browser.close()


if __name__ == "__main__":
    main()

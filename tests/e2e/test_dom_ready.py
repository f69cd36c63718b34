"""DOMContentLoaded under 300 ms on every main page of each role, on the production server (issue 16, item 7).

The demo's units and accounts (``seed_demo --only-org``; the full demo with ``TOWNSHIP_DOM_READY_SEED=demo``) are
loaded into the test database; the production server (granian, ``config.server``,
the production profile, static files collected with hashed names and pre-compressed by whitenoise, as
``scripts/serve.sh`` and ``bench/httpbench`` start it) serves that database on a free port. Headless Chromium
signs in as each demo account through the login form and opens its menu's pages (each URL once, as the first
account that has it): one warm-up load, then three; the median of
``performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd`` must be under 300 ms.

TLS ends in front of the server in production; here the server is reached over plain HTTP, so the HTTPS-only
switches (SSL redirect, secure cookies, HSTS) are off for this run — nothing else differs from production.
Set ``TOWNSHIP_DOM_READY_REPORT=path`` to write the table (docs/performance.md, "Page weight").
"""

from __future__ import annotations

import http.client
import io
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.urls import NoReverseMatch, reverse

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.serial, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
HOST = "127.0.0.1"
BUDGET_MS = 300
LOADS = 3
# Pages measured per account: its menu in order, at most this many (the first entries are its daily work).
PER_ACCOUNT = int(os.environ.get("TOWNSHIP_DOM_READY_PER_ACCOUNT", "6"))
STATIC_ROOT = Path(os.environ.get("TOWNSHIP_E2E_STATIC_ROOT", Path(tempfile.gettempdir()) / "township-e2e-static"))
# The 大屏 is a wall display (ECharts + Leaflet + map layers) and the API docs are Swagger UI: both exempt from
# the page-weight budget (tests/test_page_weight.py) and not among the pages a role works in.
SKIP = ("/command/screen/", "/api/v1/docs")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _server_env(port: int) -> dict[str, str]:
    from django.conf import settings

    from township.core import crypto

    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        # The personal data the test process encrypted while seeding stays readable by the server.
        PERSONAL_DATA_KEY=crypto.master_key(),
        SEAL_MASTER_KEY=getattr(settings, "TOWNSHIP_SEAL_MASTER_KEY", "") or settings.SECRET_KEY,
        ALLOWED_HOSTS=f"{HOST},localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(STATIC_ROOT),
        DEBUG="false",
        LOG_LEVEL="WARNING",
        WEB_ACCESS_LOG="false",
        WEB_BIND=f"{HOST}:{port}",
        PYTHONPATH=str(ROOT),
    )
    if db["ENGINE"].endswith("sqlite3"):
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(db["NAME"])
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgresql://{auth}@{db['HOST'] or HOST}:{db['PORT'] or 5432}/{db['NAME']}"
    return env


def _collect_static(env: dict[str, str]) -> None:
    """collectstatic with the production storage, when missing or older than its sources (like scripts/serve.sh)."""
    manifest = STATIC_ROOT / "staticfiles.json"
    sources = [ROOT / "static", ROOT / "node_modules" / ".township-lock.sha256"]
    sources += list((ROOT / "township").glob("*/static"))
    if manifest.exists():
        stamp = manifest.stat().st_mtime
        newer = any(p.stat().st_mtime > stamp for src in sources if src.exists() for p in [src, *src.rglob("*")])
        if not newer:
            return
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, int]:
    """(status, Content-Encoding, body bytes) of a GET."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Encoding", ""), len(response.read())
    finally:
        conn.close()


def _served_compressed(base: str) -> None:
    """The trimmed ECharts bundle is served under its hashed name, pre-compressed (gzip; Brotli when installed)."""
    import importlib.util
    import json

    port = int(base.rsplit(":", 1)[1])
    manifest = json.loads((STATIC_ROOT / "staticfiles.json").read_text(encoding="utf-8"))
    hashed = "/static/" + manifest["paths"]["township/build/echarts.min.js"]
    status, encoding, raw = _get(port, hashed)
    assert (status, encoding) == (200, "") and raw > 300_000, (status, encoding, raw)
    status, encoding, gz = _get(port, hashed, {"Accept-Encoding": "gzip"})
    assert (status, encoding) == (200, "gzip") and gz < raw / 2, (status, encoding, gz)
    if importlib.util.find_spec("brotli"):
        status, encoding, br = _get(port, hashed, {"Accept-Encoding": "gzip, deflate, br"})
        assert (status, encoding) == (200, "br") and br < gz, (status, encoding, br)


@pytest.fixture
def production_server(db):
    port = _free_port()
    env = _server_env(port)
    _collect_static(env)
    connections.close_all()  # SQLite: the server's writes (sessions) must not wait on our open transaction
    log = Path(tempfile.gettempdir()) / f"township-dom-ready-{port}.log"
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "config.server"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, f"granian exited ({proc.returncode}): {log.read_text()[-2000:]}"
            try:
                if _get(port, reverse("login"))[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"granian did not answer in 120 s: {log.read_text()[-2000:]}"
            time.sleep(0.3)
        yield f"http://{HOST}:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture
def demo(db, settings):
    from township.grid import spatial

    # The server runs the production profile, whose hashers do not read the test profile's MD5 hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    spatial.clear()
    # The whole demo takes minutes to build (more than this test may take): by default divisions, departments and
    # the demo accounts (their pages, menus and lists, empty); TOWNSHIP_DOM_READY_SEED=demo for the full demo
    # (docs/performance.md gives the numbers measured on it).
    only = [] if os.environ.get("TOWNSHIP_DOM_READY_SEED") == "demo" else ["--only-org"]
    call_command("seed_demo", *only, "--keep-demo-passwords", stdout=io.StringIO())
    yield
    spatial.clear()


def _pages() -> list[tuple[str, str, list[str]]]:
    """(username, password, [urls]) per demo account: its menu, each URL once overall."""
    from township.core.navigation import menu_for
    from township.org.demo import DEMO_ACCOUNTS
    from township.org.models import User

    seen: set[str] = set()
    plan = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            continue
        urls = []
        for entry in menu_for(user):
            try:
                url = reverse(entry["url_name"])
            except NoReverseMatch:
                continue
            if url in seen or url.startswith(SKIP):
                continue
            seen.add(url)
            urls.append(url)
            if len(urls) >= PER_ACCOUNT:
                break
        if urls:
            plan.append((account.username, account.password, urls))
    return plan


def _dom_ready_ms(page, url: str) -> tuple[int, float]:
    response = page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function('performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd > 0')
    ms = page.evaluate('performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd')
    return (response.status if response else 0), float(ms)


def test_dom_content_loaded_under_300_ms_on_the_main_pages_of_each_role(demo, production_server):
    from playwright.sync_api import sync_playwright

    _served_compressed(production_server)
    plan = _pages()
    assert sum(len(urls) for _u, _p, urls in plan) >= 30, plan  # the demo's menus were really walked
    results: list[tuple[str, str, int, float]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        try:
            for username, password, urls in plan:
                context = browser.new_context(locale="zh-CN")
                page = context.new_page()
                page.goto(production_server + reverse("login"))
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", password)
                page.click("form[action] button[type=submit] >> text=登 录")
                page.wait_for_load_state()
                assert "/accounts/login/" not in page.url, f"{username} could not sign in"
                for url in urls:
                    status, _warm = _dom_ready_ms(page, production_server + url)
                    times = [_dom_ready_ms(page, production_server + url)[1] for _ in range(LOADS)]
                    results.append((username, url, status, statistics.median(times)))
                context.close()
        finally:
            browser.close()
    report = os.environ.get("TOWNSHIP_DOM_READY_REPORT")
    if report:
        Path(report).write_text(
            "".join(f"{who}\t{url}\t{status}\t{ms:.0f}\n" for who, url, status, ms in results), encoding="utf-8"
        )
    broken = {f"{who} {url}": status for who, url, status, _ms in results if status >= 500}
    assert broken == {}
    slow = {f"{who} {url}": round(ms) for who, url, status, ms in results if ms >= BUDGET_MS}
    assert slow == {}, f"DOMContentLoaded ≥ {BUDGET_MS} ms (median of {LOADS})"

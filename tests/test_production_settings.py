"""The production profile (config/settings/production.py), the application server and the deployment files.

Settings are read once per process, so each profile is loaded in a fresh interpreter with its own environment.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import DEV_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
# Subprocesses and files with their own settings, never the test database: once per CI run, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass
STRONG_KEY = "k9Vh2-pQ7rT4wX8zB1nM6sD3fG5jL0aE_yU" + "cR8tY2iO4pA6sD9fH1kL"  # 55 characters, test only


def _env(**overrides: str | None) -> dict[str, str]:
    """A deployment's environment: the required variables set, nothing inherited that could change the result."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "township.example.cn",
        "DATABASE_URL": "postgresql://township:secret@127.0.0.1:5432/township",
        "SEAL_MASTER_KEY": "seal-" + STRONG_KEY,
        "PERSONAL_DATA_KEY": "pd-" + STRONG_KEY,
        "PYTHONPATH": str(ROOT),
    }
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _run(args: list[str], **overrides: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_env(**overrides), capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_check_deploy_is_clean_under_the_production_profile():
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.slow
def test_check_deploy_fails_on_the_base_profile_with_a_real_key():
    """The warnings the production profile answers are real: the base profile still has them."""
    done = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], DJANGO_SETTINGS_MODULE="config.settings.base"
    )
    assert done.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in done.stderr + done.stdout, code


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": DEV_SECRET_KEY}, "development key"),
        ({"SECRET_KEY": "short-but-not-dev"}, "too weak"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must list"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS must list"),
    ],
)
def test_production_refuses_to_start_without_a_real_key_and_hosts(overrides, message):
    done = _run(["-c", "import django; django.setup()"], **overrides)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and message in done.stderr


def test_debug_is_off_unless_asked_for():
    code = "import config.settings.base as b, config.settings.production as p; print(b.DEBUG, p.DEBUG)"
    assert _run(["-c", code], DJANGO_SETTINGS_MODULE=None).stdout.split() == ["False", "False"]
    assert _run(["-c", code], DEBUG="true").stdout.split() == ["True", "True"]
    # The README demo turns it on explicitly (runserver serves the static files only then).
    assert 'DEBUG="${DEBUG:-true}"' in (ROOT / "scripts" / "demo.sh").read_text()


PROBE = """
import json, django
django.setup()
from django.test import Client, override_settings
from django.conf import settings
db = settings.DATABASES["default"]
out = {"conn": [db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]], "static": settings.STORAGES["staticfiles"]["BACKEND"]}
# The manifest needs collectstatic (scripts/serve.sh runs it); the pages here only need the names.
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
    c = Client()
    plain = c.get("/accounts/login/")
    out["plain"] = [plain.status_code, plain.headers.get("Location")]
    missing = c.get("/no-such-page/", secure=True)
    out["missing"] = [missing.status_code, missing.content.decode()]
    login = c.get("/accounts/login/", secure=True)
    out["headers"] = {k: login.headers.get(k) for k in
                      ("Strict-Transport-Security", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")}
    out["cookies"] = {name: [m["secure"], m["httponly"]] for name, m in login.cookies.items()}
    proxied = c.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    out["proxied"] = proxied.status_code
print("PROBE" + json.dumps(out))
"""


def _probe(**overrides: str | None) -> dict:
    done = _run(["-c", PROBE], ALLOWED_HOSTS="testserver", SQLITE_PATH=".test-probe-unused.sqlite3", **overrides)
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("PROBE"))
    return json.loads(line.removeprefix("PROBE"))


@pytest.mark.slow
def test_production_serves_https_only_with_hardened_headers_and_no_debug_page():
    seen = _probe(DATABASE_URL=None)
    assert seen["plain"] == [301, "https://testserver/accounts/login/"]
    assert seen["missing"][0] == 404
    assert "URLconf" not in seen["missing"][1] and "admin/" not in seen["missing"][1]
    assert seen["headers"] == {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    assert seen["cookies"]["csrftoken"][0] is True
    assert seen["conn"] == [600, True]
    assert seen["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    # X-Forwarded-Proto is not trusted unless the deployment says a TLS proxy sets it.
    assert seen["proxied"] == 301
    assert _probe(DATABASE_URL=None, SECURE_PROXY_SSL_HEADER="true")["proxied"] == 200


def test_log_lines_are_one_json_object_each():
    from config.logfmt import JsonLineFormatter

    try:
        raise ValueError("坏")
    except ValueError:
        record = logging.LogRecord("township", logging.ERROR, __file__, 1, "案件 %s 出错", ("A-1",), sys.exc_info())
    line = JsonLineFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "ERROR" and parsed["logger"] == "township" and parsed["message"] == "案件 A-1 出错"
    assert "ValueError: 坏" in parsed["exc"]


# --- The application server and the deployment files ------------------------------------------------------

DEPLOY = ROOT / "deploy"
INSTALL_DIR = "/srv/township/"  # where the systemd units expect the checkout


def _unit_lines(unit: Path, key: str) -> list[str]:
    return [line.split("=", 1)[1].strip() for line in unit.read_text().splitlines() if line.startswith(f"{key}=")]


def test_systemd_units_run_commands_that_exist():
    from django.core.management import get_commands

    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert {u.name for u in units} >= {"township-web.service", "township-worker.service"}
    commands = get_commands()
    seen = set()
    for unit in units:
        assert _unit_lines(unit, "EnvironmentFile") == ["/etc/township/township.env"], unit.name
        assert "DJANGO_SETTINGS_MODULE=config.settings.production" in _unit_lines(unit, "Environment"), unit.name
        assert _unit_lines(unit, "WorkingDirectory") == [INSTALL_DIR.rstrip("/")], unit.name
        for exec_line in _unit_lines(unit, "ExecStart"):
            program, *args = exec_line.split()
            assert program.startswith(INSTALL_DIR), exec_line
            local = ROOT / program.removeprefix(INSTALL_DIR)
            if local.parts[-3:-1] == (".venv", "bin"):
                assert (Path(sys.executable).parent / local.name).exists(), exec_line
            else:
                assert local.is_file() and os.access(local, os.X_OK), exec_line
            if args[:1] == ["manage.py"]:
                assert args[1] in commands, exec_line
                seen.add(args[1])
    assert {"worker", "verify_timeline"} <= seen
    timer = DEPLOY / "systemd" / "township-verify.timer"
    assert "OnCalendar=" in timer.read_text()


def test_the_env_example_sets_the_required_variables_and_each_is_documented():
    values = dict(
        line.split("=", 1)
        for line in (DEPLOY / "township.env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SEAL_MASTER_KEY", "PERSONAL_DATA_KEY"} <= values.keys()
    assert values["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    setup = (ROOT / "docs" / "dev" / "setup.md").read_text()
    for name in values:
        assert f"`{name}`" in setup, f"{name} is not documented in docs/dev/setup.md"
    server_conf = (ROOT / "config" / "server.py").read_text()
    for name in ("WEB_BIND", "WEB_WORKERS", "WEB_THREADS", "WEB_BACKLOG", "WEB_WORKERS_MAX_RSS", "WEB_KILL_TIMEOUT"):
        assert name in server_conf and f"`{name}`" in setup, name


def test_server_options_come_from_the_environment_and_granian_accepts_them(monkeypatch):
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    from config import server

    for name in ("WEB_BIND", "WEB_WORKERS", "WEB_THREADS", "WEB_ACCESS_LOG", "WEB_WORKERS_MAX_RSS", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    default = server.options()
    assert (default["address"], default["port"]) == ("127.0.0.1", 8000)
    assert default["target"] == "config.wsgi:application" and default["workers"] == (os.cpu_count() or 1)
    assert default["blocking_threads"] == 2 and default["workers_max_rss"] == 1024 and default["log_access"] is True
    monkeypatch.setenv("WEB_BIND", "10.0.0.5:8080")
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setenv("WEB_ACCESS_LOG", "false")
    monkeypatch.setenv("WEB_WORKERS_MAX_RSS", "0")
    chosen = server.options()
    assert (chosen["address"], chosen["port"], chosen["workers"]) == ("10.0.0.5", 8080, 3)
    assert chosen["log_access"] is False and chosen["workers_max_rss"] is None
    built = Granian(interface=Interfaces.WSGI, **(chosen | {"log_level": LogLevels(chosen["log_level"])}))
    assert built.workers == 3 and built.bind_port == 8080


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_the_server_serves_the_production_app_and_logs_json_lines(tmp_path):
    """python -m config.server (what scripts/serve.sh ends with) answers over HTTP under the production profile."""
    import http.client
    import time

    port = _free_port()
    env = _env(
        DATABASE_URL=None, SQLITE_PATH=str(tmp_path / "db.sqlite3"), WEB_BIND=f"127.0.0.1:{port}", WEB_WORKERS="1"
    )
    log = tmp_path / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "config.server"], cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        answer = None
        deadline = time.monotonic() + 60
        while answer is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/accounts/login/", headers={"Host": "township.example.cn"})
                response = conn.getresponse()
                answer = (response.status, response.getheader("Location"))
            except OSError:
                time.sleep(0.3)
        assert answer == (301, "https://township.example.cn/accounts/login/"), log.read_text()

        def access_logged() -> bool:
            lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
            return any(line["logger"] == "granian.access" and " 301 " in line["message"] for line in lines)

        # the worker writes its access line after the answer has left: on a busy machine, a moment later
        deadline = time.monotonic() + 30
        while not access_logged() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    assert access_logged(), log.read_text()


def test_serve_script_is_valid_shell_and_runs_the_pinned_server():
    serve = ROOT / "scripts" / "serve.sh"
    assert os.access(serve, os.X_OK)
    assert subprocess.run(["bash", "-n", str(serve)], capture_output=True).returncode == 0
    text = serve.read_text()
    assert 'exec "$PY" -m config.server' in text and "collectstatic" in text and "check --deploy" in text
    pins = [line.split("==")[0] for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line]
    assert "granian" in pins and "gunicorn" not in pins

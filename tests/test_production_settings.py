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
STRONG_KEY = "k9Vh2-pQ7rT4wX8zB1nM6sD3fG5jL0aE_yU" + "cR8tY2iO4pA6sD9fH1kL"  # 55 characters, test only


def _env(**overrides: str | None) -> dict[str, str]:
    """A deployment's environment: the required variables set, nothing inherited that could change the result."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
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

"""Schemathesis pass over the whole OpenAPI document (run by ``scripts/api_fuzz.sh``, not by the test suite).

The app is called in-process through its WSGI handler (no server, no socket), on the throwaway SQLite database that
``api_fuzz.sh`` migrated and seeded with the demo town. Each operation gets ``FUZZ_MAX_EXAMPLES`` generated requests
(deterministic: ``derandomize``) once per persona — a window clerk and the system administrator, each with a personal
API token. The clerk's pass also runs schemathesis' coverage phase (boundary and invalid values of every parameter,
about 35 requests an operation); the administrator, who holds no business data, gets the generated requests only —
the same validation code answers both, and the coverage phase was two thirds of the pass's time. Every response must
pass ``not_a_server_error`` (no 5xx), ``response_schema_conformance`` (the body
matches the documented schema) and ``status_code_conformance`` (the status is documented for the operation).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import pytest  # noqa: E402
import schemathesis  # noqa: E402
from django.conf import settings as django_settings  # noqa: E402
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance  # noqa: E402

from config.wsgi import application  # noqa: E402
from township.org.models import User  # noqa: E402
from township.org.services import api_token_create  # noqa: E402

if "FUZZ_MEDIA_ROOT" in os.environ:
    django_settings.MEDIA_ROOT = os.environ["FUZZ_MEDIA_ROOT"]

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "10"))
PERSONAS = ("clerk", "admin")  # 综合窗口 (business reads and writes) and 系统管理员 (no business data)
CHECKS: list[Any] = [not_a_server_error, response_schema_conformance, status_code_conformance]

GENERATION = {
    "with-security-parameters": False,  # the persona's token is the credential; never a generated one
    "deterministic": True,
}
CLERK_CONFIG = SchemathesisConfig.from_dict({"generation": GENERATION})
ADMIN_CONFIG = SchemathesisConfig.from_dict({"generation": GENERATION, "phases": {"coverage": {"enabled": False}}})


def _schema(config: SchemathesisConfig) -> Any:
    loaded = schemathesis.openapi.from_dict(DOCUMENT, config=config)
    loaded.app = application  # calls go through the WSGI handler, in-process
    loaded.location = "/api/v1/openapi.json"
    return loaded


def _document() -> dict[str, Any]:
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200, response.status_code
    return json.loads(response.content)


DOCUMENT = _document()
clerk_schema = _schema(CLERK_CONFIG)
admin_schema = _schema(ADMIN_CONFIG)


def _token(username: str) -> str:
    """A personal token for a demo account (seeded with ``--keep-demo-passwords``: no forced first change)."""
    return api_token_create(user=User.objects.get(username=username), name="api-fuzz")[1]


TOKENS = {persona: _token(persona) for persona in PERSONAS}


@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_token_is_accepted(persona: str) -> None:
    """Without this, a refused token would turn every operation into a documented 401 and the pass into nothing."""
    from django.test import Client

    response = Client().get("/api/v1/cases/workbench", HTTP_AUTHORIZATION=f"Bearer {TOKENS[persona]}")
    assert response.status_code in (200, 403), response.content


HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)


@clerk_schema.parametrize()
@HYPOTHESIS
def test_api_clerk(case: Any) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKENS['clerk']}"}, checks=CHECKS)


@admin_schema.parametrize()
@HYPOTHESIS
def test_api_admin(case: Any) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKENS['admin']}"}, checks=CHECKS)

"""The OpenAPI document is generated from the code; docs/openapi.json is its reviewed snapshot.

When an endpoint or schema changes, run ``make openapi`` (``.venv/bin/python scripts/openapi.py``) and
commit docs/openapi.json with the change, so API changes show up in review (Wagtail's openapi-snapshot).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "docs" / "openapi.json"
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


def _render() -> str:
    spec = importlib.util.spec_from_file_location("township_openapi_script", ROOT / "scripts" / "openapi.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.render()


def _operations(schema: dict[str, Any]) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, item in schema.get("paths", {}).items()
        for method in item
        if method in HTTP_METHODS
    }


def _difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    lines = []
    for op in sorted(_operations(new) - _operations(old)):
        lines.append(f"  + {op}")
    for op in sorted(_operations(old) - _operations(new)):
        lines.append(f"  - {op}")
    for path in sorted(set(old.get("paths", {})) & set(new.get("paths", {}))):
        if old["paths"][path] != new["paths"][path]:
            lines.append(f"  ~ {path}")
    old_schemas = old.get("components", {}).get("schemas", {})
    new_schemas = new.get("components", {}).get("schemas", {})
    for name in sorted(set(old_schemas) | set(new_schemas)):
        if old_schemas.get(name) != new_schemas.get(name):
            lines.append(f"  ~ schema {name}")
    return "\n".join(lines[:40]) or "  (only ordering or metadata differs)"


def test_openapi_snapshot_is_current():
    generated = _render()
    if not SNAPSHOT.exists():
        pytest.fail("docs/openapi.json is missing: run `make openapi` and commit it")
    stored = SNAPSHOT.read_text(encoding="utf-8")
    if json.loads(stored) != json.loads(generated):
        pytest.fail(
            "docs/openapi.json is out of date with the API code. Run `make openapi` "
            "(or `.venv/bin/python scripts/openapi.py`) and commit docs/openapi.json. Differences:\n"
            + _difference(json.loads(stored), json.loads(generated)),
            pytrace=False,
        )


def test_every_operation_has_an_id_a_tag_and_a_response():
    schema = json.loads(_render())
    assert schema["openapi"].startswith("3.")
    ids = []
    for path, item in schema["paths"].items():
        assert path.startswith("/api/v1/"), path
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            ids.append(op["operationId"])
            assert op.get("tags"), f"{method.upper()} {path} has no tag"
            assert op.get("responses"), f"{method.upper()} {path} documents no response"
    assert len(ids) == len(set(ids)), "duplicate operationId"


@pytest.mark.django_db
def test_served_document_and_offline_docs_page(client, clerk_a):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert _operations(response.json()) == _operations(json.loads(_render()))
    client.force_login(clerk_a)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    # Offline: no asset may come from another host.
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html

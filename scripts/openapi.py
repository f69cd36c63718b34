#!/usr/bin/env python
"""Regenerate docs/openapi.json from the code (`make openapi`). tests/test_openapi.py compares the two."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "docs" / "openapi.json"


def render() -> str:
    """The OpenAPI document as stable, diff-friendly JSON."""
    from config.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    SNAPSHOT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {SNAPSHOT.relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()

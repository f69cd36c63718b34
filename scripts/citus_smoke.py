"""白沙镇's pages and API as its users see them, for scripts/citus_ci.sh (before and after the town's shard moves).

Prints one JSON object: the status code of every menu page of the town's main roles, of their API lists, of the
public lookup, and the town's row counts. Exits 1 when any answer is a server error (5xx).

    DATABASE_URL=postgresql://…/township .venv/bin/python scripts/citus_smoke.py
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

TOWN = "500116108"
USERS = ("clerk", "approval_head", "officer", "legal", "grid_supervisor", "dispatcher", "leader", "petition")
API = ("/api/v1/grid/events", "/api/v1/approval/applications", "/api/v1/enforcement/cases", "/api/v1/hotline/orders")


def main() -> int:
    setup_test_environment()
    from township.cases.models import Case
    from township.core.navigation import menu_tree
    from township.grid.models import Event
    from township.org.models import User

    out: dict[str, object] = {
        "cases": Case.objects.filter(jurisdiction_id=TOWN).count(),
        "events": Event.objects.filter(jurisdiction_id=TOWN).count(),
    }
    client = Client()
    for username in USERS:
        user = User.objects.get(username=username)
        client.force_login(user)
        urls = [child["url"] for group in menu_tree(user) for child in group["children"]] + list(API)
        for url in urls:
            out[f"{username} {url}"] = client.get(url).status_code
        client.logout()
    event = Event.objects.filter(jurisdiction_id=TOWN).order_by("id").first()
    if event is not None:
        out["public track"] = client.get(f"/grid/public/track/?ticket={event.ticket}").status_code
    sys.stdout.write(json.dumps(out, ensure_ascii=False, sort_keys=True) + "\n")
    errors = sorted(k for k, v in out.items() if " " in k and isinstance(v, int) and v >= 500)
    if errors:
        sys.stderr.write("server errors: " + ", ".join(errors) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

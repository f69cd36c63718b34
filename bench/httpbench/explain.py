"""The heaviest queries of the HTTP bench's read workloads, with their ``EXPLAIN (ANALYZE, BUFFERS)`` plans.

    .venv/bin/python -m bench.httpbench.explain --pg-url postgresql://postgres@127.0.0.1:5432/township_bench_http --top 3

Runs each GET workload of ``bench/httpbench/run.py`` once in-process (Django test ``Client``, the bench URLconf, the
same bench users) on the bench database after ``run.py`` generated it, records every statement with its time, and
prints the ``top`` slowest statements with their plans (Markdown). Read-only: only SELECTs are explained.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

GETS = {
    "list_100": ("dispatcher", "/api/v1/grid/events?state=dispatched,handling&limit=100"),
    "map_4000": ("dispatcher", "/api/v1/grid/map?limit=4000&bbox=119.95,31.65,120.60,31.98"),
    "screen_feed": ("leader", "/command/screen/data/"),
    "cockpit_feed": ("leader", "/command/cockpit/data/"),
    "warnings_summary": ("leader", "/api/v1/command/warnings/summary"),
    "grid_evaluation": ("dispatcher", "/api/v1/grid/evaluation?by=town"),
    "workbench_big": ("clerk", "/api/v1/cases/workbench?limit=20"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/township_bench_http")
    parser.add_argument("--top", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.base", DATABASE_URL=args.pg_url, DEBUG="false", LOG_LEVEL="WARNING"
    )
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.httpbench.urls import register_bench_case_type
    from township.org.models import User

    settings.ROOT_URLCONF = "bench.httpbench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    register_bench_case_type()
    users = {
        "dispatcher": "bench_dispatcher",
        "leader": "bench_leader",
        "clerk": "bench_clerk",
    }
    captured: list[tuple[float, str, str, list]] = []
    for name, (who, url) in GETS.items():
        client = Client()
        client.force_login(User.objects.get(username=users[who]))
        client.get(url)  # warm (caches, the spatial index)
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url).status_code
        print(f"{name}: HTTP {status}, {len(ctx.captured_queries)} statements", file=sys.stderr)
        for q in ctx.captured_queries:
            if q["sql"].lstrip().upper().startswith("SELECT"):
                captured.append((float(q["time"]), name, q["sql"], []))
    captured.sort(key=lambda c: -c[0])
    seen: set[str] = set()
    shown = 0
    for seconds, name, sql, _ in captured:
        if sql in seen:
            continue
        seen.add(sql)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cursor.fetchall())
        print(f"\n#### {name}: {seconds * 1000:.1f} ms in the request\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```")
        shown += 1
        if shown >= args.top:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())

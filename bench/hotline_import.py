#!/usr/bin/env python
"""12345 import bench: a generated 10,000-row hotline export with some bad rows, imported through the import job
(``township.hotline.services.job_run``, as the worker runs it), next to the bench baseline measured in the same run
(a bare Django view doing one insert and one primary-key select, bench/common.py).

    .venv/bin/python bench/hotline_import.py --db sqlite
    .venv/bin/python bench/hotline_import.py --db postgres --rows 10000 --bad-every 500

Workloads (each on its own fresh numbers, so the bench database can be reused):

- ``validate_all_or_nothing``: the file with bad rows in mode 全部正确才导入 → every row validated, the row errors
  reported, nothing imported;
- ``import_valid_rows``: the same file in mode 仅导入正确的行 → the good rows imported in one transaction;
- ``reimport``: the same file again → every row refused as already imported, nothing created;
- ``import_clean``: a clean file of the same size, all-or-nothing → every row imported in one transaction.

Printed: wall time, rows per second, ms per row and ms per row ÷ the baseline request's p50 (how many bare
insert-and-select requests one imported order costs). Results go to bench/results/hotline_import-<db>-<rows>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BAISHA = "500116108"


def _setup(db: str, pg_url: str) -> str:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DEBUG"] = "false"
    from bench.run import prepare_database

    where = prepare_database(db, pg_url)
    import django

    django.setup()
    return where


def _town_and_operator() -> Any:
    from township.hotline import services
    from township.org import demo
    from township.org.models import Jurisdiction, Role, RoleGrant, User

    if not Jurisdiction.objects.filter(pk=BAISHA).exists():
        demo.seed_jurisdictions()
    demo.seed_departments()
    services.duties_seed(jurisdiction=BAISHA)
    user, _ = User.objects.get_or_create(username="bench_hotline", defaults={"full_name": "基准热线"})
    RoleGrant.objects.get_or_create(user=user, jurisdiction_id=BAISHA, role=Role.HOTLINE_OPERATOR)
    return user


def _villages() -> list[str]:
    from township.org.models import Jurisdiction, Level

    return list(
        Jurisdiction.objects.filter(parent_id=BAISHA, level=Level.VILLAGE)
        .order_by("code")
        .values_list("name", flat=True)
    )


def _run(operator: Any, content: bytes, mode: str, label: str) -> dict[str, Any]:
    from township.hotline import services

    updates = {"n": 0}
    job = services.job_create(actor=operator, jurisdiction=BAISHA, filename=f"{label}.xlsx", content=content, mode=mode)
    t0 = time.perf_counter()
    job = services.job_run(job, on_progress=lambda _j: updates.__setitem__("n", updates["n"] + 1))
    wall = time.perf_counter() - t0
    return {
        "status": job.status,
        "rows": job.total,
        "created": job.created_count,
        "errors": job.error_count,
        "seconds": round(wall, 2),
        "rows_per_second": round(job.total / wall, 1) if wall else None,
        "ms_per_row": round(1000 * wall / job.total, 3) if job.total else None,
        "progress_updates": updates["n"],
        "message": job.message,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--bad-every", type=int, default=500, help="one bad row every so many rows (default 500)")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/township_bench")
    parser.add_argument("-n", type=int, default=300, help="baseline requests (default 300)")
    parser.add_argument("--skip-clean", action="store_true", help="skip the clean all-or-nothing import")
    args = parser.parse_args()

    where = _setup(args.db, args.pg_url)
    from django.core.management import call_command
    from django.utils import timezone

    from bench.common import Context, measure_baseline, timed
    from township.hotline.generate import export_bytes, sample_rows

    print(f"bench hotline_import · {args.rows:,} rows · {where} · {platform.python_version()}")
    with timed("migrate"):
        call_command("migrate", verbosity=0)
    operator = _town_and_operator()
    base = measure_baseline(Context(scale=args.rows, db=args.db, n=args.n), operator)
    print(f"  baseline p50 {base.p50_ms:.2f} ms, p95 {base.p95_ms:.2f} ms ({base.note})")

    stamp = timezone.now().strftime("%H%M%S")
    start = timezone.now() - timedelta(days=31)
    villages = _villages()
    t0 = time.perf_counter()
    bad = export_bytes(
        sample_rows(args.rows, villages=villages, start=start, days=30, prefix=f"B{stamp}", bad_every=args.bad_every)
    )
    clean = export_bytes(sample_rows(args.rows, villages=villages, start=start, days=30, prefix=f"C{stamp}"))
    print(f"  generated 2 exports of {args.rows:,} rows in {time.perf_counter() - t0:.1f}s ({len(bad) / 1e6:.1f} MB)")

    results: dict[str, Any] = {}
    results["validate_all_or_nothing"] = _run(operator, bad, "all", "bad-all")
    results["import_valid_rows"] = _run(operator, bad, "valid", "bad-valid")
    results["reimport"] = _run(operator, bad, "valid", "reimport")
    if not args.skip_clean:
        results["import_clean"] = _run(operator, clean, "all", "clean-all")

    print()
    print(
        f"{'workload':<26} {'status':>8} {'rows':>7} {'created':>8} {'errors':>7} {'s':>8} {'rows/s':>8} {'ms/row':>8} {'×base':>7}"
    )
    print("-" * 96)
    for name, r in results.items():
        ratio = (r["ms_per_row"] / base.p50_ms) if r["ms_per_row"] and base.p50_ms else float("nan")
        r["ms_per_row_over_baseline_p50"] = round(ratio, 2)
        print(
            f"{name:<26} {r['status']:>8} {r['rows']:>7} {r['created']:>8} {r['errors']:>7} {r['seconds']:>8.1f} "
            f"{r['rows_per_second']:>8.1f} {r['ms_per_row']:>8.2f} {ratio:>7.2f}"
        )
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"hotline_import-{args.db}-{args.rows}.json"
    out.write_text(
        json.dumps(
            {"rows": args.rows, "db": args.db, "baseline": {"p50_ms": base.p50_ms, "p95_ms": base.p95_ms}} | results,
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"\nwritten {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Run a bench module's workloads next to the baseline, in one run, and print the ratios.

    .venv/bin/python bench/run.py cases --scale 100000 --db postgres
    .venv/bin/python bench/run.py --list

``<name>`` is a module ``bench/<name>_bench.py`` (contract in bench/common.py). ``--db postgres`` uses
its own database ``township_bench`` (created if missing; ``--pg-url`` to change the server), so
tests and the demo are not touched; ``--db sqlite`` uses bench/results/bench.sqlite3.
Results are also written to bench/results/<name>-<db>-<scale>.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def available() -> list[str]:
    return sorted(p.name.removesuffix("_bench.py") for p in (ROOT / "bench").glob("*_bench.py"))


def prepare_database(db: str, pg_url: str) -> str:
    if db == "sqlite":
        RESULTS.mkdir(parents=True, exist_ok=True)
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(RESULTS / "bench.sqlite3")
        return f"SQLite {RESULTS / 'bench.sqlite3'}"
    import psycopg

    base, _, name = pg_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = pg_url
    return f"PostgreSQL {pg_url}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", help="bench module: " + ", ".join(available()))
    parser.add_argument("--scale", type=int, default=10000, help="rows of generated data (default 10000)")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/township_bench")
    parser.add_argument("-n", type=int, default=300, help="timed requests per workload (default 300)")
    parser.add_argument("--only", action="append", help="run only these workloads (repeatable)")
    parser.add_argument("--list", action="store_true", help="list bench modules and their workloads")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DEBUG"] = "false"  # no query log, production-like
    if args.list:
        _setup_django()
        for name in available():
            module = importlib.import_module(f"bench.{name}_bench")
            print(f"{name}: {', '.join(getattr(module, 'WORKLOADS', {}))}")
        return 0
    if not args.name or args.name not in available():
        parser.error(f"name one of: {', '.join(available())}")

    where = prepare_database(args.db, args.pg_url)
    _setup_django()
    from django.core.management import call_command

    from bench.common import Context, Measurement, measure_baseline, report, timed

    print(f"bench {args.name} · scale {args.scale:,} · {where} · n={args.n} · {platform.python_version()}")
    with timed("migrate"):
        call_command("migrate", verbosity=0)
    module = importlib.import_module(f"bench.{args.name}_bench")
    ctx = Context(scale=args.scale, db=args.db, n=args.n)
    if hasattr(module, "setup"):
        with timed("setup"):
            module.setup(ctx)
    base = measure_baseline(ctx, ctx.extra.get("clerk"))
    rows: list[tuple[str, Measurement]] = []
    for name, fn in module.WORKLOADS.items():
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        result = fn(ctx)
        print(f"  ran {name} in {time.perf_counter() - started:.1f}s")
        rows.extend(result.items() if isinstance(result, dict) else [(name, result)])
    report(rows, base)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{args.name}-{args.db}-{args.scale}.json"
    out.write_text(
        json.dumps(
            {"scale": args.scale, "db": args.db, "n": args.n, "baseline": asdict(base)}
            | {name: asdict(m) for name, m in rows},
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"\nwritten {out.relative_to(ROOT)}")
    return 0


def _setup_django() -> None:
    import django

    django.setup()


if __name__ == "__main__":
    sys.exit(main())

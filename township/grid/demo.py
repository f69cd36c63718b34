"""Demo data for the grid capability: 白沙镇 (500116108) grids, staff and events in various states;
江阴市 (320281) 17 / 271 / 1,557 grids through ``generate_grids --jiangyin``."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from township.org.models import Jurisdiction

DATA = Path(__file__).resolve().parent / "data"

# Bounding boxes (WGS-84) with about the real areas: 江阴 988 km², 白沙镇 about 240 km².
JIANGYIN_BOUNDS = (120.05, 31.72, 120.50, 31.93)
BAISHA_BOUNDS = (106.05, 29.00, 106.21, 29.14)


def ensure_divisions(filename: str) -> int:
    """Create the division rows of a bundled CSV (code,name,level,parent_code) that do not exist yet."""
    with (DATA / filename).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    existing = set(Jurisdiction.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
    created = 0
    for row in sorted(rows, key=lambda r: len(r["code"])):
        if row["code"] in existing:
            continue
        Jurisdiction.objects.create(
            code=row["code"], name=row["name"], level=row["level"], parent_id=row["parent_code"] or None
        )
        created += 1
    return created


def seed(stdout: Any) -> None:
    from township.grid.demo_seed import seed_baisha

    seed_baisha(stdout)
    seed_jiangyin(stdout)


def seed_jiangyin(stdout: Any) -> None:
    """江阴市 17 / 271 / 1,557 grids (about 3 s with bulk_create); skipped when present."""
    from township.grid import services
    from township.grid.models import Grid

    ensure_divisions("jiangyin-divisions.csv")
    if Grid.objects.filter(code__startswith="320281").exists():
        return
    counts = services.grid_generate(
        root=Jurisdiction.objects.get(pk="320281"), bounds=JIANGYIN_BOUNDS, counts=(17, 271, 1557)
    )
    stdout.write(f"江阴市网格：一级 {counts[1]}，二级 {counts[2]}，三级 {counts[3]}\n")

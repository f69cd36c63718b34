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


SHANGCUN = "130926103"  # 肃宁县尚村镇: its grids and patrollers come from the cameras app's demo
PATROLS_TODAY = 40  # of the 162 grid patrollers, those out on patrol today
TRACK_POINTS = 24


def finish(stdout: Any) -> None:
    """After every app's demo: a day of patrol tracks in 尚村镇; generated roads of the demo towns (not surveyed)."""
    from township.grid.demo_roads import seed_roads

    seed_shangcun_patrols(stdout)
    seed_roads(stdout)


def seed_shangcun_patrols(stdout: Any) -> None:
    """Today's patrols of 40 of 尚村镇's grid patrollers, each a loop of GPS points inside their grid, through the
    patrol services (distance and counts as the phone app leaves them). Skipped when today's tracks exist."""
    from datetime import timedelta

    from django.utils import timezone

    from township.grid import services
    from township.grid.models import Grid, GridStaff, Patrol
    from township.org.models import Role

    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if Patrol.objects.filter(jurisdiction_id=SHANGCUN, started_at__gte=today - timedelta(hours=6)).exists():
        return
    staff = (
        GridStaff.objects.filter(jurisdiction_id=SHANGCUN, role=Role.GRID_PATROLLER, grid__level=3)
        .select_related("grid", "user")
        .order_by("grid__code")[:PATROLS_TODAY]
    )
    done = 0
    for i, s in enumerate(staff):
        grid: Grid = s.grid
        start = now - timedelta(hours=3, minutes=i * 3)
        patrol = services.patrol_start(actor=s.user, jurisdiction=SHANGCUN, grid=grid, at=start)
        w, h = (grid.max_lon - grid.min_lon) * 0.3, (grid.max_lat - grid.min_lat) * 0.3
        points = []
        for k in range(TRACK_POINTS):  # a loop around the grid's centre, a point every 4 minutes
            side, t = divmod(k * 4, TRACK_POINTS)
            f = t / TRACK_POINTS
            dx, dy = ((-1 + 2 * f, -1.0), (1.0, -1 + 2 * f), (1 - 2 * f, 1.0), (-1.0, 1 - 2 * f))[side % 4]
            at = start + timedelta(minutes=4 * k)
            points.append({"lon": grid.center_lon + dx * w, "lat": grid.center_lat + dy * h, "at": at.isoformat()})
        services.patrol_track_add(patrol=patrol, actor=s.user, points=points)
        services.patrol_end(patrol=patrol, actor=s.user, note="日常巡查，未发现异常")
        done += 1
    if done:
        stdout.write(f"尚村镇今日巡查：{done} 名网格员的巡查轨迹（每条 {TRACK_POINTS} 个定位点）\n")

"""Grid workloads for the bench runner (issue 5): scale data and four timed workloads.

Each workload returns a dict of numbers; the lead's runner measures the baseline in the same run and
prints ratios. Stand-alone:

    DATABASE_URL=postgresql://… .venv/bin/python bench/grid_bench.py --events 1000000

Data: 江阴市 (320281) with 17 / 271 / 1,557 generated grids and N events spread over the third-level
grids and the loop's states (bulk-inserted cases; the timed workloads use the real services).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

STATES = ["reported", "registered", "dispatched", "handling", "handled", "closed", "evaluated", "verifying"]


def _django() -> None:
    import django

    if not getattr(_django, "done", False):
        django.setup()
        _django.done = True  # type: ignore[attr-defined]


def _p(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


def setup_grids() -> int:
    """江阴 17 / 271 / 1,557 grids (idempotent). Returns the number of third-level grids."""
    _django()
    from township.grid import services
    from township.grid.demo import JIANGYIN_BOUNDS, ensure_divisions
    from township.grid.models import Grid
    from township.org.models import Jurisdiction

    ensure_divisions("jiangyin-divisions.csv")
    services.event_class_seed_defaults()
    if not Grid.objects.filter(code__startswith="320281", level=3).exists():
        services.grid_generate(
            root=Jurisdiction.objects.get(pk="320281"), bounds=JIANGYIN_BOUNDS, counts=(17, 271, 1557)
        )
    return Grid.objects.filter(code__startswith="320281", level=3).count()


def bench_users() -> dict[str, Any]:
    _django()
    from township.org.models import DataScope, Jurisdiction, Role, RoleGrant, User

    county = Jurisdiction.objects.get(pk="320281")
    users = {}
    for name, role in (("bench_dispatcher", Role.DISPATCHER), ("bench_patroller", Role.GRID_PATROLLER)):
        user, _c = User.objects.get_or_create(username=name, defaults={"full_name": name})
        RoleGrant.objects.get_or_create(
            user=user, jurisdiction=county, role=role, defaults={"data_scope": DataScope.UNIT_AND_BELOW}
        )
        users[name] = user
    return users


def setup_events(total: int, *, batch: int = 5000, seed: int = 5) -> int:
    """Bulk-insert ``total`` events (with their cases) over the third-level grids. Idempotent by count."""
    _django()
    from django.db import transaction
    from django.utils import timezone

    from township.cases.models import Case
    from township.grid.models import Event, EventClass, Grid, Source

    have = Event.objects.filter(jurisdiction__code__startswith="320281").count()
    if have >= total:
        return have
    rng = random.Random(seed)
    grids = list(
        Grid.objects.filter(code__startswith="320281", level=3).values_list(
            "id", "jurisdiction_id", "village_id", "min_lon", "min_lat", "max_lon", "max_lat"
        )
    )
    classes = list(EventClass.objects.filter(kind="event").values_list("id", flat=True))
    now = timezone.now()
    made = have
    by_jur: dict[str, list[tuple[Any, ...]]] = {}
    for g in grids:
        by_jur.setdefault(g[1], []).append(g)
    jurs = sorted(by_jur)
    while made < total:
        n = min(batch, total - made)
        jur = jurs[made // batch % len(jurs)]
        cells = by_jur[jur]
        with transaction.atomic():
            cases = []
            picks = []
            for i in range(n):
                g = rng.choice(cells)
                state = rng.choice(STATES)
                at = now - timezone.timedelta(minutes=rng.randint(1, 60 * 24 * 300))
                cases.append(
                    Case(
                        case_type="grid_event",
                        jurisdiction_id=jur,
                        village_id=g[2],
                        number=f"B{made + i:09d}",
                        title="bench",
                        state=state,
                        opened_at=at,
                        clock_unit="working_hours",
                        clock_limit=4,
                        due_at=at + timezone.timedelta(hours=8),
                    )
                )
                picks.append((g, at, state))
            Case.objects.bulk_create(cases, batch_size=1000)
            ids = dict(
                Case.objects.filter(jurisdiction_id=jur, number__in=[c.number for c in cases]).values_list(
                    "number", "id"
                )
            )
            events = []
            for c, (g, at, state) in zip(cases, picks, strict=True):
                lon = rng.uniform(g[3], g[5])
                lat = rng.uniform(g[4], g[6])
                events.append(
                    Event(
                        case_id=ids[c.number],
                        jurisdiction_id=jur,
                        village_id=g[2],
                        grid_id=g[0],
                        event_class_id=rng.choice(classes),
                        source=Source.PATROL,
                        description="bench",
                        lon=lon,
                        lat=lat,
                        ticket=f"B{c.number[1:]}",
                        reported_at=at,
                        registered_at=at if state != "reported" else None,
                    )
                )
            Event.objects.bulk_create(events, batch_size=1000)
        made += n
    from township.grid import points

    points.rebuild()  # bulk-inserted events take no step: the map's open points from them (as recount_grid_events)
    _analyze()
    return made


def _analyze() -> None:
    """Refresh planner statistics after a bulk load (autovacuum would do it later)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("cases_case", "grid_event", "grid_eventpoint", "grid_grid"):
                cursor.execute(f"ANALYZE {table}")


# --- workloads -----------------------------------------------------------------------------------


def workload_report_create(n: int = 200) -> dict[str, float]:
    """Report creation through the real service (locate, case_open, timeline): per-call latency."""
    _django()
    from township.grid import services
    from township.grid.demo import JIANGYIN_BOUNDS

    user = bench_users()["bench_patroller"]
    rng = random.Random(1)
    times = []
    for _i in range(n):
        lon = rng.uniform(JIANGYIN_BOUNDS[0] + 0.01, JIANGYIN_BOUNDS[2] - 0.01)
        lat = rng.uniform(JIANGYIN_BOUNDS[1] + 0.01, JIANGYIN_BOUNDS[3] - 0.01)
        t = time.perf_counter()
        services.event_report(actor=user, event_class="200110", lon=lon, lat=lat, description="bench report")
        times.append(time.perf_counter() - t)
    return {"n": n, "mean_ms": statistics.mean(times) * 1000, "p95_ms": _p(times, 0.95) * 1000, "per_s": n / sum(times)}


def workload_dispatcher_list(n: int = 200) -> dict[str, float]:
    """调度台 list filtered by status and grid (first page of 50): p95 latency."""
    _django()
    from township.grid import selectors
    from township.grid.models import Grid

    user = bench_users()["bench_dispatcher"]
    grid_ids = list(Grid.objects.filter(code__startswith="320281", level=3).values_list("id", flat=True))
    rng = random.Random(2)
    times = []
    for _i in range(n):
        user.__dict__.pop("_township_grants", None)  # like a fresh request
        t = time.perf_counter()
        selectors.event_list(actor=user, state=rng.choice(STATES), grid=rng.choice(grid_ids), limit=50)
        times.append(time.perf_counter() - t)
    return {"n": n, "p50_ms": _p(times, 0.5) * 1000, "p95_ms": _p(times, 0.95) * 1000}


def workload_map(n: int = 30, points: int = 4000) -> dict[str, float]:
    """The map endpoint's query with 4,000 events (open states, whole county)."""
    _django()
    from township.grid import selectors

    user = bench_users()["bench_dispatcher"]
    times = []
    got = 0
    for _i in range(n):
        t = time.perf_counter()
        got = len(selectors.event_map_points(actor=user, limit=points))
        times.append(time.perf_counter() - t)
    return {"n": n, "points": got, "p50_ms": _p(times, 0.5) * 1000, "p95_ms": _p(times, 0.95) * 1000}


def workload_point_to_grid(n: int = 100_000) -> dict[str, float]:
    """Point-to-grid lookups per second: one by one (cached index) and vectorised."""
    _django()
    from township.grid import spatial
    from township.grid.demo import JIANGYIN_BOUNDS

    rng = random.Random(3)
    pts = [
        (rng.uniform(JIANGYIN_BOUNDS[0], JIANGYIN_BOUNDS[2]), rng.uniform(JIANGYIN_BOUNDS[1], JIANGYIN_BOUNDS[3]))
        for _i in range(n)
    ]
    spatial.locate(*pts[0])  # build the index
    single = pts[: min(n, 20_000)]
    t = time.perf_counter()
    hits = sum(1 for lon, lat in single if spatial.locate(lon, lat, max_age=60) is not None)
    one_by_one = len(single) / (time.perf_counter() - t)
    t = time.perf_counter()
    many = spatial.locate_many(pts)
    vectorised = n / (time.perf_counter() - t)
    return {
        "n": n,
        "lookups_per_s": one_by_one,
        "vectorised_per_s": vectorised,
        "hit_ratio": hits / len(single),
        "vector_hits": sum(1 for x in many if x is not None) / n,
    }


# Standalone (``python bench/grid_bench.py --events N``): the functions above, returning plain dicts.
STANDALONE = {
    "grid_report_create": workload_report_create,
    "grid_dispatcher_list": workload_dispatcher_list,
    "grid_map_4000": workload_map,
    "grid_point_to_grid": workload_point_to_grid,
}


# --- bench/run.py contract (bench/common.py): setup(ctx) and WORKLOADS of fn(ctx) -> Measurement ------------


def _run_report_create(ctx: Any) -> Any:
    from bench.common import measure
    from township.grid import services
    from township.grid.demo import JIANGYIN_BOUNDS

    user = bench_users()["bench_patroller"]
    rng = random.Random(1)

    def once(_i: int) -> None:
        lon = rng.uniform(JIANGYIN_BOUNDS[0] + 0.01, JIANGYIN_BOUNDS[2] - 0.01)
        lat = rng.uniform(JIANGYIN_BOUNDS[1] + 0.01, JIANGYIN_BOUNDS[3] - 0.01)
        services.event_report(actor=user, event_class="200110", lon=lon, lat=lat, description="bench report")

    return measure(once, min(ctx.n, 200), note="locate + duplicate check + case open + timeline")


def _run_dispatcher_list(ctx: Any) -> Any:
    from bench.common import measure
    from township.grid import selectors
    from township.grid.models import Grid

    user = bench_users()["bench_dispatcher"]
    grid_ids = list(Grid.objects.filter(code__startswith="320281", level=3).values_list("id", flat=True))
    rng = random.Random(2)

    def once(_i: int) -> None:
        user.__dict__.pop("_township_grants", None)  # like a fresh request
        user.__dict__.pop("_township_reach", None)
        list(selectors.event_list(actor=user, state=rng.choice(STATES), grid=rng.choice(grid_ids), limit=50))

    return measure(once, ctx.n, note="status + grid filter, first page of 50")


def _run_map(ctx: Any) -> Any:
    from bench.common import measure
    from township.grid import selectors

    user = bench_users()["bench_dispatcher"]
    got: list[int] = []

    def once(_i: int) -> None:
        got.append(len(selectors.event_map_points(actor=user, limit=4000)))

    m = measure(once, min(ctx.n, 50))
    m.note = f"{got[-1] if got else 0} points"
    return m


def _run_point_to_grid(ctx: Any) -> Any:
    from bench.common import measure
    from township.grid import spatial
    from township.grid.demo import JIANGYIN_BOUNDS

    rng = random.Random(3)
    pts = [
        (rng.uniform(JIANGYIN_BOUNDS[0], JIANGYIN_BOUNDS[2]), rng.uniform(JIANGYIN_BOUNDS[1], JIANGYIN_BOUNDS[3]))
        for _i in range(10_000)
    ]
    spatial.locate(*pts[0])  # build the index

    def once(i: int) -> None:
        spatial.locate(*pts[i % len(pts)], max_age=60)

    return measure(once, max(ctx.n, 5000), note="one lookup per call, cached STRtree over 1,557 grids")


WORKLOADS = {
    "grid_report_create": _run_report_create,
    "grid_dispatcher_list": _run_dispatcher_list,
    "grid_map_4000": _run_map,
    "grid_point_to_grid": _run_point_to_grid,
}


def setup(ctx_or_events: Any = 100_000) -> dict[str, int]:
    events = getattr(ctx_or_events, "scale", ctx_or_events)
    return {"grids_level3": setup_grids(), "events": setup_events(int(events))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    t = time.perf_counter()
    print("setup", setup(args.events), f"{time.perf_counter() - t:.1f}s")
    for name, fn in STANDALONE.items():
        print(name, {k: round(v, 2) if isinstance(v, float) else v for k, v in fn().items()})


if __name__ == "__main__":
    main()

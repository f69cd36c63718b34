"""Point to grid: an in-process shapely STRtree per jurisdiction, built from the database.

The index is cached per process and keyed by ``GridIndexVersion``: every service that changes grids
bumps the version of the jurisdiction and of ``*`` (all grids), and the next lookup rebuilds. The
version check is one primary-key read; ``max_age`` lets hot paths (the bench, bulk imports) skip it
for a few seconds.

Rules: the deepest grid (third level first) whose polygon covers the point wins. A point exactly on
a shared edge is covered by both neighbours; the grid with the smaller code (west/north in the
standard numbering) wins, so the answer is deterministic. A point in a hole belongs to no grid
unless another grid fills the hole.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.db.models import F

from township.grid.geo import loads

ALL = "*"


@dataclass
class _Index:
    version: int
    checked_at: float
    tree: Any
    ids: list[int]
    codes: list[str]
    levels: list[int]
    jurisdictions: list[str]


_cache: dict[str, _Index] = {}
_lock = threading.Lock()


def current_version(key: str) -> int:
    from township.grid.models import GridIndexVersion

    row = GridIndexVersion.objects.filter(key=key).values_list("version", flat=True).first()
    return int(row or 0)


def bump(*jurisdictions: str) -> None:
    """Invalidate the indexes of these jurisdictions (and of all grids). Call inside the write's transaction."""
    from township.grid.models import GridIndexVersion

    keys = sorted({*jurisdictions, ALL})
    with transaction.atomic():
        for key in keys:
            updated = GridIndexVersion.objects.filter(key=key).update(version=F("version") + 1)
            if not updated:
                GridIndexVersion.objects.get_or_create(key=key, defaults={"version": 1})


def _build(key: str, version: int) -> _Index:
    from township.grid.models import Grid

    qs = Grid.objects.filter(active=True)
    if key != ALL:
        qs = qs.filter(jurisdiction_id=key)
    rows = list(qs.values_list("id", "code", "level", "jurisdiction_id", "geometry"))
    geoms = [loads(r[4]) for r in rows]
    tree = shapely.STRtree(geoms) if geoms else None
    return _Index(
        version=version,
        checked_at=time.monotonic(),
        tree=tree,
        ids=[r[0] for r in rows],
        codes=[r[1] for r in rows],
        levels=[r[2] for r in rows],
        jurisdictions=[r[3] for r in rows],
    )


def _index(key: str, max_age: float = 0.0) -> _Index:
    idx = _cache.get(key)
    now = time.monotonic()
    if idx is not None and max_age and now - idx.checked_at < max_age:
        return idx
    version = current_version(key)
    if idx is not None and idx.version == version:
        idx.checked_at = now
        return idx
    with _lock:
        idx = _build(key, version)
        _cache[key] = idx
    return idx


def clear() -> None:
    _cache.clear()


def _pick(idx: _Index, hits: Any) -> int | None:
    if len(hits) == 0:
        return None
    best = min(hits, key=lambda i: (-idx.levels[i], idx.codes[i]))
    return idx.ids[best]


def locate(lon: float, lat: float, jurisdiction: str | None = None, *, max_age: float = 0.0) -> int | None:
    """The id of the deepest grid covering the WGS-84 point, or None."""
    idx = _index(jurisdiction or ALL, max_age)
    if idx.tree is None:
        return None
    hits = idx.tree.query(shapely.Point(lon, lat), predicate="intersects")
    return _pick(idx, hits)


def locate_many(points: list[tuple[float, float]], jurisdiction: str | None = None) -> list[int | None]:
    """Vectorised ``locate`` for many points (one STRtree query)."""
    idx = _index(jurisdiction or ALL)
    out: list[int | None] = [None] * len(points)
    if idx.tree is None or not points:
        return out
    geoms = shapely.points(np.asarray(points, dtype=float))
    pairs = idx.tree.query(geoms, predicate="intersects")
    by_point: dict[int, list[int]] = {}
    for p, g in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        by_point.setdefault(p, []).append(g)
    for p, hits in by_point.items():
        out[p] = _pick(idx, hits)
    return out


def grid_jurisdiction(grid_id: int, jurisdiction: str | None = None) -> str | None:
    idx = _cache.get(jurisdiction or ALL)
    if idx is None:
        return None
    try:
        return idx.jurisdictions[idx.ids.index(grid_id)]
    except ValueError:
        return None

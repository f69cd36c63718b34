"""Point to grid: an in-process index per jurisdiction, built from the database.

The index is cached per process and keyed by ``GridIndexVersion``: every service that changes grids bumps the
version of the jurisdiction and of ``*`` (all grids). The process that bumps drops its own copy at once; the
other processes read the version at most every ``GRID_INDEX_CHECK_SECONDS`` (default 5) — a lookup itself never
queries the database, so a report locates its point without a statement. ``max_age`` overrides the interval
(``0``: read the version now).

A lookup is pure Python over a raster of buckets: each bucket lists the grids that touch it, deepest first, and
marks those that cover it whole — most points are answered by the bucket alone; a point near an edge is tested
against the prepared polygons of its bucket only (``shapely.intersects_xy``). ``locate_many`` queries the
STRtree with all points at once.

Rules: the deepest grid (third level first) whose polygon covers the point wins. A point exactly on
a shared edge is covered by both neighbours; the grid with the smaller code (west/north in the
standard numbering) wins, so the answer is deterministic. A point in a hole belongs to no grid
unless another grid fills the hole.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.db import transaction
from django.db.models import F

from township.grid.geo import loads

ALL = "*"
# Buckets per side of the median deepest grid (16 buckets a grid), and at most this many (bucket, grid) pairs.
_BUCKETS_PER_GRID_SIDE = 4
_MAX_PAIRS = 1_500_000


@dataclass
class _Index:
    version: int
    checked_at: float
    tree: Any
    ids: list[int]
    codes: list[str]
    levels: list[int]
    jurisdictions: list[str]
    geoms: list[Any] = field(default_factory=list)
    x0: float = 0.0
    y0: float = 0.0
    cell: float = 1.0
    # (ix, iy) → ((grid position, covers the whole bucket), …) in the order of the rule (deepest, smallest code)
    buckets: dict[tuple[int, int], tuple[tuple[int, bool], ...]] = field(default_factory=dict)

    def find(self, lon: float, lat: float) -> int | None:
        try:
            key = (math.floor((lon - self.x0) / self.cell), math.floor((lat - self.y0) / self.cell))
        except (ValueError, OverflowError):  # NaN or infinite coordinates
            return None
        for i, whole in self.buckets.get(key, ()):
            if whole or shapely.intersects_xy(self.geoms[i], lon, lat):
                return self.ids[i]
        return None


_cache: dict[str, _Index] = {}
_lock = threading.Lock()


def check_seconds() -> float:
    return float(getattr(settings, "GRID_INDEX_CHECK_SECONDS", 5.0))


def current_version(key: str) -> int:
    from township.grid.models import GridIndexVersion

    row = GridIndexVersion.objects.filter(key=key).values_list("version", flat=True).first()
    return int(row or 0)


def _drop(keys: list[str]) -> None:
    for key in keys:
        _cache.pop(key, None)


def bump(*jurisdictions: str) -> None:
    """Invalidate the indexes of these jurisdictions (and of all grids). Call inside the write's transaction.

    This process drops its copies now (and again at the commit, so an index rebuilt from the uncommitted rows in
    between does not outlive them); the other processes see the new version within ``GRID_INDEX_CHECK_SECONDS``."""
    from township.grid.models import GridIndexVersion

    keys = sorted({*jurisdictions, ALL})
    with transaction.atomic():
        for key in keys:
            updated = GridIndexVersion.objects.filter(key=key).update(version=F("version") + 1)
            if not updated:
                GridIndexVersion.objects.get_or_create(key=key, defaults={"version": 1})
        transaction.on_commit(lambda: _drop(keys))
    _drop(keys)


def _rank(codes: list[str], levels: list[int]) -> np.ndarray:
    """The rule's order: deepest level first, then the smaller code."""
    order = sorted(range(len(codes)), key=lambda i: (-levels[i], codes[i]))
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes))
    return rank


def _buckets(
    geoms: np.ndarray, levels: list[int], codes: list[str], tree: Any
) -> tuple[float, float, float, dict[tuple[int, int], tuple[tuple[int, bool], ...]]]:
    """The raster of buckets over the grids' bounds (see the module's docstring)."""
    bounds = shapely.bounds(geoms)
    x0, y0 = float(bounds[:, 0].min()), float(bounds[:, 1].min())
    deepest = np.asarray(levels) == max(levels)
    sides = np.minimum(bounds[deepest, 2] - bounds[deepest, 0], bounds[deepest, 3] - bounds[deepest, 1])
    cell = float(np.median(sides)) / _BUCKETS_PER_GRID_SIDE if len(sides) else 1.0
    if not cell > 0:
        cell = max(float(bounds[:, 2].max() - x0), float(bounds[:, 3].max() - y0), 1e-6)
    while True:
        eps = cell * 1e-6  # buckets are tested a hair larger: a point rounded into one is still inside it
        lo_x = np.floor((bounds[:, 0] - eps - x0) / cell).astype(np.int64)
        hi_x = np.floor((bounds[:, 2] + eps - x0) / cell).astype(np.int64)
        lo_y = np.floor((bounds[:, 1] - eps - y0) / cell).astype(np.int64)
        hi_y = np.floor((bounds[:, 3] + eps - y0) / cell).astype(np.int64)
        counts = (hi_x - lo_x + 1) * (hi_y - lo_y + 1)
        if int(counts.sum()) <= _MAX_PAIRS:
            break
        cell *= 2
    # Every bucket some grid's bounding box touches, once.
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    width = np.repeat(hi_x - lo_x + 1, counts)
    stride = int(hi_y.max()) + 2
    keys = np.unique((np.repeat(lo_x, counts) + within % width) * stride + np.repeat(lo_y, counts) + within // width)
    ix, iy = keys // stride, keys % stride
    boxes = shapely.box(
        x0 + ix * cell - eps, y0 + iy * cell - eps, x0 + (ix + 1) * cell + eps, y0 + (iy + 1) * cell + eps
    )
    bucket_of, grid_of = tree.query(boxes, predicate="intersects")
    whole = shapely.covers(geoms[grid_of], boxes[bucket_of])
    order = np.lexsort((_rank(codes, levels)[grid_of], bucket_of))
    xs, ys = ix[bucket_of[order]].tolist(), iy[bucket_of[order]].tolist()
    out: dict[tuple[int, int], list[tuple[int, bool]]] = {}
    for x, y, g, w in zip(xs, ys, grid_of[order].tolist(), whole[order].tolist(), strict=True):
        entries = out.setdefault((x, y), [])
        if entries and entries[-1][1]:
            continue  # a grid earlier in the order covers the whole bucket: the later ones never win here
        entries.append((g, w))
    return x0, y0, cell, {k: tuple(v) for k, v in out.items()}


def _build(key: str, version: int) -> _Index:
    from township.grid.models import Grid

    qs = Grid.objects.filter(active=True)
    if key != ALL:
        qs = qs.filter(jurisdiction_id=key)
    rows = list(qs.values_list("id", "code", "level", "jurisdiction_id", "geometry"))
    geoms = [loads(r[4]) for r in rows]
    index = _Index(
        version=version,
        checked_at=time.monotonic(),
        tree=shapely.STRtree(geoms) if geoms else None,
        ids=[r[0] for r in rows],
        codes=[r[1] for r in rows],
        levels=[r[2] for r in rows],
        jurisdictions=[r[3] for r in rows],
        geoms=geoms,
    )
    if geoms:
        shapely.prepare(geoms)
        index.x0, index.y0, index.cell, index.buckets = _buckets(
            np.asarray(geoms, dtype=object), index.levels, index.codes, index.tree
        )
    return index


def _index(key: str, max_age: float | None = None) -> _Index:
    idx = _cache.get(key)
    now = time.monotonic()
    age = check_seconds() if max_age is None else max_age
    if idx is not None and age and now - idx.checked_at < age:
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


def locate(lon: float, lat: float, jurisdiction: str | None = None, *, max_age: float | None = None) -> int | None:
    """The id of the deepest grid covering the WGS-84 point, or None. No statement unless the version is due."""
    return _index(jurisdiction or ALL, max_age).find(lon, lat)


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

"""Demo roads (issue 15): plausible main roads of the demo towns, GENERATED — not surveyed — so the map without a
basemap shows roads as well as grids and village names.

For each demo town with village grids: the shortest network joining the village centres (a minimum spanning tree,
as village roads usually run from village to village), each line bent a little so it does not look ruled, plus a
main road through the town along its longest axis; for 白沙镇 a schematic 长江 along the northern edge. Saved through
``services.feature_import`` with ``generated`` set: the 道路河流 page and the layer's data say so.
"""

from __future__ import annotations

import math
import re
from typing import Any

from township.grid import services
from township.grid.models import FeatureKind, Grid, MapFeature

DEMO_TOWNS = ("500116108", "130926103")  # 白沙镇, 尚村镇
BAISHA = "500116108"


def _short(name: str) -> str:
    """黑石山村村民委员会网格 → 黑石山村, 胜家庄村民委员会网格 → 胜家庄村, 槽坊社区居民委员会网格 → 槽坊社区."""
    name = re.sub(r"网格$", "", name)
    for body, tail in (("村民委员会", "村"), ("居民委员会", "社区")):
        if name.endswith(body):
            base = name[: -len(body)]
            return base if base.endswith(tail) else base + tail
    return name


def _dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot((a[0] - b[0]) * math.cos(math.radians(a[1])), a[1] - b[1])


def _bent(a: tuple[float, float], b: tuple[float, float], k: int) -> list[list[float]]:
    """A line from a to b through two points pushed sideways (alternating sides), like a road following the land."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    side = 0.06 if k % 2 else -0.06
    pts = [a]
    for f, s in ((0.33, side), (0.66, -side * 0.6)):
        pts.append((a[0] + dx * f - dy * s, a[1] + dy * f + dx * s))
    pts.append(b)
    return [[round(x, 6), round(y, 6)] for x, y in pts]


def _tree(nodes: list[tuple[str, tuple[float, float]]]) -> list[tuple[int, int]]:
    """Prim's minimum spanning tree over the village centres (a few dozen: quadratic is fine)."""
    if len(nodes) < 2:
        return []
    inside, edges = {0}, []
    while len(inside) < len(nodes):
        i, j = min(
            ((i, j) for i in inside for j in range(len(nodes)) if j not in inside),
            key=lambda e: _dist(nodes[e[0]][1], nodes[e[1]][1]),
        )
        inside.add(j)
        edges.append((i, j))
    return edges


def _feature(name: str, kind: str, coords: list[list[float]]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"name": name, "kind": kind, "note": "演示生成，非实测"},
        "geometry": {"type": "LineString", "coordinates": coords},
    }


def town_roads(town: str, town_name: str) -> dict[str, Any] | None:
    """The generated FeatureCollection for one town (None without village grids)."""
    villages = list(
        Grid.objects.filter(jurisdiction_id=town, level=2, active=True)
        .order_by("code")
        .values_list("name", "center_lon", "center_lat")
    )
    if len(villages) < 2:
        return None
    nodes = [(_short(n), (lon, lat)) for n, lon, lat in villages]
    features = [
        _feature(f"{nodes[i][0]}—{nodes[j][0]}村道", FeatureKind.ROAD, _bent(nodes[i][1], nodes[j][1], k))
        for k, (i, j) in enumerate(_tree(nodes))
    ]
    a, b = max(
        ((p, q) for p in nodes for q in nodes if p[0] < q[0]), key=lambda e: _dist(e[0][1], e[1][1])
    )  # the longest axis
    mid = min(nodes, key=lambda n: _dist(n[1], ((a[1][0] + b[1][0]) / 2, (a[1][1] + b[1][1]) / 2)))
    trunk = _bent(a[1], mid[1], 0)[:-1] + _bent(mid[1], b[1], 1)
    features.append(_feature(f"{town_name}主干道", FeatureKind.ROAD, trunk))
    if town == BAISHA:
        lons = [n[1][0] for n in nodes]
        top = max(n[1][1] for n in nodes) + 0.012
        west, east = min(lons) - 0.02, max(lons) + 0.02
        steps = 12
        river = [
            [round(west + (east - west) * s / steps, 6), round(top + 0.006 * math.sin(s * 0.9), 6)]
            for s in range(steps + 1)
        ]
        features.append(_feature("长江（示意）", FeatureKind.RIVER, river))
    return {"type": "FeatureCollection", "features": features}


def seed_roads(stdout: Any) -> None:
    """Generated roads for the demo towns that have village grids and no roads yet (idempotent)."""
    from township.org.models import Jurisdiction

    for town in Jurisdiction.objects.filter(pk__in=DEMO_TOWNS).order_by("code"):
        if MapFeature.objects.filter(jurisdiction=town).exists():
            continue
        data = town_roads(town.code, town.name)
        if data is None:
            continue
        saved = services.feature_import(actor=None, jurisdiction=town.code, data=data, generated=True)
        stdout.write(f"{town.name}道路河流：{len(saved)} 条（演示生成，非实测）\n")

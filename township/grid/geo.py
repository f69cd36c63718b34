"""Geometry helpers without PostGIS: GeoJSON parsing, GCJ-02 → WGS-84, distances, tiling.

All coordinates are WGS-84 longitude/latitude in degrees. Areas are computed on a local
equirectangular projection at the polygon's mean latitude (good to well under 1 % at grid size).
"""

from __future__ import annotations

import json
import math
from typing import Any

from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape
from shapely.validation import explain_validity

EARTH_RADIUS_M = 6_371_008.8

# --- GCJ-02 (国测局坐标, used by AMap / Tencent maps) -------------------------------------------
# The public approximation of the GCJ-02 offset (the "Krasovsky 1940" formulas). GCJ-02 is only
# defined inside mainland China; outside it the coordinates equal WGS-84.
_A = 6378245.0
_EE = 0.00669342162296594323


def out_of_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _offset(lon: float, lat: float) -> tuple[float, float]:
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - _EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Invert the offset by fixed-point iteration (error < 1e-7° ≈ 1 cm after a few rounds)."""
    if out_of_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _i in range(8):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        wlon, wlat = wlon - dlon, wlat - dlat
        if abs(dlon) < 1e-9 and abs(dlat) < 1e-9:
            break
    return wlon, wlat


def to_wgs84(lon: float, lat: float, crs: str = "wgs84") -> tuple[float, float]:
    crs = (crs or "wgs84").lower().replace("-", "")
    if crs in ("gcj02", "gcj"):
        return gcj02_to_wgs84(lon, lat)
    return lon, lat


# --- distances and areas ------------------------------------------------------------------------


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def degree_box(lon: float, lat: float, meters: float) -> tuple[float, float, float, float]:
    """A lon/lat box that surely contains the circle of ``meters`` around the point."""
    dlat = meters / 111_000.0 * 1.01
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def area_km2(geom: Any) -> float:
    if geom.is_empty:
        return 0.0
    lat0 = (geom.bounds[1] + geom.bounds[3]) / 2
    kx = 111.32 * math.cos(math.radians(lat0))
    ky = 110.574
    scaled = affinity.scale(geom, xfact=kx, yfact=ky, origin=(0, 0))
    return float(scaled.area)


# --- GeoJSON ----------------------------------------------------------------------------------


class GeometryError(ValueError):
    """A polygon that cannot be used; the message is Chinese and user-facing."""


def parse_polygon(geometry: Any) -> Polygon | MultiPolygon:
    """GeoJSON geometry (dict or text) → a valid shapely (Multi)Polygon, or GeometryError."""
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except ValueError as exc:
            raise GeometryError(f"边界不是有效的 GeoJSON：{exc}") from exc
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise GeometryError("边界必须是 GeoJSON 的 Polygon 或 MultiPolygon")
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        raise GeometryError(f"边界坐标格式错误：{exc}") from exc
    if geom.is_empty:
        raise GeometryError("边界为空")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeometryError("边界坐标超出经纬度范围（须为 WGS-84 经度、纬度）")
    if not geom.is_valid:
        raise GeometryError(f"边界多边形无效（{explain_validity(geom)}），例如自相交或环未闭合")
    if geom.area <= 0:
        raise GeometryError("边界面积为零")
    return geom


def dumps(geom: Any) -> str:
    return json.dumps(mapping(geom), separators=(",", ":"))


def loads(text: str) -> Any:
    return shape(json.loads(text))


# --- tiling (demo and bench generator) -----------------------------------------------------------


def tile(bounds: tuple[float, float, float, float], n: int) -> list[Polygon]:
    """Split a box into exactly ``n`` rectangles, numbered west→east, north→south.

    Rows get ``n // rows`` or one more cell, so the rectangles tile the box without gaps.
    """
    if n <= 0:
        return []
    minx, miny, maxx, maxy = bounds
    width, height = maxx - minx, maxy - miny
    rows = max(1, round(math.sqrt(n * height / width))) if width > 0 else n
    rows = min(rows, n)
    base, extra = divmod(n, rows)
    cells: list[Polygon] = []
    for r in range(rows):
        count = base + (1 if r < extra else 0)
        top = maxy - height * r / rows
        bottom = maxy - height * (r + 1) / rows
        for c in range(count):
            left = minx + width * c / count
            right = minx + width * (c + 1) / count
            cells.append(box(left, bottom, right, top))
    return cells

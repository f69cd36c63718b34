"""Roads and rivers of the town's own map (issue 15: without a basemap, grids, roads and villages from the project's
own GeoJSON stay readable): a GeoJSON FeatureCollection of LineStrings parsed feature by feature (every error in
Chinese with its position, nothing saved while one remains), previewed, then saved for the town."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.core.errors import BadInput, DomainError
from township.grid.models import FeatureKind, MapFeature
from township.grid.services.grids import _require_grid_admin
from township.org.models import Jurisdiction, Level, User

MAX_BYTES = 5 * 1024 * 1024
MAX_FEATURES = 5000
MAX_POINTS = 20000  # per feature
CHINA = (73.0, 3.0, 136.0, 54.0)  # lon/lat box (WGS-84) every point must lie in
KINDS = {"road": "road", "道路": "road", "river": "river", "河流": "river", "河道": "river"}
NAME_KEYS = ("name", "名称", "NAME", "Name")
KIND_KEYS = ("kind", "类型", "type_cn")


@dataclass
class FeatureRow:
    """One parsed feature (``index`` counts from 1, as the messages do)."""

    index: int
    name: str = ""
    kind: str = FeatureKind.ROAD
    geometry: dict[str, Any] = field(default_factory=dict)
    bbox: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    points: int = 0
    length_km: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)

    @property
    def kind_label(self) -> str:
        return str(FeatureKind(self.kind).label)


@dataclass
class FeaturePreview:
    rows: list[FeatureRow]
    errors: list[tuple[str, str]]  # (field, message), the file's and every feature's, in order

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class FeatureImportError(DomainError):
    """Every problem of an import at once (``errors``: (field, message)); nothing was written. ``field`` names the
    first, e.g. ``features[2].geometry``."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        shown = "；".join(m for _f, m in errors[:10]) + ("……" if len(errors) > 10 else "")
        super().__init__("feature_invalid", _("道路河流数据有误，未导入：") + shown, field=errors[0][0])
        self.errors = errors


def _km(a: list[float], b: list[float]) -> float:
    """Great-circle distance in km (haversine) between two lon/lat points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _line(raw: Any, row: FeatureRow, where: str) -> list[list[float]] | None:
    """One line's points rounded to 6 decimals (about 0.1 m), or None with the error added to ``row``."""
    if not isinstance(raw, list) or len(raw) < 2:
        row.errors.append((where, _("线至少需要两个点")))
        return None
    out: list[list[float]] = []
    for point in raw:
        ok = isinstance(point, list) and len(point) >= 2
        ok = ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in point[:2])
        if not ok:
            row.errors.append((where, _("坐标应为 [经度, 纬度] 数字")))
            return None
        lon, lat = float(point[0]), float(point[1])
        if not (CHINA[0] <= lon <= CHINA[2] and CHINA[1] <= lat <= CHINA[3]):
            row.errors.append(
                (where, _("坐标 [%(lon)s, %(lat)s] 不在中国境内（应为 WGS-84 经纬度）") % {"lon": lon, "lat": lat})
            )
            return None
        out.append([round(lon, 6), round(lat, 6)])
    if len({tuple(p) for p in out}) < 2:
        row.errors.append((where, _("线的各点重合，不是有效的线")))
        return None
    return out


def _text(props: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = props.get(key)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return ""


def _feature(raw: Any, index: int, default_kind: str) -> FeatureRow:
    row = FeatureRow(index=index, kind=default_kind)
    base = f"features[{index - 1}]"
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        row.errors.append((base, _("不是 GeoJSON Feature")))
        return row
    props = raw.get("properties") or {}
    props = props if isinstance(props, dict) else {}
    kind = _text(props, KIND_KEYS)
    if kind:
        if kind not in KINDS:
            row.errors.append((f"{base}.properties.kind", _("类型应为“道路”或“河流”（%(k)s）") % {"k": kind[:16]}))
        else:
            row.kind = KINDS[kind]
    row.name = _text(props, NAME_KEYS)[:64] or _("未命名%(kind)s %(n)d") % {"kind": row.kind_label, "n": index}
    geom = raw.get("geometry")
    where = f"{base}.geometry"
    gtype = geom.get("type") if isinstance(geom, dict) else None
    if gtype not in ("LineString", "MultiLineString"):
        row.errors.append(
            (where, _("几何类型应为 LineString 或 MultiLineString（实际为 %(t)s）") % {"t": gtype or _("空")})
        )
        return row
    coords = geom.get("coordinates") if isinstance(geom, dict) else None
    parts = [coords] if gtype == "LineString" else (coords if isinstance(coords, list) and coords else [None])
    lines = [_line(part, row, where) for part in parts]
    if row.errors or not all(lines):
        return row
    row.points = sum(len(line) for line in lines if line)
    if row.points > MAX_POINTS:
        row.errors.append((where, _("点数过多（%(n)d，至多 %(max)d）") % {"n": row.points, "max": MAX_POINTS}))
        return row
    good = [line for line in lines if line]
    row.geometry = (
        {"type": "LineString", "coordinates": good[0]}
        if gtype == "LineString"
        else {"type": "MultiLineString", "coordinates": good}
    )
    flat = [p for line in good for p in line]
    row.bbox = (min(p[0] for p in flat), min(p[1] for p in flat), max(p[0] for p in flat), max(p[1] for p in flat))
    row.length_km = round(sum(_km(a, b) for line in good for a, b in zip(line, line[1:], strict=False)), 3)
    return row


def _prefixed(row: FeatureRow) -> list[tuple[str, str]]:
    return [
        (f, _("第 %(n)d 个要素（%(name)s）：%(msg)s") % {"n": row.index, "name": row.name, "msg": m})
        for f, m in row.errors
    ]


def feature_parse(*, data: Any, default_kind: str = FeatureKind.ROAD) -> FeaturePreview:
    """Parse a GeoJSON FeatureCollection (bytes, text or the decoded object) into rows with their errors."""
    if default_kind not in FeatureKind.values:
        return FeaturePreview(rows=[], errors=[("kind", _("类型应为“道路”或“河流”"))])
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_BYTES:
            return FeaturePreview(rows=[], errors=[("file", _("文件过大（至多 5 MB）"))])
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            return FeaturePreview(rows=[], errors=[("file", _("文件应为 UTF-8 编码的 GeoJSON"))])
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return FeaturePreview(rows=[], errors=[("file", _("文件不是有效的 GeoJSON（JSON 格式错误）"))])
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return FeaturePreview(rows=[], errors=[("type", _("应为 GeoJSON FeatureCollection"))])
    features = data.get("features")
    if not isinstance(features, list) or not features:
        return FeaturePreview(rows=[], errors=[("features", _("文件中没有要素"))])
    if len(features) > MAX_FEATURES:
        return FeaturePreview(rows=[], errors=[("features", _("要素过多（至多 %(max)d 个）") % {"max": MAX_FEATURES})])
    rows = [_feature(raw, i, default_kind) for i, raw in enumerate(features, start=1)]
    return FeaturePreview(rows=rows, errors=[e for row in rows for e in _prefixed(row)])


def feature_towns(*, actor: User | None) -> list[Jurisdiction]:
    """The towns (or counties) whose map features the actor may import."""
    from township.grid.services._common import GRID_ADMIN_ROLES
    from township.org.scoping import reach

    codes = sorted(reach(actor, GRID_ADMIN_ROLES).codes)
    return list(Jurisdiction.objects.filter(pk__in=codes).order_by("code"))


def feature_town(*, actor: User | None, jurisdiction: str) -> Jurisdiction:
    """The town whose features the actor imports. Errors: town_invalid (400), grid_admin_required (403)."""
    town = Jurisdiction.objects.filter(pk=jurisdiction or "", level__in=(Level.TOWN, Level.COUNTY)).first()
    if town is None:
        raise BadInput("town_invalid", _("请选择乡镇（街道）"), field="jurisdiction")
    _require_grid_admin(actor, town.code)
    return town


def feature_preview(*, actor: User | None, jurisdiction: str, data: Any, default_kind: str) -> FeaturePreview:
    """Check a file for the town without saving (the preview step); the same errors as ``feature_import``."""
    feature_town(actor=actor, jurisdiction=jurisdiction)
    return feature_parse(data=data, default_kind=default_kind)


@transaction.atomic
def feature_import(
    *,
    actor: User | None,
    jurisdiction: str,
    data: Any,
    default_kind: str = FeatureKind.ROAD,
    replace: bool = False,
    generated: bool = False,
) -> list[MapFeature]:
    """Save the features of ``data`` for the town (grid administrators; ``actor`` None: the system). ``replace``:
    the town's features of the imported kinds go first. Errors: town_invalid (400), grid_admin_required (403),
    feature_invalid (422, ``field`` like ``features[2].geometry``; ``errors`` lists them all)."""
    town = feature_town(actor=actor, jurisdiction=jurisdiction)
    preview = feature_parse(data=data, default_kind=default_kind)
    if not preview.ok:
        raise FeatureImportError(preview.errors or [("features", _("文件中没有要素"))])
    if replace:
        MapFeature.objects.filter(jurisdiction=town, kind__in={r.kind for r in preview.rows}).delete()
    return MapFeature.objects.bulk_create(
        [
            MapFeature(
                jurisdiction=town,
                kind=r.kind,
                name=r.name,
                geometry=r.geometry,
                min_lon=r.bbox[0],
                min_lat=r.bbox[1],
                max_lon=r.bbox[2],
                max_lat=r.bbox[3],
                length_km=r.length_km,
                generated=generated,
            )
            for r in preview.rows
        ],
        batch_size=500,
    )

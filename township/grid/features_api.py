"""GET /api/v1/grid/features (the roads and rivers of the town's own map, compact GeoJSON, scoped) and
POST /api/v1/grid/features/import (a GeoJSON FeatureCollection of LineStrings; ``preview`` checks without saving)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from township.grid import selectors, services
from township.grid.models import FeatureKind

router = Router(tags=["grid"])

_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/geo+json": {"schema": {"type": "object", "description": "GeoJSON FeatureCollection"}},
            "application/json": {"schema": {"type": "object", "description": "GeoJSON FeatureCollection"}},
        },
    }
}


@router.get("", response=dict, summary="道路河流（GeoJSON）")
def features(request: HttpRequest, kind: str = "", jurisdiction: str = "") -> Any:
    """The roads and rivers of the towns the user reaches, for maps without a basemap: a FeatureCollection of
    LineStrings (coordinates to 5 decimals; ``properties``: id, kind road/river, name, ``generated`` for lines the
    demo drew — not surveyed). Another town's features are never returned."""
    return selectors.map_features_geojson(
        actor=request.user,  # type: ignore[arg-type]
        kind=kind if kind in FeatureKind.values else "",
        jurisdiction=jurisdiction[:12],
    )


class FeatureRowOut(Schema):
    index: int
    name: str
    kind: str
    points: int
    length_km: float


class FeatureImportOut(Schema):
    saved: int
    features: list[FeatureRowOut]


@router.post(
    "/import", response=FeatureImportOut, summary="导入道路河流（GeoJSON LineString）", openapi_extra=_IMPORT_BODY
)
def features_import(
    request: HttpRequest, jurisdiction: str, kind: str = "road", replace: bool = False, preview: bool = False
) -> Any:
    """For the town's grid administrators (系统管理员, 调度员). The body is a GeoJSON FeatureCollection of LineString
    or MultiLineString features in WGS-84 (``properties.name``; ``properties.kind`` 道路/河流 or road/river, else
    ``kind``). ``preview``: check only. ``replace``: the town's features of the imported kinds are replaced.
    Errors: town_invalid (400), grid_admin_required (403), feature_invalid (422; ``field`` names the first bad
    feature, e.g. ``features[2].geometry``, the message lists them in Chinese)."""
    actor = request.user
    if preview:
        parsed = services.feature_preview(
            actor=actor,  # type: ignore[arg-type]
            jurisdiction=jurisdiction,
            data=request.body,
            default_kind=kind,
        )
        if parsed.errors:
            raise services.FeatureImportError(parsed.errors)
        return {"saved": 0, "features": [vars(r) for r in parsed.rows]}
    saved = services.feature_import(
        actor=actor,  # type: ignore[arg-type]
        jurisdiction=jurisdiction,
        data=request.body,
        default_kind=kind,
        replace=replace,
    )
    rows = [
        {"index": i, "name": f.name, "kind": f.kind, "points": _points(f.geometry), "length_km": f.length_km}
        for i, f in enumerate(saved, start=1)
    ]
    return {"saved": len(saved), "features": rows}


def _points(geometry: dict[str, Any]) -> int:
    coords = geometry.get("coordinates") or []
    return sum(len(p) for p in coords) if geometry.get("type") == "MultiLineString" else len(coords)

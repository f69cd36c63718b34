"""Grid services: grids and their staff, GeoJSON import/export, the generator, event classes, the
event loop on the case engine, duplicates, escalation and the handover to enforcement.

Every public function is ``<entity>_<verb>(*, …, actor)``; rules live here, views and the API only
call these. Events move only through ``township.cases.services.case_transition``.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely import STRtree

from township.cases.models import Case, ClockUnit, EventKind
from township.cases.services import case_assign, case_attach, case_note, case_open
from township.cases.types import case_type_for
from township.core.errors import DomainError, NotFound, PermissionRefused
from township.grid import geo, spatial
from township.grid.machine import CASE_TYPE, OPEN_STATES, TIMED_STATES, S
from township.grid.models import (
    ClassKind,
    CodeScheme,
    Escalation,
    Event,
    EventClass,
    EventPhoto,
    Grid,
    GridLevel,
    GridStaff,
    Handover,
    Open311Key,
    Patrol,
    Source,
    TrackPoint,
    Urgency,
)
from township.org.models import GRID_ROLES, Department, Jurisdiction, Level, Role, RoleGrant, User
from township.org.scoping import has_role

GRID_ADMIN_ROLES = (Role.ADMINISTRATOR, Role.DISPATCHER)
REPORTER_ROLES = (*GRID_ROLES, Role.DISPATCHER)
PUBLIC_SOURCES = (Source.PUBLIC, Source.OPEN311)
HANDOVER_ROLES = (Role.DISPATCHER, Role.LEADER, Role.GRID_HEAD, Role.GRID_SUPERVISOR)

# Relative tolerance for overlap / containment checks (shared edges and float noise are fine).
AREA_TOLERANCE = 1e-6


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


# =============================================================================================
# Grids
# =============================================================================================


def _require_grid_admin(actor: User | None, code: str) -> None:
    if actor is None:  # management commands and the demo run as the system
        return
    if not has_role(actor, code, GRID_ADMIN_ROLES):
        raise PermissionRefused("grid_admin_required", _("您没有管理该辖区网格的权限"))


def grid_code_validate(*, code: str, scheme: str, division: Jurisdiction) -> str:
    """Check a grid code against its scheme and the division it lies in (DOMAIN §1.3)."""
    code = (code or "").strip()
    div = division.code
    if not code:
        raise DomainError("grid_code_required", _("网格编码不能为空"), field="code")
    if scheme == CodeScheme.NATIONAL_14:
        if not (code.isdigit() and len(code) == 14):
            raise DomainError(
                "grid_code_format", _("国标网格编码须为14位数字：%(code)s") % {"code": code}, field="code"
            )
        prefix_ok = code.startswith(div)
    elif scheme == CodeScheme.LOCAL_15:
        if not (code.isdigit() and len(code) == 15):
            raise DomainError(
                "grid_code_format", _("地方网格编码须为15位数字：%(code)s") % {"code": code}, field="code"
            )
        prefix_ok = code.startswith(div)
    elif scheme == CodeScheme.COMMUNITY_20:
        if not (code.isdigit() and len(code) == 20):
            raise DomainError(
                "grid_code_format", _("专业网格编码须为20位数字：%(code)s") % {"code": code}, field="code"
            )
        prefix_ok = code[6 : 6 + len(div)] == div
    elif scheme == CodeScheme.CUSTOM:
        if len(code) > 32 or not all(c.isalnum() or c in "-_" for c in code):
            raise DomainError(
                "grid_code_format", _("自定义网格编码至多32位字母数字：%(code)s") % {"code": code}, field="code"
            )
        prefix_ok = code.startswith(div)
    else:
        raise DomainError("grid_scheme_unknown", _("未知的网格编码规则：%(s)s") % {"s": scheme}, field="scheme")
    if not prefix_ok:
        raise DomainError(
            "grid_code_prefix",
            _("网格编码 %(code)s 与所在区划 %(name)s（%(div)s）的代码不一致")
            % {"code": code, "name": division.name, "div": div},
            field="code",
        )
    return code


def _tenant_for(division: Jurisdiction, level: int, jurisdiction: Jurisdiction | None) -> Jurisdiction:
    """The tenant key: the town of the division, or the county for first-level county grids."""
    if division.level == Level.VILLAGE:
        own = division.parent
    elif division.level in (Level.TOWN, Level.COUNTY):
        own = division
    else:
        raise DomainError("grid_division_level", _("网格所在区划须为区县、乡镇街道或村社区"), field="division")
    if jurisdiction is None or jurisdiction.pk == own.pk:
        return own
    # a first-level grid may belong to the county that contains its town
    if level == GridLevel.FIRST and jurisdiction.level == Level.COUNTY and own.code.startswith(jurisdiction.code):
        return jurisdiction
    raise DomainError(
        "grid_jurisdiction", _("网格的所属辖区须为其所在乡镇，或一级网格所属的区县"), field="jurisdiction"
    )


@dataclass
class GridSpec:
    """One grid to create (from a form, the API, a GeoJSON feature or the generator)."""

    code: str
    name: str
    level: int
    geometry: Any
    division: str
    scheme: str = CodeScheme.NATIONAL_14
    parent: str | None = None  # parent grid code
    jurisdiction: str | None = None
    land_use: str = ""
    row: int = 0  # position in an import file, for messages
    geom: Any = None
    division_obj: Jurisdiction | None = None
    tenant: Jurisdiction | None = None
    parent_obj: Any = None
    errors: list[str] = field(default_factory=list)


class GridImportError(DomainError):
    """All problems of an import at once; nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("grid_import_invalid", _("网格数据有误，未导入：") + "；".join(errors[:20]))
        self.errors = errors


def _fields_for(geom: Any) -> dict[str, Any]:
    minx, miny, maxx, maxy = geom.bounds
    c = geom.representative_point() if not geom.centroid.within(geom) else geom.centroid
    return {
        "geometry": geo.dumps(geom),
        "min_lon": minx,
        "min_lat": miny,
        "max_lon": maxx,
        "max_lat": maxy,
        "center_lon": c.x,
        "center_lat": c.y,
        "area_km2": round(geo.area_km2(geom), 6),
    }


def _overlap(a: Any, b: Any) -> bool:
    inter = a.intersection(b).area
    return inter > AREA_TOLERANCE * min(a.area, b.area)


def _validate_specs(specs: list[GridSpec], *, update: bool) -> None:
    """Fill in objects and collect every error (Chinese, with the feature's position)."""
    codes = {s.division for s in specs} | {s.jurisdiction for s in specs if s.jurisdiction}
    divisions = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes).select_related("parent")}
    for s in specs:
        where = _("第%(row)d个网格（编码 %(code)s）") % {"row": s.row, "code": s.code or "?"}
        try:
            s.geom = geo.parse_polygon(s.geometry)
        except geo.GeometryError as exc:
            s.errors.append(f"{where}：{exc}")
        if s.level not in (1, 2, 3):
            s.errors.append(f"{where}：" + _("层级须为1、2或3"))
        if not s.name:
            s.errors.append(f"{where}：" + _("名称不能为空"))
        div = divisions.get(s.division)
        if div is None:
            s.errors.append(f"{where}：" + _("所在区划 %(d)s 不存在") % {"d": s.division})
            continue
        s.division_obj = div
        try:
            grid_code_validate(code=s.code, scheme=s.scheme, division=div)
            jur = divisions.get(s.jurisdiction) if s.jurisdiction else None
            if s.jurisdiction and jur is None:
                raise DomainError("grid_jurisdiction", _("所属辖区 %(d)s 不存在") % {"d": s.jurisdiction})
            s.tenant = _tenant_for(div, s.level, jur)
        except DomainError as exc:
            s.errors.append(f"{where}：{exc.message}")
    # parents: from this batch or the database
    by_code = {s.code: s for s in specs}
    wanted = {s.parent for s in specs if s.parent and s.parent not in by_code}
    existing_parents = {g.code: g for g in Grid.objects.filter(code__in=wanted)}
    for s in specs:
        where = _("第%(row)d个网格（编码 %(code)s）") % {"row": s.row, "code": s.code}
        if s.level == 1:
            if s.parent:
                s.errors.append(f"{where}：" + _("一级网格不能有上级网格"))
            continue
        if not s.parent:
            s.errors.append(f"{where}：" + _("二、三级网格必须指定上级网格"))
            continue
        parent = by_code.get(s.parent) or existing_parents.get(s.parent)
        if parent is None:
            s.errors.append(f"{where}：" + _("上级网格 %(p)s 不存在") % {"p": s.parent})
            continue
        s.parent_obj = parent
        parent_level = parent.level
        if parent_level != s.level - 1:
            s.errors.append(f"{where}：" + _("上级网格 %(p)s 的层级应为 %(l)d") % {"p": s.parent, "l": s.level - 1})
        parent_geom = parent.geom if isinstance(parent, GridSpec) else geo.loads(parent.geometry)
        if s.geom is not None and parent_geom is not None:
            outside = s.geom.difference(parent_geom).area
            if outside > AREA_TOLERANCE * s.geom.area:
                s.errors.append(
                    f"{where}："
                    + _("超出上级网格 %(p)s 的范围（超出约 %(pct).2f%%）")
                    % {"p": s.parent, "pct": 100 * outside / s.geom.area}
                )
    # overlaps among siblings of the same level (this batch and the database)
    _check_overlaps(specs, update=update)


def _check_overlaps(specs: list[GridSpec], *, update: bool) -> None:
    good = [s for s in specs if s.geom is not None and s.tenant is not None]
    if not good:
        return
    for level in (1, 2, 3):
        batch = [s for s in good if s.level == level]
        if not batch:
            continue
        geoms = [s.geom for s in batch]
        tree = STRtree(geoms)
        left, right = tree.query(geoms, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            if i < j and _overlap(geoms[i], geoms[j]):
                a, b = batch[i], batch[j]
                b.errors.append(
                    _("第%(row)d个网格（编码 %(code)s）：与网格 %(other)s 重叠")
                    % {"row": b.row, "code": b.code, "other": a.code}
                )
        # against grids already stored at this level nearby
        minx = min(s.geom.bounds[0] for s in batch)
        miny = min(s.geom.bounds[1] for s in batch)
        maxx = max(s.geom.bounds[2] for s in batch)
        maxy = max(s.geom.bounds[3] for s in batch)
        stored = list(
            Grid.objects.filter(
                level=level, active=True, min_lon__lt=maxx, max_lon__gt=minx, min_lat__lt=maxy, max_lat__gt=miny
            ).values_list("jurisdiction_id", "code", "geometry")
        )
        replaced = {(s.tenant.pk, s.code) for s in batch} if update else set()
        stored = [r for r in stored if (r[0], r[1]) not in replaced]
        if not stored:
            continue
        stored_geoms = [geo.loads(r[2]) for r in stored]
        stree = STRtree(stored_geoms)
        left, right = stree.query(geoms, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            s = batch[i]
            if stored[j][1] == s.code and not update:
                continue  # reported as a duplicate code below
            if _overlap(geoms[i], stored_geoms[j]):
                s.errors.append(
                    _("第%(row)d个网格（编码 %(code)s）：与已有网格 %(other)s 重叠")
                    % {"row": s.row, "code": s.code, "other": stored[j][1]}
                )


@transaction.atomic
def grid_bulk_save(*, specs: list[GridSpec], actor: User | None, update: bool = False) -> list[Grid]:
    """Validate every spec, then write all of them (per jurisdiction, parents first) or none."""
    if not specs:
        return []
    _validate_specs(specs, update=update)
    seen: set[tuple[str, str]] = set()
    for s in specs:
        key = (s.tenant.pk if s.tenant else "", s.code)
        if key in seen:
            s.errors.append(_("第%(row)d个网格：编码 %(code)s 重复") % {"row": s.row, "code": s.code})
        seen.add(key)
    existing = set(Grid.objects.filter(code__in=[s.code for s in specs]).values_list("jurisdiction_id", "code"))
    if not update:
        for s in specs:
            if s.tenant and (s.tenant.pk, s.code) in existing:
                s.errors.append(_("第%(row)d个网格：编码 %(code)s 已存在") % {"row": s.row, "code": s.code})
    errors = [e for s in specs for e in s.errors]
    if errors:
        raise GridImportError(errors)
    for code in {s.tenant.pk for s in specs}:
        _require_grid_admin(actor, code)
    saved: dict[str, Grid] = {}
    for level in (1, 2, 3):
        for s in (x for x in specs if x.level == level):
            parent = s.parent_obj
            if isinstance(parent, GridSpec):
                parent = saved[parent.code]
            values = {
                "scheme": s.scheme,
                "name": s.name,
                "level": s.level,
                "parent": parent,
                "division": s.division_obj,
                "village": s.division_obj if s.division_obj.level == Level.VILLAGE else None,
                "land_use": s.land_use,
                "active": True,
                **_fields_for(s.geom),
            }
            grid, _created = Grid.objects.update_or_create(jurisdiction=s.tenant, code=s.code, defaults=values)
            saved[s.code] = grid
    spatial.bump(*{s.tenant.pk for s in specs})
    return list(saved.values())


def grid_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    level: int,
    geometry: Any,
    division: str,
    scheme: str = CodeScheme.NATIONAL_14,
    parent: str | None = None,
    jurisdiction: str | None = None,
    land_use: str = "",
) -> Grid:
    spec = GridSpec(
        code=code,
        name=name,
        level=level,
        geometry=geometry,
        division=division,
        scheme=scheme,
        parent=parent,
        jurisdiction=jurisdiction,
        land_use=land_use,
        row=1,
    )
    try:
        return grid_bulk_save(specs=[spec], actor=actor)[0]
    except GridImportError as exc:
        raise DomainError("grid_invalid", "；".join(e.split("：", 1)[-1] for e in exc.errors)) from exc


def grid_specs_from_geojson(data: Any) -> list[GridSpec]:
    """A GeoJSON FeatureCollection → specs. Properties: code, name, level, division, scheme, parent,
    jurisdiction, land_use (Chinese keys 编码/名称/层级/所在区划/上级网格 are accepted too)."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise DomainError("geojson_invalid", _("文件不是有效的 GeoJSON：%(e)s") % {"e": exc}) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DomainError("geojson_invalid", _("文件须为 GeoJSON FeatureCollection"))
    specs: list[GridSpec] = []
    for n, feature in enumerate(data.get("features") or [], start=1):
        props = (feature or {}).get("properties") or {}

        def prop(*keys: str, default: Any = "", props: dict[str, Any] = props) -> Any:
            for k in keys:
                if props.get(k) not in (None, ""):
                    return props[k]
            return default

        code = str(prop("code", "编码"))
        try:
            level = int(prop("level", "层级", default=0))
        except (TypeError, ValueError):
            level = 0
        division = str(prop("division", "所在区划", default=""))
        if not division:
            division = _guess_division(code, str(prop("scheme", "编码规则", default=CodeScheme.NATIONAL_14)))
        specs.append(
            GridSpec(
                code=code,
                name=str(prop("name", "名称")),
                level=level,
                geometry=(feature or {}).get("geometry"),
                division=division,
                scheme=str(prop("scheme", "编码规则", default=CodeScheme.NATIONAL_14)),
                parent=str(prop("parent", "上级网格")) or None,
                jurisdiction=str(prop("jurisdiction", "所属辖区")) or None,
                land_use=str(prop("land_use", "用地类别")),
                row=n,
            )
        )
    if not specs:
        raise DomainError("geojson_empty", _("文件中没有网格要素"))
    return specs


def _guess_division(code: str, scheme: str) -> str:
    """The longest stored division code that prefixes the grid code (village before town)."""
    body = code[6:] if scheme == CodeScheme.COMMUNITY_20 else code
    for length in (12, 9, 6):
        cand = body[:length]
        if len(cand) == length and Jurisdiction.objects.filter(pk=cand).exists():
            return cand
    return body[:12]


def grid_import_geojson(*, data: Any, actor: User | None, update: bool = False) -> list[Grid]:
    return grid_bulk_save(specs=grid_specs_from_geojson(data), actor=actor, update=update)


def grid_export_geojson(*, grids: Iterable[Grid]) -> dict[str, Any]:
    features = []
    for g in grids:
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(g.geometry),
                "properties": {
                    "code": g.code,
                    "name": g.name,
                    "level": g.level,
                    "scheme": g.scheme,
                    "division": g.division_id,
                    "jurisdiction": g.jurisdiction_id,
                    "parent": g.parent.code if g.parent_id else None,
                    "land_use": g.land_use,
                    "area_km2": g.area_km2,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


@transaction.atomic
def grid_deactivate(*, grid: Grid, actor: User | None) -> Grid:
    _require_grid_admin(actor, grid.jurisdiction_id)
    Grid.objects.filter(pk=grid.pk).update(active=False)
    grid.active = False
    spatial.bump(grid.jurisdiction_id)
    return grid


@transaction.atomic
def grid_staff_assign(*, grid: Grid, user: User, role: str, actor: User | None, phone: str = "") -> GridStaff:
    """Name a person in one of the five grid roles; they also get the role in the grid's unit."""
    if role not in GRID_ROLES:
        raise DomainError("grid_role_invalid", _("网格角色须为巡查员、网格长、督导员、警务员或志愿者"), field="role")
    _require_grid_admin(actor, grid.jurisdiction_id)
    staff, _created = GridStaff.objects.get_or_create(
        jurisdiction_id=grid.jurisdiction_id, grid=grid, user=user, role=role, defaults={"phone": phone}
    )
    unit = grid.village_id or grid.jurisdiction_id
    RoleGrant.objects.get_or_create(user=user, jurisdiction_id=unit, role=role, department=None)
    return staff


# --- generator --------------------------------------------------------------------------------


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Largest-remainder split of ``total`` in proportion to ``weights`` (each part ≥ 1 if possible)."""
    n = len(weights)
    if n == 0:
        return []
    wsum = float(sum(weights)) or float(n)
    ws = [w if sum(weights) else 1 for w in weights]
    raw = [total * w / wsum for w in ws]
    parts = [max(1, int(r)) if total >= n else int(r) for r in raw]
    diff = total - sum(parts)
    order = sorted(range(n), key=lambda i: raw[i] - int(raw[i]), reverse=diff > 0)
    i = 0
    while diff != 0 and n:
        k = order[i % n]
        if diff > 0:
            parts[k] += 1
            diff -= 1
        elif parts[k] > 1:
            parts[k] -= 1
            diff += 1
        i += 1
        if i > 10 * n * (abs(diff) + 1):
            break
    return parts


@transaction.atomic
def grid_generate(
    *,
    root: Jurisdiction,
    bounds: tuple[float, float, float, float],
    counts: Sequence[int],
    actor: User | None = None,
    name_prefix: str = "",
) -> dict[int, int]:
    """Tile ``root`` (a county or a town; ``bounds`` = min lon, min lat, max lon, max lat) into grids.

    ``counts`` = first-, second- and third-level totals (e.g. 17, 271, 1557 for 江阴). First-level
    grids follow the towns of a county (jurisdiction = the county), second-level grids the villages
    of each town (jurisdiction = the town; extra ones get community numbers 601+ as CJ/T 349 does for
    merged communities), third-level grids number 01… inside their second-level grid. Codes follow
    the national 14-digit scheme. Uses bulk_create per jurisdiction; returns {level: count}.
    """
    _require_grid_admin(actor, root.code)
    n1, n2, n3 = (list(counts) + [0, 0, 0])[:3]
    if root.level == Level.COUNTY:
        towns = list(Jurisdiction.objects.filter(parent=root, level=Level.TOWN).order_by("code"))
    elif root.level == Level.TOWN:
        towns = [root]
    else:
        raise DomainError("grid_generate_root", _("只能为区县或乡镇街道生成网格"))
    if not towns:
        raise DomainError("grid_generate_root", _("该区县下没有乡镇街道"))
    villages: dict[str, list[Jurisdiction]] = {t.code: [] for t in towns}
    for v in Jurisdiction.objects.filter(parent__in=towns, level=Level.VILLAGE).order_by("code"):
        villages[v.parent_id].append(v)
    tenant1 = root
    now = timezone.now()

    def make(
        code: str, name: str, level: int, geom: Any, division: Jurisdiction, tenant: Jurisdiction, parent_id: int | None
    ) -> Grid:
        return Grid(
            jurisdiction=tenant,
            code=code,
            scheme=CodeScheme.NATIONAL_14,
            name=name,
            level=level,
            parent_id=parent_id,
            division=division,
            village=division if division.level == Level.VILLAGE else None,
            created_at=now,
            updated_at=now,
            **_fields_for(geom),
        )

    # level 1
    cells1 = geo.tile(bounds, n1)
    first: list[tuple[Grid, Jurisdiction]] = []
    seq_per_town: dict[str, int] = {}
    for i, cell in enumerate(cells1):
        town = towns[i % len(towns)]
        seq = seq_per_town.get(town.code, 0)
        seq_per_town[town.code] = seq + 1
        code = f"{town.code}000{seq:02d}"
        first.append(
            (
                make(code, f"{name_prefix}{town.name}一级网格{seq + 1 if seq else ''}", 1, cell, town, tenant1, None),
                town,
            )
        )
    Grid.objects.bulk_create([g for g, _t in first], batch_size=500)
    ids1 = dict(
        Grid.objects.filter(jurisdiction=tenant1, level=1, code__in=[g.code for g, _t in first]).values_list(
            "code", "id"
        )
    )
    # level 2: proportional to the number of villages of each first-level grid's town
    weights = [max(1, len(villages[t.code])) for _g, t in first]
    per1 = _split(n2, weights) if n2 else [0] * len(first)
    second: list[tuple[Grid, Jurisdiction, Any]] = []
    next_extra: dict[str, int] = {}
    used_villages: dict[str, int] = {}
    for (g1, town), k in zip(first, per1, strict=True):
        geom1 = geo.loads(g1.geometry)
        for cell in geo.tile(geom1.bounds, k):
            vlist = villages[town.code]
            vi = used_villages.get(town.code, 0)
            if vi < len(vlist):
                division = vlist[vi]
                used_villages[town.code] = vi + 1
                code = f"{division.code}00"
                name = f"{name_prefix}{division.name}网格"
            else:
                extra = next_extra.get(town.code, 601)
                next_extra[town.code] = extra + 1
                division = town
                code = f"{town.code}{extra:03d}00"
                name = f"{name_prefix}{town.name}第{extra - 600}片区网格"
            second.append((make(code, name, 2, cell, division, town, ids1[g1.code]), town, cell))
    for town in towns:
        rows = [g for g, t, _c in second if t.pk == town.pk]
        if rows:
            Grid.objects.bulk_create(rows, batch_size=500)
    ids2: dict[str, int] = {}
    for town in towns:
        ids2.update(Grid.objects.filter(jurisdiction=town, level=2).values_list("code", "id"))
    # level 3
    per2 = _split(n3, [1] * len(second)) if n3 and second else [0] * len(second)
    third_by_town: dict[str, list[Grid]] = {}
    for (g2, town, cell2), k in zip(second, per2, strict=True):
        for j, cell in enumerate(geo.tile(cell2.bounds, k), start=1):
            code = f"{g2.code[:12]}{j:02d}"
            g3 = make(code, f"{g2.name.removesuffix('网格')}第{j}网格", 3, cell, g2.division, town, ids2[g2.code])
            third_by_town.setdefault(town.code, []).append(g3)
    for rows in third_by_town.values():
        Grid.objects.bulk_create(rows, batch_size=1000)
    spatial.bump(root.code, *[t.code for t in towns])
    return {1: len(first), 2: len(second), 3: sum(len(r) for r in third_by_town.values())}


# =============================================================================================
# Event classes
# =============================================================================================

CLASS_COLUMNS = [
    "code",
    "kind",
    "major_code",
    "major_name",
    "minor_code",
    "name",
    "register_standard",
    "close_standard",
    "department_name",
    "urgency",
    "register_limit",
    "register_unit",
    "dispatch_limit",
    "dispatch_unit",
    "handle_limit",
    "handle_unit",
    "verify_limit",
    "verify_unit",
    "is_local",
    "public",
]


def event_class_import_csv(*, text: str, actor: User | None) -> tuple[int, list[str]]:
    """Create or update event classes from CSV (columns as in data/event-classes.csv).

    All rows are checked first; with any row error nothing is written. Returns (rows saved, errors).
    """
    if actor is not None and not (
        actor.is_superuser or RoleGrant.objects.filter(user=actor, role=Role.ADMINISTRATOR).exists()
    ):
        raise PermissionRefused("admin_required", _("只有系统管理员可以导入部件事件类别"))
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [
        c
        for c in ("code", "kind", "major_code", "major_name", "minor_code", "name")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        return 0, [_("缺少列：%(c)s") % {"c": "、".join(missing)}]
    units = set(ClockUnit.values)
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for n, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k in CLASS_COLUMNS}
        problems = []
        kind = row.get("kind")
        if kind not in ClassKind.values:
            problems.append(_("类型须为 component 或 event"))
        major, minor = row.get("major_code", ""), row.get("minor_code", "")
        if not (major.isdigit() and len(major) == 2 and minor.isdigit() and len(minor) == 2):
            problems.append(_("大类、小类编码须为2位数字"))
        expected = ("1" if kind == ClassKind.COMPONENT else "2") + "0" + major + minor
        if row.get("code") != expected:
            problems.append(_("类别编码应为 %(e)s") % {"e": expected})
        for step in ("register", "dispatch", "handle", "verify"):
            unit = row.get(f"{step}_unit") or ClockUnit.WORKING_HOURS
            if unit not in units:
                problems.append(_("时限单位无效：%(u)s") % {"u": unit})
            lim = row.get(f"{step}_limit") or "1"
            if not lim.isdigit() or int(lim) <= 0:
                problems.append(_("时限须为正整数：%(v)s") % {"v": lim})
        if row.get("urgency", "normal") not in Urgency.values:
            problems.append(_("紧急程度须为 normal 或 urgent"))
        if problems:
            errors.append(_("第%(n)d行：") % {"n": n} + "；".join(problems))
        else:
            rows.append(row)
    if errors:
        return 0, errors
    with transaction.atomic():
        for row in rows:
            defaults: dict[str, Any] = {k: v for k, v in row.items() if k != "code"}
            for step in ("register", "dispatch", "handle", "verify"):
                defaults[f"{step}_limit"] = int(row.get(f"{step}_limit") or 1)
                defaults[f"{step}_unit"] = row.get(f"{step}_unit") or ClockUnit.WORKING_HOURS
            defaults["is_local"] = row.get("is_local") in ("1", "true", "True", "是")
            defaults["public"] = row.get("public", "1") in ("1", "true", "True", "是")
            defaults["urgency"] = row.get("urgency") or Urgency.NORMAL
            EventClass.objects.update_or_create(code=row["code"], defaults=defaults)
    return len(rows), []


def event_class_seed_defaults() -> int:
    """Load the bundled classes (data/event-classes.csv) when the table is empty; returns rows loaded.

    The data migration seeds them; this restores them after a test database flush or a wiped table.
    """
    if EventClass.objects.exists():
        return 0
    from pathlib import Path

    text = (Path(__file__).resolve().parent / "data" / "event-classes.csv").read_text(encoding="utf-8")
    saved, errors = event_class_import_csv(text=text, actor=None)
    if errors:  # pragma: no cover - the bundled file is tested
        raise DomainError("event_class_seed", "；".join(errors))
    return saved


# =============================================================================================
# Events
# =============================================================================================


def _clock(event_class: EventClass, step: str) -> dict[str, Any]:
    unit, limit = event_class.limit(step)
    return {"unit": unit, "limit": limit}


def _new_ticket() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(10))


def _event_class(value: EventClass | str) -> EventClass:
    if isinstance(value, EventClass):
        return value
    ec = EventClass.objects.filter(code=str(value), active=True).first()
    if ec is None:
        raise DomainError("event_class_unknown", _("部件事件类别 %(c)s 不存在") % {"c": value}, field="event_class")
    return ec


@dataclass
class Duplicate:
    event: Event
    distance_m: float


def event_duplicates_find(
    *,
    event_class: EventClass,
    lon: float,
    lat: float,
    at: datetime | None = None,
    jurisdiction: str | None = None,
    exclude: int | None = None,
) -> list[Duplicate]:
    """Open events of the same class within GRID_DUPLICATE_DISTANCE_M metres and GRID_DUPLICATE_HOURS hours."""
    distance = float(_setting("GRID_DUPLICATE_DISTANCE_M", 50))
    hours = float(_setting("GRID_DUPLICATE_HOURS", 72))
    at = at or timezone.now()
    minx, miny, maxx, maxy = geo.degree_box(lon, lat, distance)
    qs = Event.objects.filter(
        event_class=event_class,
        lon__gte=minx,
        lon__lte=maxx,
        lat__gte=miny,
        lat__lte=maxy,
        reported_at__gte=at - timedelta(hours=hours),
        reported_at__lte=at + timedelta(minutes=1),
        duplicate_of__isnull=True,
        case__state__in=OPEN_STATES,
    ).select_related("case")
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    if exclude:
        qs = qs.exclude(pk=exclude)
    found = [Duplicate(e, geo.haversine_m(lon, lat, e.lon, e.lat)) for e in qs[:50]]
    return sorted((d for d in found if d.distance_m <= distance), key=lambda d: d.distance_m)


def _attach_photos(event: Event, photos: Iterable[Any], stage: str, actor: User | None) -> list[int]:
    ids = []
    for photo in photos or ():
        att = case_attach(case=event.case, actor=actor, uploaded_file=photo, purpose=f"grid.{stage}")
        EventPhoto.objects.create(jurisdiction_id=event.jurisdiction_id, event=event, attachment=att, stage=stage)
        ids.append(att.pk)
    return ids


@transaction.atomic
def event_report(
    *,
    actor: User | None,
    event_class: EventClass | str,
    lon: float,
    lat: float,
    description: str,
    crs: str = "wgs84",
    address: str = "",
    source: str = Source.PATROL,
    jurisdiction: str | None = None,
    photos: Iterable[Any] = (),
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    link_to: Event | None = None,
    at: datetime | None = None,
) -> Event:
    """信息收集: a grid worker's, the public's or a program's report, located to its grid.

    Error codes: event_class_unknown, event_class_not_public, description_required, location_invalid,
    location_outside_grids, report_out_of_scope, duplicate_invalid.
    """
    ec = _event_class(event_class)
    public_source = source in PUBLIC_SOURCES
    if public_source and not ec.public:
        raise DomainError("event_class_not_public", _("该类别不接受群众上报"), field="event_class")
    description = (description or "").strip()
    if not description:
        raise DomainError("description_required", _("请填写问题描述"), field="description")
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError) as exc:
        raise DomainError("location_invalid", _("经纬度无效"), field="lat") from exc
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise DomainError("location_invalid", _("经纬度超出范围"), field="lat")
    crs_norm = (crs or "wgs84").lower().replace("-", "")
    wlon, wlat = geo.to_wgs84(lon, lat, crs_norm)
    grid_id = spatial.locate(wlon, wlat)
    grid = Grid.objects.select_related("jurisdiction").get(pk=grid_id) if grid_id else None
    outside = (
        grid is not None
        and jurisdiction
        and not grid.jurisdiction_id.startswith(jurisdiction)
        and not (grid.village_id or "").startswith(jurisdiction)
    )
    if outside:
        raise DomainError(
            "location_outside_grids",
            _("该位置不在辖区 %(j)s 的网格内，请核对坐标") % {"j": jurisdiction},
            field="lat",
        )
    if grid is not None:
        jur = grid.jurisdiction
        village_id = grid.village_id
    elif jurisdiction:
        # no grid here yet: file it with the named town (or the village's town), without a grid
        unit = Jurisdiction.objects.filter(pk=jurisdiction).first()
        if unit is None or unit.level not in (Level.TOWN, Level.VILLAGE):
            raise DomainError("location_outside_grids", _("该位置不在任何网格内，请核对坐标"), field="lat")
        jur = unit.parent if unit.level == Level.VILLAGE else unit
        village_id = unit.pk if unit.level == Level.VILLAGE else None
    else:
        raise DomainError("location_outside_grids", _("该位置不在任何网格内，请核对坐标"), field="lat")
    if not public_source and (actor is None or not has_role(actor, jur.pk, REPORTER_ROLES, village_id)):
        raise PermissionRefused("report_out_of_scope", _("您不是该网格所在单位的网格员，不能上报此处的事件"))
    now = at or timezone.now()
    if link_to is not None:
        candidates = {d.event.pk for d in event_duplicates_find(event_class=ec, lon=wlon, lat=wlat, at=now)}
        if link_to.pk not in candidates:
            raise DomainError("duplicate_invalid", _("所选事件不是本次上报的重复候选"), field="link_to")
    first_step = "verify" if public_source else "register"
    case = case_open(
        case_type=CASE_TYPE,
        jurisdiction=jur,
        actor=actor,
        title=f"{ec.name}：{description[:60]}",
        village=village_id,
        owner=actor,
        clock_unit=ec.limit(first_step)[0],
        clock_limit=ec.limit(first_step)[1],
        data={"class": ec.code, "source": source, "grid": grid.code if grid else None, "lon": wlon, "lat": wlat},
        opened_at=now,
    )
    event = Event.objects.create(
        case=case,
        jurisdiction=jur,
        village_id=village_id,
        grid=grid,
        event_class=ec,
        source=source,
        description=description,
        address=address[:200],
        lon=wlon,
        lat=wlat,
        input_crs="gcj02" if crs_norm in ("gcj02", "gcj") else "wgs84",
        urgency=ec.urgency,
        reporter=actor,
        contact_name=contact_name[:64],
        contact_phone=contact_phone[:20],
        contact_email=contact_email[:128],
        ticket=_new_ticket(),
        public=ec.public,
        reported_at=now,
    )
    _attach_photos(event, photos, EventPhoto.Stage.REPORT, actor)
    if public_source:
        case_type_for(CASE_TYPE).fire(case, "request_verification", None, {"clock": _clock(ec, "verify")}, at=now)
    if link_to is not None:
        _link_duplicate(event, link_to, actor)
    return event


def _link_duplicate(event: Event, original: Event, actor: User | None) -> None:
    Event.objects.filter(pk=event.pk).update(duplicate_of=original)
    event.duplicate_of = original
    reason = _("与 %(n)s 重复") % {"n": original.case.number}
    case_type_for(CASE_TYPE).fire(
        event.case,
        "cancel",
        None,
        {"reason": reason, "duplicate_of": original.pk, "source": event.source},
        comment=reason,
    )
    Event.objects.filter(pk=event.pk).update(cancelled=True, status_notes=reason[:255])
    case_note(
        case=original.case,
        actor=actor,
        kind=EventKind.NOTE,
        name="duplicate_linked",
        label=_("关联重复上报"),
        data={"event": event.pk, "number": event.case.number},
    )


@transaction.atomic
def event_link_duplicate(*, event: Event, original: Event, actor: User) -> Event:
    """A dispatcher marks an incoming report as a duplicate of an open event (作废, linked)."""
    if event.pk == original.pk or original.jurisdiction_id != event.jurisdiction_id:
        raise DomainError("duplicate_invalid", _("只能关联同一辖区的其他事件"))
    if original.case.state not in OPEN_STATES:
        raise DomainError("duplicate_invalid", _("只能关联未结案的事件"))
    if not has_role(actor, event.jurisdiction_id, (Role.DISPATCHER,)):
        raise PermissionRefused("role_required", _("只有调度员可以关联重复事件"))
    _link_duplicate(event, original, actor)
    event.refresh_from_db()
    return event


def _fire(
    event: Event,
    name: str,
    actor: User | None,
    data: dict[str, Any] | None = None,
    comment: str = "",
    at: datetime | None = None,
) -> None:
    data = dict(data or {})
    data.setdefault("source", event.source)
    case_type_for(CASE_TYPE).fire(event.case, name, actor, data, comment=comment, at=at)


def _save(event: Event, **values: Any) -> Event:
    Event.objects.filter(pk=event.pk).update(**values)
    for k, v in values.items():
        setattr(event, k, v)
    return event


@transaction.atomic
def event_verify(*, event: Event, actor: User, genuine: bool, reason: str = "", photos: Iterable[Any] = ()) -> Event:
    """核实 on site by a grid worker: genuine → ready for 立案; not genuine → closed as not registered."""
    if genuine:
        _fire(event, "verify", actor, {"clock": _clock(event.event_class, "register")}, comment=reason)
        _attach_photos(event, photos, EventPhoto.Stage.VERIFY, actor)
        return event
    _fire(event, "verify_false", actor, {"reason": reason}, comment=reason)
    return _save(event, not_registered=True, status_notes=reason[:255])


@transaction.atomic
def event_register(*, event: Event, actor: User, comment: str = "", at: datetime | None = None) -> Event:
    now = at or timezone.now()
    _fire(event, "register", actor, {"clock": _clock(event.event_class, "dispatch")}, comment=comment, at=now)
    return _save(event, registered_at=now)


@transaction.atomic
def event_reject(*, event: Event, actor: User, reason: str) -> Event:
    _fire(event, "reject", actor, {"reason": reason}, comment=reason)
    return _save(event, not_registered=True, status_notes=reason[:255])


def department_suggest(*, event: Event) -> Department | None:
    """The department named responsible by the event's class, in the event's jurisdiction."""
    name = event.event_class.department_name
    if not name:
        return None
    qs = Department.objects.filter(jurisdiction_id=event.jurisdiction_id, active=True)
    return qs.filter(name=name).first() or qs.filter(name__contains=name[:4]).first()


@transaction.atomic
def event_dispatch(
    *,
    event: Event,
    actor: User,
    department: Department | None = None,
    handler: User | None = None,
    comment: str = "",
    at: datetime | None = None,
) -> Event:
    """派遣 to a department and/or a person of the event's jurisdiction; the disposal clock starts."""
    if department is not None and department.jurisdiction_id != event.jurisdiction_id:
        raise DomainError("department_out_of_scope", _("处置部门须属于事件所在辖区"), field="department")
    if handler is not None and not has_role(handler, event.jurisdiction_id, (Role.HANDLER,)):
        raise DomainError("handler_invalid", _("处置人须为本辖区的处置部门人员"), field="handler")
    now = at or timezone.now()
    data = {
        "clock": _clock(event.event_class, "handle"),
        "department": department.pk if department else None,
        "handler": handler.pk if handler else None,
    }
    _fire(event, "dispatch", actor, data, comment=comment, at=now)
    case_assign(case=event.case, actor=actor, assignee=handler, department=department, comment=comment)
    return _save(event, department=department, handler=handler, dispatched_at=now)


@transaction.atomic
def event_accept(*, event: Event, actor: User) -> Event:
    _fire(event, "accept", actor)
    if event.handler_id is None:
        _save(event, handler=actor)
    return event


@transaction.atomic
def event_return(*, event: Event, actor: User, reason: str) -> Event:
    """回退: the department sends the event back to the dispatcher (wrong department, not ours…)."""
    _fire(event, "return", actor, {"reason": reason, "clock": _clock(event.event_class, "dispatch")}, comment=reason)
    return _save(event, department=None, handler=None, return_count=event.return_count + 1)


@transaction.atomic
def event_feedback(
    *, event: Event, actor: User, photos: Sequence[Any], note: str = "", at: datetime | None = None
) -> Event:
    """反馈 with photos of the result; on time if before the disposal deadline."""
    now = at or timezone.now()
    case = event.case
    on_time = case.due_at is None or now <= case.due_at
    # Guard first (photos are required), then store the photos, then move.
    from township.grid.rules import feedback_has_photos

    feedback_has_photos(case, actor, {"photos": list(photos)})
    ids = _attach_photos(event, photos, EventPhoto.Stage.FEEDBACK, actor)
    _fire(event, "feedback", actor, {"photos": ids, "clock": _clock(event.event_class, "verify")}, comment=note, at=now)
    return _save(event, handled_at=now, handled_on_time=on_time, status_notes=note[:255])


@transaction.atomic
def event_postpone_request(*, event: Event, actor: User, reason: str, days: int | None = None) -> Event:
    """申请延期 for ``days`` working days (1–30); the handling clock keeps running until it is approved.
    Errors: reason_required, postpone_days."""
    _fire(event, "postpone_request", actor, {"reason": reason, "days": days}, comment=reason)
    return _save(event, postpone_days=days or 0)


@transaction.atomic
def event_postpone_approve(*, event: Event, actor: User, comment: str = "") -> Event:
    """批准延期: the clock pauses (reason 延期) for the working days asked; the event leaves 应结案 while postponed and
    the postponement ends by itself afterwards (``grid_postponements_end``)."""
    from township.core.calendar import CalendarNotCovered
    from township.core.calendar import add_working_days as _awd

    now = timezone.now()
    start = timezone.localdate(now)
    days = max(1, event.postpone_days)
    try:
        end_day = _awd(start, days)
    except CalendarNotCovered:
        end_day = start + timedelta(days=days)  # the earliest the working days can end: never longer than asked
    until = timezone.make_aware(datetime.combine(end_day, datetime.max.time().replace(microsecond=0)))
    _fire(event, "postpone_approve", actor, {"pause_reason": "postpone", "until": until.isoformat()}, comment=comment)
    return _save(event, postponed=True, postponed_until=until, postpone_count=event.postpone_count + 1)


def grid_postponements_end(now: datetime | None = None, *, limit: int = 500) -> int:
    """End the approved postponements whose working days have passed: the event returns to 处置中 and its clock
    resumes (run by the worker with the escalations). Idempotent; returns how many ended."""
    now = now or timezone.now()
    ended = 0
    for event in Event.objects.filter(
        case__state=S.POSTPONED, postponed_until__lt=now, case__case_type=CASE_TYPE
    ).select_related("case")[:limit]:
        try:
            event_postpone_end(event=event, actor=None, comment=_("延期届满，恢复处置"))
            ended += 1
        except DomainError:  # another worker ended it first
            continue
    return ended


@transaction.atomic
def event_postpone_reject(*, event: Event, actor: User, comment: str = "") -> Event:
    _fire(event, "postpone_reject", actor, comment=comment)
    return event


@transaction.atomic
def event_postpone_end(*, event: Event, actor: User | None, comment: str = "") -> Event:
    _fire(event, "postpone_end", actor, comment=comment)
    return _save(event, postponed=False, postponed_until=None)


@transaction.atomic
def event_check(
    *, event: Event, actor: User, ok: bool, reason: str = "", photos: Iterable[Any] = (), at: datetime | None = None
) -> Event:
    """核查 on site by the grid worker: passed → ready to close; failed → 返工 (disposal clock restarts)."""
    if ok:
        ids = _attach_photos(event, photos, EventPhoto.Stage.VERIFY, actor)
        _fire(
            event,
            "check_ok",
            actor,
            {"photos": ids, "clock": _clock(event.event_class, "dispatch")},
            comment=reason,
            at=at,
        )
        return event
    _fire(
        event, "rework", actor, {"reason": reason, "clock": _clock(event.event_class, "handle")}, comment=reason, at=at
    )
    return _save(event, rework_count=event.rework_count + 1, handled_on_time=None)


@transaction.atomic
def event_close(*, event: Event, actor: User, comment: str = "", at: datetime | None = None) -> Event:
    """结案; 按期结案 when the disposal was fed back on time and the close step is within its limit."""
    now = at or timezone.now()
    case = event.case
    close_in_time = case.due_at is None or now <= case.due_at
    _fire(event, "close", actor, comment=comment, at=now)
    return _save(event, closed_at=now, closed_on_time=bool(event.handled_on_time) and close_in_time)


@transaction.atomic
def event_evaluate(*, event: Event, actor: User, rating: int, comment: str = "") -> Event:
    _fire(event, "evaluate", actor, {"rating": rating}, comment=comment)
    return _save(event, rating=rating)


@transaction.atomic
def event_cancel(*, event: Event, actor: User, reason: str) -> Event:
    """作废 (e.g. a false or test report)."""
    _fire(event, "cancel", actor, {"reason": reason}, comment=reason)
    return _save(event, cancelled=True, postponed=False, status_notes=reason[:255])


# =============================================================================================
# Escalation (called by the worker)
# =============================================================================================


def grid_escalate_overdue(now: datetime | None = None, *, limit: int = 1000) -> int:
    """Escalate overdue steps: level 1 warns the town's grid supervisor; level 2 (still overdue after
    another full step limit) goes to the leader of the next level up. Idempotent; returns rows created.
    """
    now = now or timezone.now()
    cases = list(
        Case.objects.filter(
            case_type=CASE_TYPE,
            state__in=TIMED_STATES,
            closed_at__isnull=True,
            clock_paused_at__isnull=True,
            clock_stopped_at__isnull=True,
            due_at__lt=now,
        )
        .select_related("jurisdiction")
        .order_by("due_at", "id")[:limit]
    )
    if not cases:
        return 0
    events = {e.case_id: e for e in Event.objects.filter(case__in=cases).only("id", "case_id", "jurisdiction_id")}
    done = set(Escalation.objects.filter(case__in=cases).values_list("case_id", "step_started_at", "level"))
    created = 0
    for case in cases:
        event = events.get(case.pk)
        if event is None or case.clock_started_at is None:
            continue
        step_span = case.due_at - case.clock_started_at
        levels = [1]
        if now > case.due_at + max(step_span, timedelta(hours=1)):
            levels.append(2)
        for level in levels:
            if (case.pk, case.clock_started_at, level) in done:
                continue
            if level == 1:
                to_role, to_jur = Role.GRID_SUPERVISOR, case.jurisdiction
            else:
                to_role = Role.LEADER
                to_jur = case.jurisdiction.parent or case.jurisdiction
            try:
                with transaction.atomic():
                    Escalation.objects.create(
                        jurisdiction_id=case.jurisdiction_id,
                        event=event,
                        case=case,
                        level=level,
                        state=case.state,
                        step_started_at=case.clock_started_at,
                        due_at=case.due_at,
                        to_role=to_role,
                        to_jurisdiction=to_jur,
                        at=now,
                    )
                    label = _("超期预警（督导员）") if level == 1 else _("超期升级（上一级）")
                    case_note(
                        case=case,
                        actor=None,
                        kind=EventKind.SYSTEM,
                        name="escalate",
                        label=label,
                        data={
                            "level": level,
                            "state": case.state,
                            "due_at": case.due_at.isoformat(),
                            "to_role": str(to_role),
                            "to_jurisdiction": to_jur.pk,
                        },
                    )
                created += 1
            except IntegrityError:
                continue  # another worker did it
    return created


def escalation_supervise(*, escalation: Escalation, actor: User, instruction: str) -> Escalation:
    """督办: the addressee of an escalation writes an instruction; it goes on the event's timeline for the handler.
    Once per escalation. Errors: not_addressee, instruction_required, already_supervised."""
    if not has_role(actor, escalation.to_jurisdiction_id, [escalation.to_role]):
        raise PermissionRefused("not_addressee", _("该超期事件不是升级给您的，不能督办"))
    instruction = (instruction or "").strip()
    if not instruction:
        raise DomainError("instruction_required", _("请填写督办意见"), field="instruction")
    now = timezone.now()
    with transaction.atomic():
        claimed = Escalation.objects.filter(
            pk=escalation.pk, jurisdiction_id=escalation.jurisdiction_id, supervised_at__isnull=True
        ).update(supervised_at=now, supervised_by=actor, instruction=instruction)
        if not claimed:
            raise DomainError("already_supervised", _("该超期事件已督办，请刷新后查看"))
        case_note(
            case=escalation.case,
            actor=actor,
            name="supervise",
            label=_("督办"),
            data={"escalation": escalation.pk, "level": escalation.level, "state": escalation.state},
            comment=instruction,
        )
    escalation.refresh_from_db()
    return escalation


# =============================================================================================
# Handover to enforcement
# =============================================================================================


def _deliver_clue(event: Event, actor: User, reason: str) -> str | None:
    """The one call site of the enforcement capability; None while it is not installed.

    Permission was checked by ``grid_event_to_clue``; the clue is created as a system call from the
    grid app (actor=None) so that grid heads and supervisors may hand over as well.
    """
    from django.apps import apps

    if not apps.is_installed("township.enforcement"):
        return None
    try:
        from township.enforcement.services import clue_create_from_grid_event
    except ImportError:
        return None
    clue = clue_create_from_grid_event(
        jurisdiction=event.jurisdiction_id,
        event_case=event.case,
        actor=None,
        summary=f"{event.event_class.name}：{event.description}\n{_('移交理由')}：{reason}",
        location={
            "lon": event.lon,
            "lat": event.lat,
            "address": event.address,
            "grid": event.grid.code if event.grid_id else None,
        },
    )
    return str(getattr(clue, "number", "") or getattr(clue, "pk", "") or "")


@transaction.atomic
def grid_event_to_clue(*, event: Event, actor: User, reason: str) -> Handover:
    """Turn an event into an enforcement clue (案源); recorded and listed even before enforcement exists."""
    if not (reason or "").strip():
        raise DomainError("reason_required", _("请填写移交理由"), field="reason")
    if not has_role(actor, event.jurisdiction_id, HANDOVER_ROLES):
        raise PermissionRefused("role_required", _("您没有移交执法的权限"))
    if Handover.objects.filter(jurisdiction_id=event.jurisdiction_id, event=event).exists():
        raise DomainError("handover_exists", _("该事件已移交执法"))
    ref = _deliver_clue(event, actor, reason)
    handover = Handover.objects.create(
        jurisdiction_id=event.jurisdiction_id,
        event=event,
        reason=reason,
        actor=actor,
        at=timezone.now(),
        delivered=ref is not None,
        clue_ref=ref or "",
    )
    case_note(
        case=event.case,
        actor=actor,
        name="handover",
        label=_("移交执法"),
        data={"handover": handover.pk, "clue": ref or ""},
        comment=reason,
    )
    return handover


# =============================================================================================
# Patrols
# =============================================================================================


@transaction.atomic
def patrol_start(*, actor: User, jurisdiction: str, grid: Grid | None = None, at: datetime | None = None) -> Patrol:
    """Start a patrol in a town (or a village: the patrol belongs to its town). Error codes: role_required."""
    unit = Jurisdiction.objects.filter(pk=jurisdiction).first()
    if unit is None:
        raise NotFound()
    town = unit.parent_id if unit.level == Level.VILLAGE else unit.pk
    village = unit.pk if unit.level == Level.VILLAGE else (grid.village_id if grid else None)
    if not has_role(actor, town, GRID_ROLES, village):
        raise PermissionRefused("role_required", _("只有网格员可以记录巡查"))
    if grid is not None and grid.jurisdiction_id != town:
        raise DomainError("grid_out_of_scope", _("网格不属于该单位"), field="grid")
    return Patrol.objects.create(jurisdiction_id=town, grid=grid, patroller=actor, started_at=at or timezone.now())


@transaction.atomic
def patrol_track_add(*, patrol: Patrol, actor: User, points: Sequence[dict[str, Any]]) -> Patrol:
    """Append GPS points ({at, lon, lat, accuracy?, crs?}); keeps the distance and count current."""
    if patrol.patroller_id != actor.pk:
        raise NotFound()
    if patrol.ended_at is not None:
        raise DomainError("patrol_ended", _("巡查已结束，不能再添加轨迹"))
    last = (
        TrackPoint.objects.filter(jurisdiction_id=patrol.jurisdiction_id, patrol=patrol).order_by("-at", "-id").first()
    )
    rows = []
    prev = (last.lon, last.lat) if last else None
    dist = 0.0
    for p in points:
        try:
            lon, lat = geo.to_wgs84(float(p["lon"]), float(p["lat"]), str(p.get("crs", "wgs84")))
        except (KeyError, TypeError, ValueError) as exc:
            raise DomainError("track_invalid", _("轨迹点格式错误")) from exc
        at = p.get("at") or timezone.now()
        if isinstance(at, str):
            at = datetime.fromisoformat(at.replace("Z", "+00:00"))
        if prev:
            dist += geo.haversine_m(prev[0], prev[1], lon, lat)
        prev = (lon, lat)
        rows.append(
            TrackPoint(
                jurisdiction_id=patrol.jurisdiction_id,
                patrol=patrol,
                at=at,
                lon=lon,
                lat=lat,
                accuracy_m=p.get("accuracy"),
            )
        )
    TrackPoint.objects.bulk_create(rows)
    _p = patrol
    Patrol.objects.filter(pk=_p.pk).update(distance_m=_p.distance_m + dist, point_count=_p.point_count + len(rows))
    patrol.distance_m += dist
    patrol.point_count += len(rows)
    return patrol


@transaction.atomic
def patrol_end(*, patrol: Patrol, actor: User, note: str = "") -> Patrol:
    if patrol.patroller_id != actor.pk:
        raise NotFound()
    now = timezone.now()
    Patrol.objects.filter(pk=patrol.pk).update(ended_at=now, note=note)
    patrol.ended_at, patrol.note = now, note
    return patrol


# =============================================================================================
# Open311 keys
# =============================================================================================


def open311_key_create(*, name: str) -> tuple[Open311Key, str]:
    """A new api_key (shown once); only its SHA-256 is stored."""
    import hashlib

    raw = secrets.token_urlsafe(24)
    key = Open311Key.objects.create(name=name, key_sha256=hashlib.sha256(raw.encode()).hexdigest())
    return key, raw


def open311_key_check(raw: str | None) -> Open311Key | None:
    import hashlib

    if not raw:
        return None
    return Open311Key.objects.filter(key_sha256=hashlib.sha256(raw.encode()).hexdigest(), active=True).first()


# =============================================================================================
# Dispatch by ids (the dispatch action's form and the API name the department and person by id)
# =============================================================================================


def event_dispatch_by_ids(
    *, event: Event, actor: User, department: int | None = None, handler: int | None = None, comment: str = ""
) -> Event:
    """派遣 naming the department and the person by id (the forms and the API): both must be of the event's
    jurisdiction. Errors: department_out_of_scope, handler_invalid, and those of ``event_dispatch``."""
    dept = None
    if department:
        dept = Department.objects.filter(pk=department, jurisdiction_id=event.jurisdiction_id).first()
        if dept is None:
            raise DomainError("department_out_of_scope", _("处置部门须属于事件所在辖区"), field="department")
    person = User.objects.filter(pk=handler).first() if handler else None
    if handler and person is None:
        raise DomainError("handler_invalid", _("处置人须为本辖区的处置部门人员"), field="handler")
    return event_dispatch(event=event, actor=actor, department=dept, handler=person, comment=comment)

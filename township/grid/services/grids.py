"""Grids and their staff: code rules, validation and bulk save, GeoJSON import/export, the generator, and the
event classes (部件事件类别) with their CSV import."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely import STRtree

from township.cases.models import ClockUnit
from township.core.errors import DomainError, PermissionRefused
from township.grid import geo, spatial
from township.grid.errors import Code
from township.grid.models import ClassKind, CodeScheme, EventClass, Grid, GridLevel, GridStaff, Urgency
from township.grid.services._common import GRID_ADMIN_ROLES
from township.org.models import GRID_ROLES, Jurisdiction, Level, Role, RoleGrant, User
from township.org.scoping import has_role

# Relative tolerance for overlap / containment checks (shared edges and float noise are fine).
AREA_TOLERANCE = 1e-6


# =============================================================================================
# Grids
# =============================================================================================


def _require_grid_admin(actor: User | None, code: str) -> None:
    if actor is None:  # management commands and the demo run as the system
        return
    if not has_role(actor, code, GRID_ADMIN_ROLES):
        raise PermissionRefused(Code.GRID_ADMIN_REQUIRED, _("您没有管理该辖区网格的权限"))


def grid_code_validate(*, code: str, scheme: str, division: Jurisdiction) -> str:
    """Check a grid code against its scheme and the division it lies in (DOMAIN §1.3)."""
    code = (code or "").strip()
    div = division.code
    if not code:
        raise DomainError(Code.GRID_CODE_REQUIRED, _("网格编码不能为空"), field="code")
    if scheme == CodeScheme.NATIONAL_14:
        if not (code.isdigit() and len(code) == 14):
            raise DomainError(
                Code.GRID_CODE_FORMAT, _("国标网格编码须为14位数字：%(code)s") % {"code": code}, field="code"
            )
        prefix_ok = code.startswith(div)
    elif scheme == CodeScheme.LOCAL_15:
        if not (code.isdigit() and len(code) == 15):
            raise DomainError(
                Code.GRID_CODE_FORMAT, _("地方网格编码须为15位数字：%(code)s") % {"code": code}, field="code"
            )
        prefix_ok = code.startswith(div)
    elif scheme == CodeScheme.COMMUNITY_20:
        if not (code.isdigit() and len(code) == 20):
            raise DomainError(
                Code.GRID_CODE_FORMAT, _("专业网格编码须为20位数字：%(code)s") % {"code": code}, field="code"
            )
        prefix_ok = code[6 : 6 + len(div)] == div
    elif scheme == CodeScheme.CUSTOM:
        if len(code) > 32 or not all(c.isalnum() or c in "-_" for c in code):
            raise DomainError(
                Code.GRID_CODE_FORMAT, _("自定义网格编码至多32位字母数字：%(code)s") % {"code": code}, field="code"
            )
        prefix_ok = code.startswith(div)
    else:
        raise DomainError(Code.GRID_SCHEME_UNKNOWN, _("未知的网格编码规则：%(s)s") % {"s": scheme}, field="scheme")
    if not prefix_ok:
        raise DomainError(
            Code.GRID_CODE_PREFIX,
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
        raise DomainError(Code.GRID_DIVISION_LEVEL, _("网格所在区划须为区县、乡镇街道或村社区"), field="division")
    if jurisdiction is None or jurisdiction.pk == own.pk:
        return own
    # a first-level grid may belong to the county that contains its town
    if level == GridLevel.FIRST and jurisdiction.level == Level.COUNTY and own.code.startswith(jurisdiction.code):
        return jurisdiction
    raise DomainError(
        Code.GRID_JURISDICTION, _("网格的所属辖区须为其所在乡镇，或一级网格所属的区县"), field="jurisdiction"
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
                raise DomainError(Code.GRID_JURISDICTION, _("所属辖区 %(d)s 不存在") % {"d": s.jurisdiction})
            s.tenant = _tenant_for(div, s.level, jur)
        except DomainError as exc:
            s.errors.append(f"{where}：{exc.message}")
    # parents: from this batch or the database
    by_code = {s.code: s for s in specs}
    wanted = {s.parent for s in specs if s.parent and s.parent not in by_code}
    existing_parents = {g.code: g for g in Grid.objects.filter(code__in=wanted).select_related("division")}
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
        parent_division = parent.division_obj if isinstance(parent, GridSpec) else parent.division
        if parent_division is not None and s.division_obj is not None:
            message = _child_code_problem(s.code, s.scheme, s.division_obj, parent.code, parent_division)
            if message:
                s.errors.append(f"{where}：{message}")
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


def _child_code_problem(
    code: str, scheme: str, division: Jurisdiction, parent_code: str, parent_division: Jurisdiction
) -> str:
    """A grid lies in its parent's division and its code extends the parent's (DOMAIN §1.3: county + town +
    community + sequence): a unit grid of community 204 cannot sit under the grid of community 203."""
    if not division.code.startswith(parent_division.code):
        return _("所在区划 %(d)s 不在上级网格 %(p)s 的区划 %(pd)s（%(pn)s）内") % {
            "d": division.code,
            "p": parent_code,
            "pd": parent_division.code,
            "pn": parent_division.name,
        }
    try:
        grid_code_validate(code=code, scheme=scheme, division=parent_division)
    except DomainError:
        return _("网格编码 %(c)s 须以上级网格 %(p)s 所在区划（%(pn)s，%(pd)s）的代码开头") % {
            "c": code,
            "p": parent_code,
            "pn": parent_division.name,
            "pd": parent_division.code,
        }
    return ""


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
        raise DomainError(Code.GRID_INVALID, "；".join(e.split("：", 1)[-1] for e in exc.errors)) from exc


def grid_specs_from_geojson(data: Any) -> list[GridSpec]:
    """A GeoJSON FeatureCollection → specs. Properties: code, name, level, division, scheme, parent,
    jurisdiction, land_use (Chinese keys 编码/名称/层级/所在区划/上级网格 are accepted too)."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise DomainError(Code.GEOJSON_INVALID, _("文件不是有效的 GeoJSON：%(e)s") % {"e": exc}) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DomainError(Code.GEOJSON_INVALID, _("文件须为 GeoJSON FeatureCollection"))
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
        raise DomainError(Code.GEOJSON_EMPTY, _("文件中没有网格要素"))
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
        raise DomainError(Code.GRID_ROLE_INVALID, _("网格角色须为巡查员、网格长、督导员、警务员或志愿者"), field="role")
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
        raise DomainError(Code.GRID_GENERATE_ROOT, _("只能为区县或乡镇街道生成网格"))
    if not towns:
        raise DomainError(Code.GRID_GENERATE_ROOT, _("该区县下没有乡镇街道"))
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


def event_class_rows(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Read and check event classes from CSV (columns as in data/event-classes.csv), writing nothing.

    Returns (rows, errors): each row is ``{"code": …, <field>: typed value …}`` as it would be saved; with any row
    error the rows are not to be written. Used by the import below and by its preview (系统管理 → 事件分类导入).
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [
        c
        for c in ("code", "kind", "major_code", "major_name", "minor_code", "name")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        return [], [_("缺少列：%(c)s") % {"c": "、".join(missing)}]
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
            continue
        values: dict[str, Any] = dict(row)
        for step in ("register", "dispatch", "handle", "verify"):
            values[f"{step}_limit"] = int(row.get(f"{step}_limit") or 1)
            values[f"{step}_unit"] = row.get(f"{step}_unit") or ClockUnit.WORKING_HOURS
        values["is_local"] = row.get("is_local") in ("1", "true", "True", "是")
        values["public"] = row.get("public", "1") in ("1", "true", "True", "是")
        values["urgency"] = row.get("urgency") or Urgency.NORMAL
        rows.append(values)
    return rows, errors


def event_class_import_csv(*, text: str, actor: User | None) -> tuple[int, list[str]]:
    """Create or update event classes from CSV (columns as in data/event-classes.csv).

    All rows are checked first; with any row error nothing is written. Returns (rows saved, errors).
    Each row is saved on its own (``update_or_create``), so the operation log records it.
    """
    if actor is not None and not (
        actor.is_superuser or RoleGrant.objects.filter(user=actor, role=Role.ADMINISTRATOR).exists()
    ):
        raise PermissionRefused(Code.ADMIN_REQUIRED, _("只有系统管理员可以导入部件事件类别"))
    rows, errors = event_class_rows(text)
    if errors:
        return 0, errors
    with transaction.atomic():
        for row in rows:
            defaults: dict[str, Any] = {k: v for k, v in row.items() if k != "code"}
            EventClass.objects.update_or_create(code=row["code"], defaults=defaults)
    return len(rows), []


def event_class_seed_defaults() -> int:
    """Load the bundled classes (data/event-classes.csv) when the table is empty; returns rows loaded.

    The data migration seeds them; this restores them after a test database flush or a wiped table.
    """
    if EventClass.objects.exists():
        return 0
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "data" / "event-classes.csv").read_text(encoding="utf-8")
    saved, errors = event_class_import_csv(text=text, actor=None)
    if errors:  # pragma: no cover - the bundled file is tested
        raise DomainError(Code.EVENT_CLASS_SEED, "；".join(errors))
    return saved

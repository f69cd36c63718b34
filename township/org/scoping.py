"""Data scope: which jurisdictions, departments and own rows an actor may read or act in.

Fail-closed: a user without grants sees no rows. Business rows carry the owning town's (or county's)
code as their tenant key (``jurisdiction``) and, where relevant, the village as an ordinary column.
A grant at a village limits the holder to rows of that village inside its town.

Two resolutions, both cached per request on the user instance (the grants they start from are kept across
requests too, while the authorisation version has not changed: ``attach``):

- ``reach(actor, roles)``: the *tenant codes* (and villages) — for rows that carry no department;
- ``scope(actor, roles)``: the 数据权限 of each grant (全部 / 自定 / 本单位 / 本单位及以下 / 仅本人, see
  ``resolve_scope``) as whole tenants + departments + an "own rows" flag, for rows that carry a department
  (承办/协办). Selectors turn it into a ``Q`` with ``Scope.q``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet, Subquery

from township.core.citus import on_citus
from township.org.duties import counted_grants
from township.org.models import AuthzVersion, DataScope, Jurisdiction, Level, RoleGrant, User


@dataclass(frozen=True)
class Reach:
    """Tenant codes an actor reaches, and village-limited reach inside a town."""

    codes: frozenset[str]
    villages: frozenset[tuple[str, str]]  # (town code, village code)

    def q(self, field: str = "jurisdiction", village_field: str | None = "village") -> Q:
        q = Q(pk__in=[])  # fail-closed
        if self.codes:
            q |= Q(**{f"{field}_id__in": sorted(self.codes)})
        if village_field:
            for town, village in sorted(self.villages):
                q |= Q(**{f"{field}_id": town, f"{village_field}_id": village})
        return q

    def covers(self, code: str, village: str | None = None) -> bool:
        if code in self.codes:
            return True
        return village is not None and (code, village) in self.villages


def _grant_rows(actor: User) -> QuerySet[RoleGrant]:
    """The actor's grants with their units and departments (what every resolution below reads)."""
    return RoleGrant.objects.filter(user=actor).select_related("jurisdiction", "department")


def _grants(actor: User) -> list[RoleGrant]:
    cached = getattr(actor, "_township_grants", None)
    if cached is None:
        cached = list(_grant_rows(actor))
        actor._township_grants = cached  # type: ignore[attr-defined]  # per-request cache on the instance
    return cached


def grants_of(actor: User | None) -> list[RoleGrant]:
    """The actor's role grants, each with its unit (cached per request on the user instance; [] if anonymous)."""
    if actor is None or not actor.is_authenticated:
        return []
    return _grants(actor)


def clear_cache(actor: User) -> None:
    """Forget what this request read of the actor's grants (after changing them in the same request)."""
    for attr in ("_township_grants", "_township_reach", "_township_scope", "_township_custom", "_township_below"):
        if hasattr(actor, attr):
            delattr(actor, attr)


# --- the grants across requests ------------------------------------------------------------------------
#
# A request of a clerk of 40 towns read 40 grants with their units and departments (80 model instances), and
# the units below them: ≈ a quarter of an API transition's time. They change only when a grant, its ticked
# units, a unit or a department changes, and each such change replaces ``AuthzVersion``'s value (database
# triggers, migration org/0006: no write path can miss it; a value is never used twice). The statement that
# authenticates a request (the token's, the session user's) reads the value too; ``attach`` then gives the
# request what this process read under that value, or reads it and keeps it when it is safe to:
#
# - outside any transaction (autocommit): nothing uncommitted, e.g. a grant added by a transaction that will
#   roll back, can be read and kept;
# - only if the value read with the grants is the one read at authentication: nothing changed in between.
#
# A revoked grant therefore stops applying to every request authenticated after the revoking commit, as it did
# without the cache; ``tests/test_grant_cache.py`` shows each path. A kept entry is read again after
# ``_KEPT_SECONDS`` whatever the version says (defence in depth: a database restored without the triggers). On a
# Citus coordinator nothing is kept: the profile drops the triggers (docs/scaling.md).

VERSION_ATTR = "_township_authz_version"
_KEPT_USERS = 4096  # entries of the process (the oldest goes first)
_KEPT_SECONDS = 60.0


@dataclass(frozen=True)
class _Kept:
    version: int
    read_at: float  # time.monotonic()
    grants: tuple[RoleGrant, ...]  # shared by the requests of the process: read, never changed
    custom: dict[int, tuple[list[tuple[str, int]], list[Jurisdiction]]]
    below: dict[str, list[str]]
    # the reaches computed from these grants (``reach``), by superuser flag and roles: shared by the requests
    reaches: dict[bool, dict[frozenset[str] | None, Reach]] = field(default_factory=dict)


_kept: dict[int, _Kept] = {}
_kept_lock = threading.Lock()


def version_read() -> Subquery:
    """The authorisation version, as a subquery for the statement that reads the request's user."""
    return Subquery(AuthzVersion.objects.filter(pk=1).values("value")[:1])


def attach(actor: User) -> None:
    """Give this request the actor's grants as this process read them under the version the request's
    authentication read (``VERSION_ATTR`` on the actor), or read them now and keep them if it is safe to."""
    version = getattr(actor, VERSION_ATTR, None)
    if version is None or actor.pk is None:
        return
    kept = _kept.get(actor.pk)
    if kept is None or kept.version != version or time.monotonic() - kept.read_at > _KEPT_SECONDS:
        kept = _keep(actor, version)
        if kept is None:
            return
    actor._township_grants = list(kept.grants)  # type: ignore[attr-defined]  # per-request cache on the instance
    actor._township_custom = kept.custom  # type: ignore[attr-defined]
    actor._township_below = dict(kept.below)  # type: ignore[attr-defined]  # the request may add units
    # a reach is a function of the grants, the units below them and the superuser flag: computed once per entry
    actor._township_reach = kept.reaches.setdefault(actor.is_superuser, {})  # type: ignore[attr-defined]


def _keep(actor: User, version: int) -> _Kept | None:
    if connection.in_atomic_block or on_citus(connection):  # a cluster has no triggers (core.citus)
        return None
    read_at = time.monotonic()
    grants = list(_grant_rows(actor).annotate(**{VERSION_ATTR: version_read()}))
    actor._township_grants = grants  # type: ignore[attr-defined]  # per-request cache on the instance
    if not grants or any(getattr(g, VERSION_ATTR) != version for g in grants):
        return None
    custom = _custom_units(actor, grants)
    prefixes = [
        g.jurisdiction.code
        for g in grants
        if g.data_scope in (DataScope.ALL, DataScope.UNIT_AND_BELOW) and g.jurisdiction.level != Level.VILLAGE
    ]
    kept = _Kept(version, read_at, tuple(grants), custom, _units_below(actor, prefixes))
    with _kept_lock:
        _kept.pop(actor.pk, None)
        _kept[actor.pk] = kept
        while len(_kept) > _KEPT_USERS:
            del _kept[next(iter(_kept))]
    return kept


def forget_kept() -> None:
    """Drop every user's grants kept by this process (tests)."""
    with _kept_lock:
        _kept.clear()


def reach(actor: User | None, roles: Iterable[str] | None = None) -> Reach:
    """The tenant codes where ``actor`` holds one of ``roles`` (any role if None)."""
    if actor is None or not actor.is_authenticated:
        return Reach(frozenset(), frozenset())
    key = frozenset(roles) if roles is not None else None
    cache: dict[frozenset[str] | None, Reach] | None = getattr(actor, "_township_reach", None)
    if cache is None:
        cache = {}
        actor._township_reach = cache  # type: ignore[attr-defined]  # per-request cache on the instance
    if key not in cache:
        cache[key] = _compute_reach(actor, key)
    return cache[key]


def _compute_reach(actor: User, roles: frozenset[str] | None) -> Reach:
    wanted = set(roles) if roles is not None else None
    codes: set[str] = set()
    villages: set[tuple[str, str]] = set()
    below_prefixes: list[str] = []
    for grant in counted_grants(actor, _grants(actor), roles):  # 三员分立 (township.org.duties)
        if wanted is not None and grant.role not in wanted:
            continue
        jur = grant.jurisdiction
        if jur.level == Level.VILLAGE:
            villages.add((str(jur.parent_id), jur.code))
            continue
        codes.add(jur.code)
        if grant.data_scope in (DataScope.UNIT_AND_BELOW, DataScope.ALL):
            below_prefixes.append(jur.code)
    below = _units_below(actor, below_prefixes)
    for prefix in below_prefixes:
        codes.update(below[prefix])
    return Reach(frozenset(codes), frozenset(villages))


def _units_below(actor: User, prefixes: Iterable[str]) -> dict[str, list[str]]:
    """The units (towns, counties …, not villages) at or below each of these units, by its code: one query for
    the prefixes not yet read in this request, remembered on the actor (reach and scope both need them)."""
    memo: dict[str, list[str]] | None = getattr(actor, "_township_below", None)
    if memo is None:
        memo = {}
        actor._township_below = memo  # type: ignore[attr-defined]  # per-request cache on the instance
    missing = sorted(set(prefixes) - memo.keys())
    if missing:
        q = Q()
        for prefix in missing:
            q |= Q(code__startswith=prefix)
        found = list(Jurisdiction.objects.filter(q).exclude(level=Level.VILLAGE).values_list("code", flat=True))
        for prefix in missing:
            memo[prefix] = [code for code in found if code.startswith(prefix)]
    return {prefix: memo[prefix] for prefix in prefixes}


def has_role(actor: User | None, code: str, roles: Iterable[str], village: str | None = None) -> bool:
    """Does ``actor`` hold one of ``roles`` where a row of tenant ``code`` (and ``village``) lives?"""
    return reach(actor, roles).covers(code, village)


def roles_in(actor: User | None, code: str, village: str | None = None) -> set[str]:
    """Every role ``actor`` holds that reaches tenant ``code``."""
    if actor is None or not actor.is_authenticated:
        return set()
    all_roles = {g.role for g in _grants(actor)}
    return {r for r in all_roles if has_role(actor, code, [r], village)}


def units_of(actor: User | None) -> list[Jurisdiction]:
    """Distinct units where the actor holds any role (for the jurisdiction switcher)."""
    if actor is None or not actor.is_authenticated:
        return []
    seen: dict[str, Jurisdiction] = {}
    for grant in _grants(actor):
        seen.setdefault(grant.jurisdiction.code, grant.jurisdiction)
    return sorted(seen.values(), key=lambda j: j.code)


# --- 数据权限 per grant: 全部 / 自定 / 本单位 / 本单位及以下 / 仅本人 ---------------------------------------------


@dataclass(frozen=True)
class GrantSpec:
    """What the resolution needs of one grant, as plain data (so ``resolve_scope`` is pure)."""

    scope: str
    unit: str  # the grant's jurisdiction code
    village_of: str | None = None  # the town code when the grant's unit is a village
    department: int | None = None
    custom_departments: tuple[tuple[str, int], ...] = ()  # (the department's jurisdiction code, id)
    custom_units: tuple[tuple[str, str | None], ...] = ()  # (code, town code when it is a village)


@dataclass(frozen=True)
class Scope:
    """Rows an actor may see: whole tenants, village-limited tenants, departments (承办/协办) and own rows."""

    codes: frozenset[str] = frozenset()
    villages: frozenset[tuple[str, str]] = frozenset()  # (town code, village code)
    departments: frozenset[tuple[str, int]] = frozenset()  # (tenant code, department id)
    own: bool = False  # 仅本人: rows where the actor is the creator / assignee / handler

    @property
    def department_ids(self) -> frozenset[int]:
        return frozenset(d for _code, d in self.departments)

    def tenant_q(self, field: str = "jurisdiction", village_field: str | None = "village") -> Q:
        """The whole-tenant part (全部, 本单位 without a department, 本单位及以下 …); fail-closed."""
        return Reach(self.codes, self.villages).q(field, village_field)

    def department_q(self, field: str = "department", tenant_field: str = "jurisdiction") -> Q:
        """Rows whose ``field`` is one of the departments, each filtered by its tenant key too (Citus routing)."""
        q = Q(pk__in=[])
        by_code: dict[str, list[int]] = {}
        for code, dept in sorted(self.departments):
            by_code.setdefault(code, []).append(dept)
        for code, ids in by_code.items():
            q |= Q(**{f"{tenant_field}_id": code, f"{field}_id__in": ids})
        return q

    def q(
        self,
        actor: User | None,
        *,
        field: str = "jurisdiction",
        village_field: str | None = "village",
        department_field: str | None = "department",
        own_fields: tuple[str, ...] = (),
    ) -> Q:
        """The rows in scope. A table without a department column gets no rows from department grants, a table
        without an owner column none from 仅本人 (fail-closed, CONVENTIONS §3.2)."""
        q = self.tenant_q(field, village_field)
        if department_field:
            q |= self.department_q(department_field, field)
        if self.own and actor is not None and actor.pk is not None:
            for name in own_fields:
                q |= Q(**{f"{name}_id": actor.pk})
        return q

    def covers_department(self, code: str, department: int | None, village: str | None = None) -> bool:
        """Whether a row of tenant ``code`` (``village``) handled by ``department`` is in scope (without own rows)."""
        if code in self.codes or (village is not None and (code, village) in self.villages):
            return True
        return department is not None and (code, department) in self.departments


def _inside(code: str, unit: str) -> bool:
    """Division codes nest by prefix (GB/T 2260 + NBS): ``code`` is ``unit`` or below it."""
    return code.startswith(unit)


def resolve_scope(specs: Iterable[GrantSpec], below: Callable[[str], Iterable[str]]) -> Scope:
    """The union of the grants' scopes (CONVENTIONS §3.3). Pure: ``below(code)`` gives the non-village codes of a
    unit's subtree, itself included.

    - 全部 (``all``): the whole subtree of the grant's unit, whatever its department;
    - 自定 (``custom``): exactly the units ticked on the grant (departments and/or jurisdictions, each without its
      subtree), only those inside the grant's unit; none ticked → nothing;
    - 本单位 (``unit``): the grant's department, or its unit when the grant has no department;
    - 本单位及以下 (``unit_and_below``): the grant's department (departments are not nested), or its unit's subtree;
    - 仅本人 (``self``): only the rows where the actor takes part.
    A village unit always means that village's rows in its town. Unknown scopes give nothing.
    """
    codes: set[str] = set()
    villages: set[tuple[str, str]] = set()
    departments: set[tuple[str, int]] = set()
    own = False

    def add_unit(code: str, village_of: str | None, subtree: bool) -> None:
        if village_of:
            villages.add((village_of, code))
        elif subtree:
            codes.update(below(code))
        else:
            codes.add(code)

    for spec in specs:
        tenant = spec.village_of or spec.unit
        if spec.scope == DataScope.ALL:
            add_unit(spec.unit, spec.village_of, subtree=True)
        elif spec.scope in (DataScope.UNIT, DataScope.UNIT_AND_BELOW):
            if spec.department is not None:
                departments.add((tenant, spec.department))
            else:
                add_unit(spec.unit, spec.village_of, subtree=spec.scope == DataScope.UNIT_AND_BELOW)
        elif spec.scope == DataScope.CUSTOM:
            for code, dept in spec.custom_departments:
                if _inside(code, spec.unit):
                    departments.add((code, dept))
            for code, town in spec.custom_units:
                if _inside(code, spec.unit):
                    add_unit(code, town, subtree=False)
        elif spec.scope == DataScope.SELF:
            own = True
    return Scope(frozenset(codes), frozenset(villages), frozenset(departments), own)


def _custom_units(actor: User, grants: list[RoleGrant]) -> dict[int, tuple[list[tuple[str, int]], list[Jurisdiction]]]:
    """The ticked units of the actor's 自定 grants (two queries, only when the actor has such a grant)."""
    cached: dict[int, tuple[list[tuple[str, int]], list[Jurisdiction]]] | None = getattr(
        actor, "_township_custom", None
    )
    if cached is not None:
        return cached
    custom = [g.pk for g in grants if g.data_scope == DataScope.CUSTOM]
    out: dict[int, tuple[list[tuple[str, int]], list[Jurisdiction]]] = {pk: ([], []) for pk in custom}
    if custom:
        dept_through = RoleGrant.custom_departments.through.objects.filter(rolegrant_id__in=custom)
        for grant_id, code, dept_id in dept_through.values_list(
            "rolegrant_id", "department__jurisdiction_id", "department_id"
        ):
            out[grant_id][0].append((str(code), int(dept_id)))
        unit_through = RoleGrant.custom_units.through.objects.filter(rolegrant_id__in=custom).select_related(
            "jurisdiction"
        )
        for row in unit_through:
            out[row.rolegrant_id][1].append(row.jurisdiction)
    actor._township_custom = out  # type: ignore[attr-defined]  # per-request cache on the instance
    return out


def _spec(grant: RoleGrant, custom: dict[int, tuple[list[tuple[str, int]], list[Jurisdiction]]]) -> GrantSpec:
    jur = grant.jurisdiction
    depts, units = custom.get(grant.pk, ([], []))
    return GrantSpec(
        scope=grant.data_scope,
        unit=jur.code,
        village_of=str(jur.parent_id) if jur.level == Level.VILLAGE and jur.parent_id else None,
        department=grant.department_id,
        custom_departments=tuple(depts),
        custom_units=tuple(
            (u.code, str(u.parent_id) if u.level == Level.VILLAGE and u.parent_id else None) for u in units
        ),
    )


def _below_of(actor: User) -> Callable[[str], list[str]]:
    """``resolve_scope``'s lookup of the units below a unit (the unit first), through the request's memo."""

    def below(code: str) -> list[str]:
        return [code, *(c for c in _units_below(actor, [code])[code] if c != code)]

    return below


def scope(actor: User | None, roles: Iterable[str] | None = None) -> Scope:
    """The 数据权限 of the grants where ``actor`` holds one of ``roles`` (any role if None); fail-closed."""
    if actor is None or not actor.is_authenticated:
        return Scope()
    key = frozenset(roles) if roles is not None else None
    cache: dict[frozenset[str] | None, Scope] | None = getattr(actor, "_township_scope", None)
    if cache is None:
        cache = {}
        actor._township_scope = cache  # type: ignore[attr-defined]  # per-request cache on the instance
    if key not in cache:
        grants = [g for g in counted_grants(actor, _grants(actor), key) if key is None or g.role in key]
        custom = _custom_units(actor, grants)
        cache[key] = resolve_scope([_spec(g, custom) for g in grants], _below_of(actor))
    return cache[key]


def custom_units_errors(
    data_scope: str, unit: str, departments: Iterable[tuple[str, str]], units: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """What is wrong with the ticked units of a grant, by form field (pure; empty when fine).

    ``departments`` and ``units`` are (division code, name) pairs: the department's jurisdiction, the unit's code.
    自定 needs at least one unit, each inside the grant's unit; other scopes take none.
    """
    from django.utils.translation import gettext as _

    departments, units = list(departments), list(units)
    errors: dict[str, str] = {}
    if data_scope != DataScope.CUSTOM:
        if departments or units:
            errors["data_scope"] = _("只有数据权限为“自定”时才能勾选单位")
        return errors
    if not departments and not units:
        errors["data_scope"] = _("数据权限为“自定”时须至少勾选一个部门或区划")
    outside = [name for code, name in departments if not _inside(code, unit)]
    if outside:
        errors["custom_departments"] = _("部门不在本授权单位内：%(n)s") % {"n": "、".join(outside)}
    outside = [name for code, name in units if not _inside(code, unit)]
    if outside:
        errors["custom_units"] = _("区划不在本授权单位内：%(n)s") % {"n": "、".join(outside)}
    return errors


def scope_labels(actor: User | None, roles: Iterable[str] | None = None) -> list[str]:
    """The actor's data scopes in words, one per counted grant ("白沙镇 供电所 · 本单位"), to show them to the user
    (CONVENTIONS §3.3: the rules are shown, 您可查看…)."""
    if actor is None or not actor.is_authenticated:
        return []
    wanted = frozenset(roles) if roles is not None else None
    out: list[str] = []
    for grant in counted_grants(actor, grants_of(actor), wanted):
        if wanted is not None and grant.role not in wanted:
            continue
        unit = grant.jurisdiction.name
        if grant.department is not None:
            unit = f"{unit} {grant.department.name}"
        label = f"{unit} · {DataScope(grant.data_scope).label}" if grant.data_scope in DataScope.values else unit
        if label not in out:
            out.append(label)
    return out

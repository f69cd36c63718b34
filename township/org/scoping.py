"""Data scope: which jurisdictions an actor may read or act in.

Fail-closed: a user without grants sees no rows. Business rows carry the owning town's (or county's)
code as their tenant key (``jurisdiction``) and, where relevant, the village as an ordinary column.
A grant at a village limits the holder to rows of that village inside its town.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from township.org.models import DataScope, Jurisdiction, Level, RoleGrant, User


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


def _grants(actor: User) -> list[RoleGrant]:
    cached = getattr(actor, "_township_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=actor).select_related("jurisdiction"))
        actor._township_grants = cached  # type: ignore[attr-defined]  # per-request cache on the instance
    return cached


def grants_of(actor: User | None) -> list[RoleGrant]:
    """The actor's role grants, each with its unit (cached per request on the user instance; [] if anonymous)."""
    if actor is None or not actor.is_authenticated:
        return []
    return _grants(actor)


def clear_cache(actor: User) -> None:
    for attr in ("_township_grants", "_township_reach"):
        if hasattr(actor, attr):
            delattr(actor, attr)


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
    for grant in _grants(actor):
        if wanted is not None and grant.role not in wanted:
            continue
        jur = grant.jurisdiction
        if jur.level == Level.VILLAGE:
            villages.add((str(jur.parent_id), jur.code))
            continue
        codes.add(jur.code)
        if grant.data_scope == DataScope.UNIT_AND_BELOW:
            below_prefixes.append(jur.code)
    if below_prefixes:
        q = Q()
        for prefix in below_prefixes:
            q |= Q(code__startswith=prefix)
        codes.update(Jurisdiction.objects.filter(q).exclude(level=Level.VILLAGE).values_list("code", flat=True))
    return Reach(frozenset(codes), frozenset(villages))


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

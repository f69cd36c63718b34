"""The current unit (当前单位) chosen in the top-bar switcher, kept in the session.

Other apps read it to pre-filter their lists or to default the owning unit of new records:
    from township.org.units import current_unit
    unit = current_unit(request)   # a Jurisdiction the user holds a role in, or None (= all my units)

A list beside the unit tree (组织机构) narrows its rows with ``chosen_unit``:
    from township.org.units import chosen_unit
    unit = chosen_unit(request)            # UnitChoice: code, town, village ("" when nothing is chosen)
    rows = rows.filter(unit.q("jurisdiction", "village"))
    export_url(kind, {**filters, **unit.params})   # the export resolves it again with ``unit_for(user, code)``
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from township.org.models import Level
from township.org.scoping import reach, units_of

SESSION_KEY = "township_unit"


def _pick(user: Any, code: str) -> Any | None:
    """A unit the user holds a role in, or one inside its reach (the unit tree's towns and villages)."""
    unit = next((u for u in units_of(user) if u.code == code), None) if code else None
    if unit is None and code:
        from township.org.models import Jurisdiction

        found = Jurisdiction.objects.filter(code=code).first()
        r = reach(user)
        if found is not None and (r.covers(found.code) or r.covers(str(found.parent_id or ""), found.code)):
            unit = found
    return unit


def remember_unit(request: HttpRequest, code: str) -> Any | None:
    """Store ``code`` if the user holds a role there or reaches it; "" (or an unknown code) clears the choice."""
    unit = _pick(request.user, code)
    if unit is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = unit.code
    return unit


def current_unit(request: HttpRequest) -> Any | None:
    code = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not code:
        return None
    return _pick(request.user, code)


# --- the unit tree's choice, as a filter of a scoped list -------------------------------------------------------


@dataclass(frozen=True)
class UnitChoice:
    """The node chosen in the unit tree (组织机构) beside a list, resolved against the user's reach.

    ``code`` is the node ("" = all my units); ``town`` the tenant code its rows are keyed by (the town, or the county
    for a county node) and ``village`` the village inside that town ("" for a town or county node). A code outside
    the user's reach resolves to the empty choice: it narrows nothing and never widens the list, which the list's own
    scoping still limits.
    """

    code: str = ""
    town: str = ""
    village: str = ""
    level: str = ""

    def __bool__(self) -> bool:
        return bool(self.code)

    @property
    def params(self) -> dict[str, str]:
        """``{"unit": code}`` for an export or a pager link (the export may run later, without the session)."""
        return {"unit": self.code} if self.code else {}

    def q(self, field: str = "jurisdiction", village_field: str | None = "village") -> Q:
        """Rows of the chosen unit. ``field`` holds the tenant code (town, or county); ``village_field`` the village
        (None: the rows carry no village, so a village narrows to its town). No choice: every row (``Q()``)."""
        if not self.code:
            return Q()
        if self.village:
            q = Q(**{f"{field}_id": self.town})
            return q & Q(**{f"{village_field}_id": self.village}) if village_field else q
        if self.level == Level.TOWN:
            return Q(**{f"{field}_id": self.town})
        # A county (or above): its own rows and its towns' (a subquery on the unit table: FKs have no startswith).
        from township.org.models import Jurisdiction

        inside = Jurisdiction.objects.filter(code__startswith=self.town).values("code")
        return Q(**{f"{field}_id__in": inside})

    def codes(self, codes: Iterable[str]) -> list[str]:
        """The tenant codes among ``codes`` inside the chosen unit (all of them when nothing is chosen)."""
        if not self.code:
            return sorted(codes)
        if self.level == Level.TOWN or self.village:
            return [c for c in sorted(codes) if c == self.town]
        return [c for c in sorted(codes) if c.startswith(self.town)]


def _choice(unit: Any | None) -> UnitChoice:
    if unit is None:
        return UnitChoice()
    if unit.level == Level.VILLAGE and unit.parent_id:
        return UnitChoice(unit.code, str(unit.parent_id), unit.code, unit.level)
    if unit.level == Level.VILLAGE:  # a village without its town: nothing to key rows by — narrow to nothing
        return UnitChoice(unit.code, unit.code, unit.code, unit.level)
    return UnitChoice(unit.code, unit.code, "", unit.level)


def chosen_unit(request: HttpRequest, param: str = "unit") -> UnitChoice:
    """The unit a scoped list is narrowed to: ``?unit=<code>`` (remembered in the session; ``?unit=`` clears it),
    else the session's current unit. Validated with ``_pick`` (a unit the user holds a role in or reaches);
    anything else is ignored. Use it in every list view beside the unit tree, and pass ``.params`` to its export."""
    g = request.GET
    unit = remember_unit(request, g.get(param, "").strip()[:12]) if param in g else current_unit(request)
    return _choice(unit)


def unit_for(user: Any, code: str | None) -> UnitChoice:
    """The same choice from an export's parameters (``unit``), validated against ``user`` (no session involved)."""
    code = (code or "").strip()[:12]
    return _choice(_pick(user, code)) if code else UnitChoice()

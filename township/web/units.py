"""The current unit (当前单位) chosen in the top-bar switcher, kept in the session.

Other apps read it to pre-filter their lists or to default the owning unit of new records:
    from township.web.units import current_unit
    unit = current_unit(request)   # a Jurisdiction the user holds a role in, or None (= all my units)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

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

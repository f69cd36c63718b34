"""The current unit (当前单位) chosen in the top-bar switcher, kept in the session.

Other apps read it to pre-filter their lists or to default the owning unit of new records:
    from township.web.units import current_unit
    unit = current_unit(request)   # a Jurisdiction the user holds a role in, or None (= all my units)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from township.org.scoping import units_of

SESSION_KEY = "township_unit"


def remember_unit(request: HttpRequest, code: str) -> Any | None:
    """Store ``code`` if the user holds a role there; "" (or an unknown code) clears the choice."""
    unit = next((u for u in units_of(request.user) if u.code == code), None) if code else None
    if unit is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = unit.code
    return unit


def current_unit(request: HttpRequest) -> Any | None:
    code = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not code:
        return None
    return next((u for u in units_of(request.user) if u.code == code), None)

"""Template tags of the shell (``{% load township %}``): the role-based menu, the unit switcher and the watermark."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape

from township.core.navigation import menu_for
from township.org.scoping import units_of

register = template.Library()


@register.simple_tag
def units_for_user(user: Any) -> list[Any]:
    return units_of(user)


@register.simple_tag(takes_context=True)
def current_unit_code(context: Any) -> str:
    """The unit chosen in the switcher (kept in the session by township.web), or ""."""
    request = context.get("request")
    session = getattr(request, "session", None)
    return (session.get("township_unit") or "") if session is not None else ""


@register.simple_tag
def nav_items(user: Any, path: str = "") -> list[dict[str, Any]]:
    """Menu entries the user may see; ``active`` marks the entry owning ``path`` (longest prefix wins)."""
    items = []
    for entry in menu_for(user):
        try:
            url = reverse(entry["url_name"])
        except NoReverseMatch:
            continue
        items.append({"label": str(entry["label"]), "url": url, "active": False})
    best = None
    for item in items:
        url = item["url"]
        matches = path == url or (url != "/" and path.startswith(url))
        if matches and (best is None or len(url) > len(best["url"])):
            best = item
    if best is None and (path == "/" or path.startswith("/cases/")):
        best = next((i for i in items if i["url"] == "/"), None)
    if best is not None:
        best["active"] = True
    return items


@register.simple_tag
def watermark_url(user: Any) -> str:
    """A faint tiled watermark (name, account, unit, date) so screenshots can be traced (SPEC §7)."""
    if user is None or not user.is_authenticated:
        return ""
    units = units_of(user)
    parts = [user.display_name, user.get_username(), units[0].name if units else "", str(timezone.localdate())]
    text = escape(" ".join(p for p in parts if p))
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="360" height="220">'
        '<text x="20" y="130" transform="rotate(-18 180 110)" fill="rgba(60,70,90,0.07)" '
        f'font-size="14" font-family="sans-serif">{text}</text></svg>'
    )
    return "data:image/svg+xml;charset=utf-8," + quote(svg)

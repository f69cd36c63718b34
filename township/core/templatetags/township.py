"""Template tags of the shell: the role-based menu, the unit switcher and the warning tag."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from township.core.navigation import menu_for
from township.org.scoping import units_of

register = template.Library()


@register.simple_tag
def units_for_user(user: Any) -> list[Any]:
    return units_of(user)


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

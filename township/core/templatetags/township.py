"""Template tags of the shell: the role-based menu and the unit switcher."""

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
def nav_items(user: Any) -> list[dict[str, str]]:
    items = []
    for entry in menu_for(user):
        try:
            url = reverse(entry["url_name"])
        except NoReverseMatch:
            continue
        items.append({"label": str(entry["label"]), "url": url})
    return items

"""The left menu, by role. Apps add entries with ``register_menu`` in their AppConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise

_MENU: list[dict[str, Any]] = []


def register_menu(
    *, label: str | Promise, url_name: str, roles: tuple[str, ...] | None = None, order: int = 100
) -> None:
    """``roles=None`` shows the entry to every signed-in user; otherwise to holders of one of ``roles``."""
    if any(e["url_name"] == url_name for e in _MENU):
        return
    _MENU.append({"label": label, "url_name": url_name, "roles": roles, "order": order})
    _MENU.sort(key=lambda e: e["order"])


def menu_for(user: Any) -> list[dict[str, Any]]:
    if user is None or not user.is_authenticated:
        return []
    from township.org.scoping import _grants

    held = {g.role for g in _grants(user)}
    return [e for e in _MENU if e["roles"] is None or held.intersection(e["roles"]) or user.is_superuser]

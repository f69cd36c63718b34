"""The left menu, by role, as a tree of groups (RuoYi's 菜单树, CONVENTIONS §2).

Apps add entries with ``register_menu`` in their AppConfig.ready() (case types through ``CaseType.menu``). Each
entry belongs to a top-level group (工作台, 政务服务, 综合执法 …): the ``group`` argument, else the group this
module assigns to the entry's URL name (``ENTRY_GROUPS``, then its namespace, ``NAMESPACE_GROUPS``), else 其他.
``menu_for(user)`` gives the flat entries the user may see; ``menu_tree(user, path)`` the groups with their
reversed links, the entry owning ``path`` marked active (the breadcrumb and the page tabs read it too).
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_MENU: list[dict[str, Any]] = []

# (key, label, icon): the order of the top-level groups in the menu. The icon is a character shown when the menu
# is folded to a rail (no icon font is shipped).
GROUPS: list[tuple[str, str | Promise, str]] = [
    ("workbench", _("工作台"), "台"),
    ("my", _("办事大厅"), "办"),
    ("approval", _("政务服务"), "政"),
    ("enforcement", _("综合执法"), "执"),
    ("grid", _("网格治理"), "网"),
    ("voices", _("民生诉求"), "民"),
    ("credit", _("信用监管"), "信"),
    ("command", _("指挥调度"), "指"),
    ("stats", _("统计考核"), "统"),
    ("system", _("系统管理"), "系"),
    ("personal", _("个人中心"), "我"),
    ("other", _("其他"), "他"),
]
GROUP_KEYS = {key for key, _label, _icon in GROUPS}

# The group of a URL name where its namespace alone would put it elsewhere.
ENTRY_GROUPS: dict[str, str] = {
    "workbench": "workbench",
    "field:home": "workbench",
    "command:supervisions": "workbench",
    "command:notices": "workbench",
    "approval:portal": "my",
    "subjects:me": "my",
    "certificates:my_library": "my",
    "opinions:mine": "my",
    "petitions:notices": "my",
    "subjects:list": "approval",
    "guide:index": "approval",
    "grid:desk": "command",
    "grid:evaluation": "stats",
    "approval:ratings": "stats",
    "catalog:stats": "stats",
    "hotline:stats": "stats",
    "opinions:stats": "stats",
    "mediation:stats": "stats",
    "command:evaluation": "stats",
    "command:reviews": "stats",
    "command:accountability": "stats",
    "api-tokens": "personal",
    "password_change": "personal",
    "api:openapi-view": "personal",
    "staff-list": "system",
    "login-log": "system",
    "operation-log": "system",
    "reveal-log": "system",
    "admin:index": "system",
}
NAMESPACE_GROUPS: dict[str, str] = {
    "approval": "approval",
    "catalog": "approval",
    "certificates": "approval",
    "subjects": "approval",
    "enforcement": "enforcement",
    "grid": "grid",
    "party": "grid",
    "cameras": "grid",
    "hotline": "voices",
    "opinions": "voices",
    "petitions": "voices",
    "mediation": "voices",
    "credit": "credit",
    "command": "command",
    "system": "system",
    "monitor": "system",
    "downloads": "personal",
}


def group_of(url_name: str) -> str:
    if url_name in ENTRY_GROUPS:
        return ENTRY_GROUPS[url_name]
    namespace = url_name.split(":", 1)[0] if ":" in url_name else ""
    return NAMESPACE_GROUPS.get(namespace, "other")


def register_menu(
    *,
    label: str | Promise,
    url_name: str,
    roles: tuple[str, ...] | None = None,
    order: int = 100,
    group: str | None = None,
) -> None:
    """``roles=None`` shows the entry to every signed-in user; otherwise to holders of one of ``roles``.
    ``group``: a key of ``GROUPS`` (None: the group of the URL name, see ``group_of``)."""
    if any(e["url_name"] == url_name for e in _MENU):
        return
    if group is not None and group not in GROUP_KEYS:
        raise ValueError(f"unknown menu group {group!r}; one of {sorted(GROUP_KEYS)}")
    _MENU.append(
        {"label": label, "url_name": url_name, "roles": roles, "order": order, "group": group or group_of(url_name)}
    )
    _MENU.sort(key=lambda e: e["order"])


def menu_for(user: Any) -> list[dict[str, Any]]:
    if user is None or not user.is_authenticated:
        return []
    from township.org.scoping import _grants

    held = {g.role for g in _grants(user)}
    return [e for e in _MENU if e["roles"] is None or held.intersection(e["roles"]) or user.is_superuser]


def _owner(items: list[dict[str, Any]], path: str) -> dict[str, Any] | None:
    """The entry whose URL is the longest prefix of ``path``; the workbench owns ``/`` and the case pages."""
    best = None
    for item in items:
        url = item["url"]
        if (path == url or (url != "/" and path.startswith(url))) and (best is None or len(url) > len(best["url"])):
            best = item
    if best is None and (path == "/" or path.startswith("/cases/")):
        best = next((i for i in items if i["url"] == "/"), None)
    return best


def menu_tree(user: Any, path: str = "") -> list[dict[str, Any]]:
    """The user's menu as groups ``{key, label, icon, children, active, single}``, each child ``{label, url,
    url_name, active}``; a group with one child is ``single`` (the shell shows the child in its place)."""
    items = []
    for entry in menu_for(user):
        try:
            url = reverse(entry["url_name"])
        except NoReverseMatch:
            continue
        items.append({"label": str(entry["label"]), "url": url, "url_name": entry["url_name"], "group": entry["group"]})
    owner = _owner(items, path) if path else None
    tree = []
    for key, label, icon in GROUPS:
        children = [dict(i, active=i is owner) for i in items if i["group"] == key]
        if children:
            tree.append(
                {
                    "key": key,
                    "label": str(label),
                    "icon": icon,
                    "children": children,
                    "active": any(c["active"] for c in children),
                    "single": len(children) == 1,
                }
            )
    return tree


def trail(user: Any, path: str) -> list[tuple[str, str]]:
    """The breadcrumb of ``path`` from the menu: [(label, url)] for 首页, the group and the page ("" = no link)."""
    crumbs = [(str(_("首页")), "/")]
    for group in menu_tree(user, path):
        for child in group["children"]:
            if child["active"]:
                if child["url"] == "/" and path == "/":
                    return [*crumbs, (child["label"], "")]
                if group["label"] != child["label"]:
                    crumbs.append((group["label"], ""))
                crumbs.append((child["label"], "" if child["url"] == path else child["url"]))
                return crumbs
    return crumbs

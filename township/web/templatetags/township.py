"""Template tags of the shell (``{% load township %}``): the menu tree, the breadcrumb, the unit switcher, the unit
tree and the watermark."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from township.core.navigation import menu_tree, trail
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
def nav_tree(user: Any, path: str = "") -> list[dict[str, Any]]:
    """The user's menu tree (``township.core.navigation.menu_tree``), the group owning ``path`` open."""
    return menu_tree(user, path)


@register.simple_tag
def nav_items(user: Any, path: str = "") -> list[dict[str, Any]]:
    """The menu flattened: every entry the user may see, ``active`` on the one owning ``path``."""
    return [child for group in menu_tree(user, path) for child in group["children"]]


# --- breadcrumb --------------------------------------------------------------------------------------------------

_SEGMENT = re.compile(r"(<a\b[^>]*>.*?</a>|<span\b[^>]*>.*?</span>)", re.S | re.I)
_SEPARATOR = re.compile(r"\s+(?:/|›|»|&gt;)\s+")
_OPEN_TAG = re.compile(r"^<(a|span)\b([^>]*)>(.*)</\1>$", re.S | re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")


def crumb_segments(markup: str) -> list[tuple[str, str]]:
    """The segments of a template's breadcrumb block as [(inner HTML, href or "")], however it was written
    (``<a>首页</a><span>页</span>``, ``<a>首页</a> / 页``, ``<a>首页</a>页``): separators typed as text ("/", "›")
    and empty segments are dropped — they made "首页 / / 综合窗口 / /" (issue 16)."""
    out: list[tuple[str, str]] = []
    for piece in _SEGMENT.split(markup):
        if not piece or not piece.strip():
            continue
        tag = _OPEN_TAG.match(piece.strip())
        if tag:
            inner = tag.group(3).strip()
            href = _HREF.search(tag.group(2)) if tag.group(1).lower() == "a" else None
            if _TAGS.sub("", inner).strip(" /›»\n\t"):
                out.append((inner, href.group(2) if href else ""))
            continue
        text = piece.strip()
        text = re.sub(r"^(?:/|›|»|&gt;)\s*|\s*(?:/|›|»|&gt;)$", "", text).strip()
        for part in _SEPARATOR.split(text):
            part = part.strip()
            if part and part not in ("/", "›", "»", "&gt;"):
                out.append((part, ""))
    return out


def _text(inner: str) -> str:
    return html.unescape(_TAGS.sub("", inner)).strip()


def _render_crumbs(segments: list[tuple[str, str]]) -> SafeString:
    """Bootstrap's breadcrumb; each segment's text is escaped again (the markup of a label is not kept)."""
    rows = []
    for i, (inner, href) in enumerate(segments):
        last = i == len(segments) - 1
        if last:
            rows.append(format_html('<li class="breadcrumb-item active" aria-current="page">{}</li>', _text(inner)))
        elif href:
            rows.append(
                format_html('<li class="breadcrumb-item"><a href="{}">{}</a></li>', html.unescape(href), _text(inner))
            )
        else:
            rows.append(format_html('<li class="breadcrumb-item">{}</li>', _text(inner)))
    return format_html('<ol class="breadcrumb">{}</ol>', SafeString("".join(rows)))


def shell_breadcrumb(context: Any, markup: str) -> SafeString:
    """The top bar's breadcrumb: the template's own (``{% block breadcrumb %}``, cleaned), else the trail of the
    current path in the menu tree (首页 / 组 / 页). A template's bare "首页 / 页" gains the menu group in between."""
    request = context.get("request")
    user = context.get("user")
    path = getattr(request, "path", "") or ""
    menu = trail(user, path) if user is not None and getattr(user, "is_authenticated", False) else []
    segments = crumb_segments(markup)
    home = str(menu[0][0]) if menu else ""
    if not segments or (len(segments) == 1 and _text(segments[0][0]) == home):
        segments = [(str(escape(label)), url) for label, url in menu] or segments
    elif len(segments) == 2 and len(menu) == 3 and segments[0][1] == "/":
        group = menu[1][0]
        if all(_text(s[0]) != group for s in segments):
            segments.insert(1, (str(escape(group)), ""))
    return _render_crumbs(segments) if segments else SafeString("")


class BreadcrumbNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        return shell_breadcrumb(context, self.nodelist.render(context))


@register.tag("breadcrumb")
def do_breadcrumb(parser: Any, token: Any) -> BreadcrumbNode:
    """``{% breadcrumb %}{% block breadcrumb %}…{% endblock %}{% endbreadcrumb %}`` in templates/base.html."""
    nodelist = parser.parse(("endbreadcrumb",))
    parser.delete_first_token()
    return BreadcrumbNode(nodelist)


# --- unit tree ----------------------------------------------------------------------------------------------------


def unit_tree_for(user: Any, selected: str = "") -> list[dict[str, Any]]:
    """The units of the user's reach (``township.org.scoping.reach``: the tenant codes and the villages) as a tree
    of ``{code, name, level, link, open, selected, children}``. A town's villages are listed when the user reaches
    a single town or the town (or one of its villages) is ``selected`` — a county's hundreds of villages are not
    sent with every list. ``link`` is False on a town shown only as the parent of a village grant (choosing it
    would not narrow anything the user may see). Two queries at most."""
    from township.org.models import Jurisdiction, Level
    from township.org.scoping import reach

    if user is None or not user.is_authenticated:
        return []
    r = reach(user)
    codes = set(r.codes)
    parents_only = {town for town, _v in r.villages} - codes
    wanted = codes | parents_only | {v for _t, v in r.villages}
    if not wanted:
        return []
    units = {j.code: j for j in Jurisdiction.objects.filter(code__in=wanted).only("code", "name", "level", "parent")}
    towns = [c for c, j in units.items() if j.level == Level.TOWN and c in codes]
    sel = units.get(selected)
    expand = set(towns) if len(towns) == 1 else set()
    if selected:
        expand |= {t for t in towns if selected.startswith(t)}
    if expand:
        villages = Jurisdiction.objects.filter(parent_id__in=sorted(expand), level=Level.VILLAGE, active=True)
        for v in villages.only("code", "name", "level", "parent"):
            units.setdefault(v.code, v)
    if sel is None and selected:
        sel = units.get(selected)
    nodes: dict[str, dict[str, Any]] = {
        c: {
            "code": c,
            "name": j.name,
            "level": j.level,
            "link": c not in parents_only,
            "selected": c == selected,
            "open": bool(selected) and selected.startswith(c),
            "children": [],
        }
        for c, j in sorted(units.items())
    }
    roots = []
    for c, node in nodes.items():
        parent = str(units[c].parent_id or "")
        if parent in nodes:
            nodes[parent]["children"].append(node)
        else:
            roots.append(node)
    for node in roots:
        node["open"] = True
    return roots


@register.inclusion_tag("township/_unit_tree_nodes.html", takes_context=True)
def unit_tree(context: Any, param: str = "unit") -> dict[str, Any]:
    """The jurisdictions the user's data scope covers, county → town → village (``unit_tree_for``)."""
    request = context.get("request")
    selected = ""
    if request is not None:
        selected = request.GET.get(param, "") or (request.session.get("township_unit") or "")
    nodes = unit_tree_for(getattr(request, "user", None), selected)
    return {"nodes": nodes, "param": param, "selected": selected, "request": request}


@register.simple_tag(takes_context=True)
def unit_href(context: Any, code: str, param: str = "unit") -> str:
    """The current list's URL with ``param=code`` (other filters kept, the page cursor dropped)."""
    from django.http import QueryDict

    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key in ("cursor", "page", param):
        query.pop(key, None)
    query[param] = code or ""
    return "?" + str(query.urlencode())


@register.simple_tag
def shell_config() -> SafeString:
    """Labels (in the page's language) and asset URLs for static/township/shell.js, as a JSON script."""
    from django.templatetags.static import static
    from django.utils.html import json_script
    from django.utils.translation import gettext as _

    return json_script(
        {
            "home": _("首页"),
            "close": _("关闭"),
            "noResults": _("无匹配项"),
            "loading": _("加载中…"),
            "failed": _("操作失败，请稍后重试"),
            "siteSuffix": " · " + _("乡镇综合治理平台"),
            "tomSelectJs": static("vendor/tom-select/dist/js/tom-select.base.min.js"),
            "tomSelectCss": static("vendor/tom-select/dist/css/tom-select.bootstrap5.min.css"),
        },
        "shell-config",
    )


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

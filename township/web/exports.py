"""Exports of the web shell's lists, registered with the 下载中心 (township.downloads discovers this module):
我的待办 / 已办 / 我发起 (the workbench's case list) and 用户管理."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.cases import selectors as case_selectors
from township.cases.models import Warning
from township.cases.registry import all_machines
from township.core.identifiers import mask_phone
from township.downloads.registry import Column, choice, register_export, text
from township.org.models import Role
from township.org.scoping import reach
from township.org.units import unit_for
from township.web import selectors as web_selectors

TAB_KEYS = ("todo", "done", "mine")


def case_page(actor: Any, f: dict[str, Any], cursor: str | None, limit: int) -> case_selectors.Page:
    """One page of the workbench's list under the filter ``f`` (the page and its export read the same rows)."""
    common = {
        "actor": actor,
        "case_type": f.get("case_type") or None,
        "state": f.get("state") or None,
        "warning": f.get("warning") or None,
        "search": f.get("q") or None,
        "jurisdiction": f.get("jurisdiction") or None,
        "cursor": cursor,
        "limit": limit,
    }
    if f.get("tab", "todo") == "todo":
        return case_selectors.workbench_list(**common)
    return web_selectors.case_history_list(tab=f["tab"], **common)


class _CasePager:
    def __init__(self, user: Any, f: dict[str, Any]) -> None:
        self.user, self.f = user, f

    def fetch(self, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
        page = case_page(self.user, self.f, cursor, limit)
        return page.items, page.next_cursor


def _clean_cases(params: dict[str, Any]) -> dict[str, Any]:
    f = {
        "tab": choice(params, "tab", TAB_KEYS, _("列表")) or "todo",
        "case_type": choice(params, "case_type", [m.case_type for m in all_machines()], _("案件类型")),
        "state": text(params, "state", 64),
        "warning": choice(params, "warning", [w.value for w in Warning], _("预警")),
        "q": text(params, "q", 100),
        "unit": text(params, "unit", 20),
    }
    return {k: v for k, v in f.items() if v}


def _cases(user: Any, params: dict[str, Any]) -> _CasePager:
    f = dict(params)
    if f.get("unit"):
        # The list's unit (unit tree or switcher), resolved as the list does; outside the user's reach it is ignored.
        f["jurisdiction"] = unit_for(user, f["unit"]).town or None
    return _CasePager(user, f)


def _case_row(case: Any) -> dict[str, Any]:
    from township.web.views import _row

    cached = getattr(case, "_export_row", None)
    if cached is None:
        cached = case._export_row = _row(case, timezone.now())
    return cached


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


register_export(
    "cases",
    _("案件列表"),
    _cases,
    [
        Column("number", _("编号"), lambda c: c.number),
        Column("title", _("标题"), lambda c: c.title),
        Column("type", _("案件类型"), lambda c: _case_row(c)["type_label"]),
        Column("state", _("状态"), lambda c: _case_row(c)["state_label"]),
        Column("unit", _("单位"), lambda c: c.jurisdiction.name),
        Column("opened_at", _("受理时间"), lambda c: _local(c.opened_at)),
        Column("due_at", _("期限"), lambda c: _local(c.due_at)),
        Column("warning", _("预警"), lambda c: _case_row(c)["warning_label"]),
    ],
    clean=_clean_cases,
)


# --- 用户管理 -------------------------------------------------------------------------------------


class _UserPager:
    def __init__(self, user: Any, f: dict[str, Any]) -> None:
        self.user, self.f = user, f

    def fetch(self, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
        page = web_selectors.staff_list(
            actor=self.user,
            search=self.f.get("q") or None,
            role=self.f.get("role") or None,
            unit=self.f.get("unit") or None,
            cursor=cursor,
            limit=limit,
        )
        return page.items, page.next_cursor


def _may_export_users(user: Any) -> bool:
    r = reach(user, web_selectors.STAFF_ADMIN_ROLES)
    return bool(r.codes or r.villages)


def _clean_users(params: dict[str, Any]) -> dict[str, Any]:
    f = {
        "q": text(params, "q", 64),
        "role": choice(params, "role", Role.values, _("角色")),
        "unit": text(params, "unit", 20),
    }
    return {k: v for k, v in f.items() if v}


def _grants(u: Any) -> str:
    return "；".join(
        "·".join([g.jurisdiction.name, *([g.department.name] if g.department_id else []), str(g.get_role_display())])
        for g in getattr(u, "visible_grants", [])
    )


register_export(
    "users",
    _("用户列表"),
    lambda user, params: _UserPager(user, params),
    [
        Column("username", _("用户名"), lambda u: u.username),
        Column("full_name", _("姓名"), lambda u: u.full_name),
        Column("phone", _("手机号"), lambda u: u.phone, mask=lambda u: mask_phone(u.phone) if u.phone else ""),
        Column("grants", _("角色"), _grants),
        Column("active", _("状态"), lambda u: _("正常") if u.is_active else _("停用")),
        Column("last_login", _("最近登录"), lambda u: _local(u.last_login)),
    ],
    masked_columns=["phone"],
    clean=_clean_users,
    allowed=_may_export_users,
)

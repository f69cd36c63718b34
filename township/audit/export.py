"""The operation log as an Excel file (openpyxl, write-only, read page by page; cells never become formulas)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from township.audit.selectors import OperationFilter, change_lines_for, object_type_label, operation_log_list
from township.core.excel import append_row, workbook_bytes
from township.org.models import User

EXPORT_MAX_ROWS = 100_000


def _show(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def changes_text(lines: list[tuple[str, Any, Any]]) -> str:
    return "；".join(f"{label}: {_show(before)} → {_show(after)}" for label, before, after in lines)


def operation_log_xlsx(*, actor: User, f: OperationFilter) -> bytes:
    """At most EXPORT_MAX_ROWS rows matching ``f`` that ``actor`` (an auditor) may read, newest first."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(_("操作日志")))
    header = [_("时间"), _("登录名"), _("操作人"), _("操作人单位"), _("IP 地址"), _("来源"), _("操作")]
    ws.append([str(h) for h in [*header, _("对象类型"), _("对象ID"), _("对象"), _("变更内容")]])
    cursor: str | None = None
    written = 0
    while written < EXPORT_MAX_ROWS:
        page = operation_log_list(actor=actor, f=f, cursor=cursor, limit=200)
        for row, lines in zip(page.items, change_lines_for(page.items), strict=True):
            values = [
                timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                row.actor_username,
                row.actor_name,
                row.actor_unit,
                row.ip or "",
                str(row.get_source_display()),
                str(row.get_action_display()),
                object_type_label(row),
                row.object_id,
                row.object_repr,
                changes_text(lines),
            ]
            append_row(ws, values)
            written += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    return workbook_bytes(wb)


def reveal_log_xlsx(*, actor: User, f: OperationFilter) -> bytes:
    """个人信息查看记录 matching ``f`` as an Excel file (at most EXPORT_MAX_ROWS rows, newest first)."""
    from openpyxl import Workbook

    from township.audit.reveals import channel_label, reveal_log_list

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(_("个人信息查看记录")))
    header = (_("时间"), _("登录名"), _("查看人"), _("IP 地址"), _("途径"), _("查看对象"), _("内容"), _("党员人数"))
    ws.append([str(h) for h in header])
    cursor: str | None = None
    written = 0
    while written < EXPORT_MAX_ROWS:
        page = reveal_log_list(actor=actor, f=f, cursor=cursor, limit=200)
        for row in page.items:
            values = [
                timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                row.actor.username,
                row.actor.full_name,
                row.ip or "",
                channel_label(row.channel),
                row.target,
                row.field_label,
                "" if row.members is None else row.members,
            ]
            append_row(ws, values)
            written += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    return workbook_bytes(wb)

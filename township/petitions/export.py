"""The 信访 list as Excel (openpyxl, write-only): personal data masked; every exported item is logged."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from township.org.models import User
from township.petitions import selectors, services
from township.petitions.models import AccessKind

EXPORT_MAX_ROWS = 10_000


def _cell(ws: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"
    return cell


def petitions_xlsx(*, actor: User, f: selectors.PetitionFilter, ip: str | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(_("信访事项")))
    header = [
        _("编号"),
        _("信访事项"),
        _("类别"),
        _("信访形式"),
        _("来源"),
        _("信访人"),
        _("联系电话"),
        _("状态"),
        _("收到时间"),
        _("期限"),
    ]
    ws.append([str(h) for h in header])
    rows = selectors.petition_list(actor=actor, f=f, limit=EXPORT_MAX_ROWS)
    for p in rows:
        people = list(p.petitioners.all())
        ws.append(
            [
                _cell(ws, v)
                for v in (
                    p.case.number,
                    p.title,
                    str(p.get_category_display()),
                    str(p.get_channel_display()),
                    str(p.get_source_display()),
                    "、".join(x.masked_name for x in people) or str(_("匿名")),
                    "、".join(x.masked_phone for x in people if x.phone),
                    p.case.state_label,
                    timezone.localtime(p.received_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(p.case.due_at).strftime("%Y-%m-%d") if p.case.due_at else "",
                )
            ]
        )
        services.access_log(petition=p, actor=actor, kind=AccessKind.EXPORT, detail=str(_("导出列表")), ip=ip)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()

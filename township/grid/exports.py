"""Exports of the grid lists, registered with the 下载中心 (township.downloads discovers this module): 网格事件 as the
event list's filter shows them; the contact of a public report masked unless the user may read personal data."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.cases.models import Warning
from township.core.identifiers import mask_name, mask_phone
from township.downloads.registry import Column, choice, explicit_reveal, register_export, text
from township.grid import selectors
from township.grid.machine import S
from township.org.units import unit_for

WARNING_LABELS = dict(Warning.choices)


def event_filters(params: Any) -> dict[str, Any]:
    """The event list's filter (状态, 关键字) from query parameters; a state that is not one is a 400 on ``state``."""
    f = {
        "state": choice(params, "state", [s.value for s in S], _("状态")),
        "q": text(params, "q", 100),
        "unit": text(params, "unit", 12),
    }
    return {k: v for k, v in f.items() if v}


class EventPager:
    """The event list's rows (newest first, keyset by id), as the page reads them."""

    def __init__(self, user: Any, f: dict[str, Any]) -> None:
        self.user, self.f = user, f

    def fetch(self, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
        rows = selectors.event_list(
            actor=self.user,
            state=self.f.get("state") or None,
            q=self.f.get("q", ""),
            unit=unit_for(self.user, self.f.get("unit")),
            before_id=int(cursor) if cursor and cursor.isdigit() else None,
            limit=limit,
        )
        return rows, (str(rows[-1].pk) if len(rows) == limit else None)


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


register_export(
    "grid-events",
    _("网格事件"),
    lambda user, params: EventPager(user, params),
    [
        Column("number", _("编号"), lambda e: e.case.number),
        Column("warning", _("预警"), lambda e: WARNING_LABELS.get(e.case.warning(), "")),
        Column("event_class", _("类别"), lambda e: e.event_class.name),
        Column("source", _("来源"), lambda e: e.get_source_display()),
        Column("description", _("问题描述"), lambda e: e.description),
        Column("address", _("地址"), lambda e: e.address),
        Column("grid", _("网格"), lambda e: e.grid.name if e.grid_id else ""),
        Column("village", _("村社区"), lambda e: e.village.name if e.village_id else ""),
        Column("department", _("处置部门"), lambda e: e.department.name if e.department_id else ""),
        Column("state", _("状态"), lambda e: e.case.state_label),
        Column("reported_at", _("上报时间"), lambda e: _local(e.reported_at)),
        Column("due_at", _("期限"), lambda e: _local(e.case.due_at)),
        Column("contact_name", _("联系人"), lambda e: e.contact_name, mask=lambda e: mask_name(e.contact_name)),
        Column("contact_phone", _("联系电话"), lambda e: e.contact_phone, mask=lambda e: mask_phone(e.contact_phone)),
    ],
    masked_columns=["contact_name", "contact_phone"],
    reveal=explicit_reveal,
    clean=event_filters,
)

"""GET /api/v1/audit/operations: the operation log for the auditor (filters, keyset pages). Read-only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from township.audit import selectors
from township.audit.models import OperationLog

router = Router(tags=["audit"])


class OperationOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_username: str
    actor_name: str
    actor_unit: str
    ip: str | None
    source: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, list[object]]

    @staticmethod
    def resolve_object_type(obj: OperationLog) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class OperationPage(Schema):
    items: list[OperationOut]
    next_cursor: str | None


@router.get("/operations", response=OperationPage, summary="操作日志（审计管理员）")
def operations(
    request: HttpRequest,
    actor: str = "",
    object_type: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Newest first. ``object_type`` is ``app_label.model`` (e.g. ``org.user``); dates are Beijing days,
    both inclusive; ``q`` searches the object and the changed values; ``cursor`` is the previous page's
    ``next_cursor``. Personal data in ``changes`` is masked. 403 for anyone but the auditor."""
    selectors.require_auditor(request.user)  # type: ignore[arg-type]
    f = selectors.operation_filter(
        {
            "actor": actor,
            "object_type": object_type,
            "action": action,
            "date_from": date_from,
            "date_to": date_to,
            "q": q,
        }
    )
    page = selectors.operation_log_list(actor=request.user, f=f, cursor=cursor, limit=limit)  # type: ignore[arg-type]
    return {"items": page.items, "next_cursor": page.next_cursor}


class RevealLogOut(Schema):
    kind: str  # "personal" (主体库: resident ID, phone) or "party" (党建数据: member names, the secretary)
    id: int
    at: dt.datetime
    actor_id: int
    actor_username: str
    ip: str | None
    channel: str
    subject_id: int | None
    subject_name: str  # the subject's name, or for party rows the organisation (or how many organisations)
    org_id: int | None
    field: str  # resident_id, phone; party rows: detail, list, layer, export
    members: int | None

    @staticmethod
    def resolve_actor_id(obj: Any) -> int:
        return int(obj.actor.pk)

    @staticmethod
    def resolve_actor_username(obj: Any) -> str:
        return str(obj.actor.username)

    @staticmethod
    def resolve_subject_name(obj: Any) -> str:
        return str(obj.target_name)


class RevealLogPage(Schema):
    items: list[RevealLogOut]
    next_cursor: str | None


@router.get("/reveals", response=RevealLogPage, summary="个人信息查看记录（审计管理员）")
def reveals(
    request: HttpRequest,
    actor: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Every showing in full of a resident ID or phone number (``kind`` personal), and every showing of party data
    unmasked (``kind`` party: member names and the secretary of ``org_id``, or of a list or the map layer): who,
    when, from where, what. One stream, newest first; ``actor`` matches who looked, ``q`` the subject's or the
    organisation's name; ``cursor`` is the previous page's ``next_cursor``. 403 for anyone but the auditor."""
    from township.audit.reveals import reveal_log_list

    selectors.require_auditor(request.user)  # type: ignore[arg-type]
    f = selectors.operation_filter({"actor": actor, "date_from": date_from, "date_to": date_to, "q": q})
    page = reveal_log_list(actor=request.user, f=f, cursor=cursor, limit=limit)  # type: ignore[arg-type]
    return {"items": page.items, "next_cursor": page.next_cursor}

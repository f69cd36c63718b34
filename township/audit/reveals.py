"""个人信息查看记录: every "显示完整" of a resident ID or phone number (written by township.subjects), for the auditor.

The same reader, filters and keyset pages as the operation log; the rows themselves belong to subjects.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from township.audit.selectors import AUDIT_ROLES, MAX_ID, MAX_LIMIT, LogPage, OperationFilter, require_auditor
from township.core.errors import DomainError
from township.org.models import User
from township.org.scoping import reach
from township.subjects.selectors import reveal_log_in


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def reveal_log_qs(*, actor: User | None, f: OperationFilter) -> QuerySet[Any]:
    """The reveals in the auditor's towns matching ``f`` (``actor``: who looked; ``text``: the subject's name)."""
    require_auditor(actor)
    qs = reveal_log_in(reach(actor, AUDIT_ROLES).codes)
    if f.actor:
        qs = qs.filter(Q(actor__username__icontains=f.actor) | Q(actor__full_name__icontains=f.actor))
    if f.date_from:
        qs = qs.filter(at__gte=_local_midnight(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=_local_midnight(f.date_to + dt.timedelta(days=1)))
    if f.text:
        qs = qs.filter(subject__name__icontains=f.text)
    return qs


def reveal_log_list(*, actor: User | None, f: OperationFilter, cursor: str | None = None, limit: int = 50) -> LogPage:
    qs = reveal_log_qs(actor=actor, f=f)
    last = int(cursor) if cursor and cursor.isascii() and cursor.isdigit() and int(cursor) <= MAX_ID else None
    if cursor and last is None:
        raise DomainError("invalid", _("分页参数无效"), "cursor")
    if last is not None:
        qs = qs.filter(pk__lt=last)
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(qs[: limit + 1])
    items = rows[:limit]
    return LogPage(items=items, next_cursor=str(items[-1].pk) if len(rows) > limit and items else None)


def channel_label(channel: str) -> str:
    return {"api": _("接口"), "web": _("网页")}.get(channel, channel)

"""个人信息查看记录: every "显示完整" of a resident ID or phone number (written by township.subjects), for the auditor.

The same reader, filters and keyset pages as the operation log; the rows themselves belong to subjects.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from township.audit.selectors import (
    AUDIT_ROLES,
    LogPage,
    OperationFilter,
    keyset_page,
    local_midnight,
    require_auditor,
)
from township.org.models import User
from township.org.scoping import reach
from township.subjects.selectors import reveal_log_in


def reveal_log_qs(*, actor: User | None, f: OperationFilter) -> QuerySet[Any]:
    """The reveals in the auditor's towns matching ``f`` (``actor``: who looked; ``text``: the subject's name)."""
    require_auditor(actor)
    qs = reveal_log_in(reach(actor, AUDIT_ROLES).codes)
    if f.actor:
        qs = qs.filter(Q(actor__username__icontains=f.actor) | Q(actor__full_name__icontains=f.actor))
    if f.date_from:
        qs = qs.filter(at__gte=local_midnight(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=local_midnight(f.date_to + dt.timedelta(days=1)))
    if f.text:
        qs = qs.filter(subject__name__icontains=f.text)
    return qs


def reveal_log_list(*, actor: User | None, f: OperationFilter, cursor: str | None = None, limit: int = 50) -> LogPage:
    return keyset_page(reveal_log_qs(actor=actor, f=f), cursor=cursor, limit=limit)


def channel_label(channel: str) -> str:
    return {"api": _("接口"), "web": _("网页")}.get(channel, channel)

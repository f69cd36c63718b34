"""个人信息查看记录: every "显示完整" of a resident ID or phone number (written by township.subjects) and every showing
of party data unmasked — member names, the secretary (written by township.party; DOMAIN2 §7) — in one log for the
auditor.

The same filters as the operation log; the two sources are read newest first and merged into one keyset page
ordered by (time, source, id), so the auditor reads one stream. The rows themselves belong to subjects and party.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from township.audit.selectors import (
    AUDIT_ROLES,
    MAX_LIMIT,
    LogPage,
    OperationFilter,
    local_midnight,
    require_auditor,
)
from township.core.errors import DomainError
from township.org.models import User
from township.org.scoping import reach
from township.party.selectors import reveal_log_in as party_reveal_log_in
from township.subjects.selectors import reveal_log_in

PERSONAL, PARTY = "personal", "party"
_RANK = {PERSONAL: 0, PARTY: 1}  # at the same instant, the higher rank comes first


@dataclass(frozen=True)
class RevealRow:
    """One row of either source, as the page, the API and the export show it."""

    kind: str  # "personal" (主体库) or "party" (党建数据)
    id: int
    at: dt.datetime
    actor: Any
    ip: str | None
    channel: str
    target: str  # what was seen: the subject (masked) or the party organisation / how many organisations
    target_name: str  # the same for the API: the subject's name, the organisation's name
    subject_id: int | None
    org_id: int | None
    field: str  # resident_id, phone; or the party scope: detail, list, layer, export
    field_label: str
    members: int | None  # party rows: how many member names were shown

    @property
    def cursor(self) -> str:
        return f"{self.at.isoformat()}~{_RANK[self.kind]}~{self.id}"


def _filtered(qs: QuerySet[Any], f: OperationFilter, name_field: str) -> QuerySet[Any]:
    if f.actor:
        qs = qs.filter(Q(actor__username__icontains=f.actor) | Q(actor__full_name__icontains=f.actor))
    if f.date_from:
        qs = qs.filter(at__gte=local_midnight(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=local_midnight(f.date_to + dt.timedelta(days=1)))
    if f.text:
        qs = qs.filter(**{f"{name_field}__icontains": f.text})
    return qs


def reveal_log_qs(*, actor: User | None, f: OperationFilter) -> QuerySet[Any]:
    """The 主体库 reveals in the auditor's towns matching ``f`` (``actor``: who looked; ``text``: the subject's name)."""
    require_auditor(actor)
    return _filtered(reveal_log_in(reach(actor, AUDIT_ROLES).codes), f, "subject__name")


def party_reveal_log_qs(*, actor: User | None, f: OperationFilter) -> QuerySet[Any]:
    """The party reveals in the auditor's towns matching ``f`` (``text``: the organisation's name)."""
    require_auditor(actor)
    return _filtered(party_reveal_log_in(reach(actor, AUDIT_ROLES).codes), f, "org__name")


def _personal(r: Any) -> RevealRow:
    return RevealRow(
        kind=PERSONAL,
        id=r.pk,
        at=r.at,
        actor=r.actor,
        ip=r.ip,
        channel=r.channel,
        target=str(r.subject),
        target_name=str(r.subject.name),
        subject_id=r.subject_id,
        org_id=None,
        field=r.field,
        field_label=str(r.get_field_display()),
        members=None,
    )


def _party(r: Any) -> RevealRow:
    return RevealRow(
        kind=PARTY,
        id=r.pk,
        at=r.at,
        actor=r.actor,
        ip=r.ip,
        channel=r.channel,
        target=r.label,
        target_name=r.label,
        subject_id=None,
        org_id=r.org_id,
        field=r.scope,
        field_label=str(r.get_scope_display()),
        members=r.members,
    )


def _after(qs: QuerySet[Any], rank: int, cursor: tuple[dt.datetime, int, int] | None) -> QuerySet[Any]:
    """The rows of a source of ``rank`` that come after the cursor in the order (time, rank, id), newest first."""
    if cursor is None:
        return qs
    at, c_rank, c_id = cursor
    if rank < c_rank:
        return qs.filter(at__lte=at)
    if rank == c_rank:
        return qs.filter(Q(at__lt=at) | Q(at=at, pk__lt=c_id))
    return qs.filter(at__lt=at)


def _cursor(raw: str | None) -> tuple[dt.datetime, int, int] | None:
    if not raw:
        return None
    try:
        at, rank, pk = raw.split("~")
        parsed = (dt.datetime.fromisoformat(at), int(rank), int(pk))
    except ValueError:
        raise DomainError("invalid", _("分页参数无效"), "cursor") from None
    if parsed[0].tzinfo is None or parsed[1] not in _RANK.values() or not 0 < parsed[2] < 2**63:
        raise DomainError("invalid", _("分页参数无效"), "cursor")
    return parsed


def reveal_log_list(*, actor: User | None, f: OperationFilter, cursor: str | None = None, limit: int = 50) -> LogPage:
    """One page of both logs merged, newest first; ``cursor`` is the previous page's ``next_cursor``."""
    after = _cursor(cursor)
    limit = max(1, min(limit, MAX_LIMIT))
    sources = (
        (PERSONAL, reveal_log_qs(actor=actor, f=f), _personal),
        (PARTY, party_reveal_log_qs(actor=actor, f=f), _party),
    )
    rows: list[RevealRow] = []
    for kind, qs, wrap in sources:
        rows += [wrap(r) for r in _after(qs, _RANK[kind], after).order_by("-at", "-id")[: limit + 1]]
    rows.sort(key=lambda r: (r.at, _RANK[r.kind], r.id), reverse=True)
    items = rows[:limit]
    return LogPage(items=items, next_cursor=items[-1].cursor if len(rows) > limit and items else None)


def channel_label(channel: str) -> str:
    return {"api": _("接口"), "web": _("网页")}.get(channel, channel)

"""Queue tickets in the hall (取号 / 叫号)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from township.approval.errors import Code, denied, error
from township.approval.models import (
    QueueTicket,
    TicketStatus,
)
from township.approval.services.common import (
    CLERK_ROLES,
)
from township.core.errors import NotFound
from township.org.models import User
from township.org.scoping import has_role

# ---- queue tickets (取号 / 叫号) -----------------------------------------------------------------------


def ticket_take(*, jurisdiction: str, category: str, phone: str = "", subject: Any = None) -> QueueTicket:
    """Take a number in the hall (no login). A ``subject`` identified at the kiosk (ID card read) with credit grade A
    and not listed gets the 绿色通道: the ticket is called before the others (``credit_effects.green_lane_eligible``).
    Errors: bad_category."""
    from township.approval.credit_effects import credit_standing, green_lane_eligible
    from township.approval.models import QueueCategory

    if category not in QueueCategory.values:
        raise error(Code.BAD_CATEGORY, field="category")
    priority = False
    if subject is not None:
        standing = credit_standing(subject, with_reason=False)
        priority = green_lane_eligible(standing["grade"], standing["listed"] or standing["blacklisted"])
    now = timezone.now()
    day = timezone.localdate(now)
    for _attempt in range(10):
        last = (
            QueueTicket.objects.filter(jurisdiction_id=jurisdiction, day=day, category=category).aggregate(
                m=Max("seq")
            )["m"]
            or 0
        )
        try:
            with transaction.atomic():
                return QueueTicket.objects.create(
                    jurisdiction_id=jurisdiction,
                    day=day,
                    category=category,
                    seq=last + 1,
                    taken_at=now,
                    phone=phone,
                    priority=priority,
                )
        except IntegrityError:
            continue
    raise error(Code.TICKET_BUSY)


@transaction.atomic
def ticket_call_next(
    *, actor: User, jurisdiction: str, window: int, categories: Iterable[str] = ()
) -> QueueTicket | None:
    """Call the next ticket to window N (any clerk, any category: 综合窗口): 绿色通道 tickets first, then the
    longest-waiting."""
    if not has_role(actor, jurisdiction, CLERK_ROLES):
        raise denied(Code.PERMISSION_DENIED, variant="hall")
    now = timezone.now()
    QueueTicket.objects.filter(jurisdiction_id=jurisdiction, window=window, status=TicketStatus.CALLED).update(
        status=TicketStatus.DONE, done_at=now
    )
    qs = QueueTicket.objects.filter(
        jurisdiction_id=jurisdiction, day=timezone.localdate(now), status=TicketStatus.WAITING
    )
    cats = list(categories)
    if cats:
        qs = qs.filter(category__in=cats)
    ticket: QueueTicket
    for ticket in qs.order_by("-priority", "taken_at", "id")[:5]:
        moved = QueueTicket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED, called_at=now, window=window, clerk=actor
        )
        if moved:
            ticket.refresh_from_db()
            return ticket
    return None


def ticket_finish(*, ticket: QueueTicket, actor: User, skipped: bool = False) -> QueueTicket:
    if not has_role(actor, ticket.jurisdiction_id, CLERK_ROLES):
        raise NotFound()
    ticket.status = TicketStatus.SKIPPED if skipped else TicketStatus.DONE
    ticket.done_at = timezone.now()
    ticket.save(update_fields=["status", "done_at"])
    return ticket

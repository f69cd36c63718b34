"""Reads of credit entries.

``credit_is_blacklisted`` and ``credit_has_false_commitment`` look across every jurisdiction: a
subject's credit follows it (approval refuses 容缺 and 告知承诺 wherever the entry was written).
Staff lists are scoped by the actor.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from township.credit.models import CreditKind, CreditRecord
from township.org.models import Role
from township.subjects.models import Subject

READER_ROLES = (
    Role.WINDOW_CLERK,
    Role.APPROVER,
    Role.APPROVAL_HEAD,
    Role.ENFORCEMENT_OFFICER,
    Role.LEGAL_REVIEWER,
    Role.LEADER,
    Role.ADMINISTRATOR,
    Role.AUDITOR,
)


def _in_force(on: datetime.date) -> Q:
    start_of_next_day = timezone.make_aware(datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time()))
    return (
        Q(valid_from__lte=on)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        & (Q(repaired_at__isnull=True) | Q(repaired_at__gte=start_of_next_day))
    )


def credit_active(subject: Subject | None, kind: str, *, on: datetime.date | None = None) -> QuerySet[CreditRecord]:
    if subject is None:
        return CreditRecord.objects.none()
    return CreditRecord.objects.filter(_in_force(on or timezone.localdate()), subject=subject, kind=kind)


def credit_is_blacklisted(subject: Subject | None, on: datetime.date | None = None) -> bool:
    """On the 严重失信 list on ``on`` (default today): in force, not expired, not repaired."""
    return credit_active(subject, CreditKind.BLACKLIST, on=on).exists()


def credit_has_false_commitment(subject: Subject | None, on: datetime.date | None = None) -> bool:
    """Has a false-commitment (虚假承诺) entry in force: no 告知承诺 for this subject."""
    return credit_active(subject, CreditKind.FALSE_COMMITMENT, on=on).exists()


def credit_records_for(subject: Subject, *, actor: Any = None) -> QuerySet[CreditRecord]:
    """All entries of a subject (system use, ``actor=None``) or those written inside the actor's reach."""
    qs = CreditRecord.objects.filter(subject=subject)
    if actor is not None:
        qs = qs.for_actor(actor, READER_ROLES)
    return qs.select_related("recorded_by", "source_case", "jurisdiction").order_by("-recorded_at", "-id")


def credit_summary(subject: Subject, *, on: datetime.date | None = None) -> dict[str, Any]:
    """Flags across every jurisdiction (no record details): what other capabilities act on."""
    return {
        "blacklisted": credit_is_blacklisted(subject, on),
        "false_commitment": credit_has_false_commitment(subject, on),
        "credit_class": subject.credit_class,
        "total": CreditRecord.objects.filter(subject=subject).count(),
    }

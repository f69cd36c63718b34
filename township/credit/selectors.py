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
from django.utils.translation import gettext as _

from township.credit import grading
from township.credit.models import CreditGradeOverride, CreditGradeScheme, CreditKind, CreditRecord, OverrideStatus
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
    Role.CREDIT_OFFICER,
)


def _next_day(on: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time()))


def _in_force(on: datetime.date) -> Q:
    """Started, not expired, not repaired, publication not ended (expiry, repair or removal from the list)."""
    start_of_next_day = _next_day(on)
    return (
        Q(valid_from__lte=on)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        & (Q(repaired_at__isnull=True) | Q(repaired_at__gte=start_of_next_day))
        & (Q(publication_ended_at__isnull=True) | Q(publication_ended_at__gte=start_of_next_day))
    )


def records_in_force(on: datetime.date | None = None) -> QuerySet[CreditRecord]:
    """Every record in force on ``on`` (system use: grading, statistics)."""
    return CreditRecord.objects.filter(_in_force(on or timezone.localdate()))


def public_records(on: datetime.date | None = None) -> QuerySet[CreditRecord]:
    """What the 信用公示 shows: public records inside their publication period on ``on`` (DOMAIN2 §5.1)."""
    day = on or timezone.localdate()
    return (
        records_in_force(day)
        .filter(public=True, positive=False)
        .filter(Q(max_until__isnull=True) | Q(max_until__gte=day))
        .filter(Q(published_from__isnull=True) | Q(published_from__lte=day))
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
    # the source case may lie in a town while the county keeps the record: read by id, not joined (Citus)
    return (
        qs.select_related("recorded_by", "jurisdiction").prefetch_related("source_case").order_by("-recorded_at", "-id")
    )


def credit_summary(subject: Subject, *, on: datetime.date | None = None) -> dict[str, Any]:
    """Flags, grade and its reason across every jurisdiction (no record details): what other capabilities act on.
    Three queries: the records in force, an override, the town's scheme."""
    rows = list(records_in_force(on).filter(subject=subject).values_list("severity", "positive", "kind"))
    kinds = {kind for _s, _p, kind in rows}
    override = credit_override_in_force(subject, on)
    computed = grading.compute_grade(
        grading.counts_of((sev, pos, kind == CreditKind.BLACKLIST) for sev, pos, kind in rows),
        grade_scheme(subject.registered_in_id),
    )
    return {
        "blacklisted": CreditKind.BLACKLIST in kinds,
        "false_commitment": CreditKind.FALSE_COMMITMENT in kinds,
        "credit_class": subject.credit_class,
        "listed": CreditKind.BLACKLIST in kinds,
        "grade": override.grade if override is not None else computed.grade,
        "grade_reason": override_reason(override) if override is not None else computed.reason,
        "score": computed.score,
        "total": CreditRecord.objects.filter(subject=subject).count(),
    }


def override_reason(override: CreditGradeOverride) -> str:
    """The grade's reason when a hand-set grade is in force (approved by a second person)."""
    return _("经人工调整为%(g)s类（理由：%(r)s；已经审批）。") % {"g": override.grade, "r": override.reason}


def credit_is_listed(subject: Subject | None, on: datetime.date | None = None) -> bool:
    """On the 严重失信主体名单 on ``on`` and not removed or repaired (the BLACKLIST record the listing wrote)."""
    return credit_is_blacklisted(subject, on)


SETTING_DEFAULTS = {"statement_working_days": 5, "repair_working_days": 3}


def grade_settings(jurisdiction_id: str | None) -> dict[str, int]:
    """The grading rule and the procedural periods of the town (defaults without a ``CreditGradeScheme`` row)."""
    out = {**grading.DEFAULT_SCHEME, **SETTING_DEFAULTS}
    if jurisdiction_id:
        row = CreditGradeScheme.objects.filter(jurisdiction_id=jurisdiction_id).values(*out).first()
        if row:
            out.update(row)
    return out


def grade_scheme(jurisdiction_id: str | None) -> dict[str, int]:
    """The town's 信用分级规则 (``CreditGradeScheme``), else the defaults of ``grading.DEFAULT_SCHEME``."""
    if jurisdiction_id:
        row = CreditGradeScheme.objects.filter(jurisdiction_id=jurisdiction_id).values(*grading.SCHEME_FIELDS).first()
        if row:
            return {**grading.DEFAULT_SCHEME, **row}
    return dict(grading.DEFAULT_SCHEME)


def credit_grade_computed(subject: Subject, on: datetime.date | None = None) -> grading.Grade:
    """The grade the rule gives from the records in force on ``on`` (every jurisdiction: credit follows the subject)."""
    rows = records_in_force(on).filter(subject=subject).values_list("severity", "positive", "kind")
    counts = grading.counts_of((sev, pos, kind == CreditKind.BLACKLIST) for sev, pos, kind in rows)
    return grading.compute_grade(counts, grade_scheme(subject.registered_in_id))


def credit_override_in_force(subject: Subject, on: datetime.date | None = None) -> CreditGradeOverride | None:
    """An approved hand-set grade (two people, with a reason) in force on ``on``, the newest first."""
    day = on or timezone.localdate()
    return (
        CreditGradeOverride.objects.filter(
            subject=subject, status=OverrideStatus.APPROVED, decided_at__lt=_next_day(day)
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-decided_at", "-id")
        .first()
    )


def credit_grade(subject: Subject | None, on: datetime.date | None = None) -> str:
    """ "A"/"B"/"C"/"D": the grade computed by the rule from the records (B when nothing is known), unless an approved
    override (proposer + approver + reason) is in force. See ``township.credit.grading``."""
    if subject is None:
        return grading.DEFAULT_GRADE
    override = credit_override_in_force(subject, on)
    if override is not None:
        return override.grade
    return credit_grade_computed(subject, on).grade


def credit_grade_reason(subject: Subject | None, on: datetime.date | None = None) -> str:
    """Why the subject has its grade, in one Chinese sentence shown to clerks."""
    if subject is None:
        return _("无主体信息，按默认规则为%(g)s类。") % {"g": grading.DEFAULT_GRADE}
    override = credit_override_in_force(subject, on)
    if override is not None:
        return override_reason(override)
    return credit_grade_computed(subject, on).reason

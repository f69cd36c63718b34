"""Writes credit entries. Every entry names its writer, reason, source and the writer's jurisdiction.

Every write that changes what is in force recomputes the subject's grade (``credit_grade_recompute``): a history
row per change and ``Subject.credit_class`` updated with a queryset ``.update()``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import DomainError, PermissionRefused
from township.credit import grading, periods
from township.credit.errors import Code
from township.credit.models import (
    CreditGradeHistory,
    CreditGradeOverride,
    CreditKind,
    CreditRecord,
    CreditSeverity,
    CreditSource,
    OverrideStatus,
    PublicationEnd,
)
from township.org.models import Role
from township.org.scoping import has_role
from township.subjects.models import Subject
from township.subjects.services import subject_mark_present

WRITER_ROLES = (
    Role.WINDOW_CLERK,
    Role.APPROVER,
    Role.APPROVAL_HEAD,
    Role.ENFORCEMENT_OFFICER,
    Role.LEGAL_REVIEWER,
    Role.ADMINISTRATOR,
    Role.CREDIT_OFFICER,
    Role.LEADER,
)
REPAIR_ROLES = (Role.APPROVAL_HEAD, Role.LEGAL_REVIEWER, Role.ADMINISTRATOR, Role.CREDIT_OFFICER, Role.LEADER)
OVERRIDE_PROPOSERS = (Role.CREDIT_OFFICER, Role.ADMINISTRATOR)
OVERRIDE_APPROVERS = (Role.LEADER, Role.CREDIT_OFFICER, Role.ADMINISTRATOR)


def _source_for(kind: str, source_app: str) -> str:
    if kind == CreditKind.FALSE_COMMITMENT:
        return CreditSource.COMMITMENT
    if source_app in CreditSource.values:
        return source_app
    if source_app.startswith("credit"):
        return CreditSource.CREDIT
    return {"approval_application": CreditSource.APPROVAL, "enforcement_penalty": CreditSource.ENFORCEMENT}.get(
        source_app, CreditSource.OTHER
    )


def credit_record_create(
    *,
    subject: Subject,
    kind: str,
    reason: str,
    actor: Any,
    jurisdiction: Any,
    source_case: Any = None,
    source_app: str = "",
    source_number: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    severity: str | None = None,
    positive: bool | None = None,
    source: str | None = None,
    public: bool | None = None,
) -> CreditRecord:
    """Write one credit entry. ``actor=None`` is the system (e.g. a deemed false commitment found by a worker).

    ``source_case`` defaults the source number and app from the case. ``severity`` (minor/general/serious) defaults
    by kind (``periods.DEFAULT_SEVERITY``); ``positive`` defaults to ``kind == positive``. The publication start,
    minimum and maximum end follow NDRC Order 36 (``periods.publication_for``) from ``valid_from`` (the decision
    date); ``valid_until`` defaults to the maximum end. The subject's grade is recomputed.
    Errors: ``invalid_kind``, ``invalid_severity``, ``invalid_source``, ``reason_required``, ``invalid_validity``,
    ``permission_denied``.
    """
    if kind not in CreditKind.values:
        raise DomainError("invalid_kind", _("信用记录类别无效"), field="kind")
    is_positive = (kind == CreditKind.POSITIVE) if positive is None else bool(positive)
    if is_positive:
        severity = ""
    else:
        severity = severity or periods.DEFAULT_SEVERITY.get(kind) or CreditSeverity.GENERAL
        if severity not in CreditSeverity.values:
            raise DomainError(Code.INVALID_SEVERITY, _("失信程度须为轻微、一般或严重"), field="severity")
    if source is not None and source not in CreditSource.values:
        raise DomainError(Code.INVALID_SOURCE, _("信息来源无效"), field="source")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("请填写事由"), field="reason")
    jurisdiction_id = str(getattr(jurisdiction, "pk", jurisdiction))
    if actor is not None and not has_role(actor, jurisdiction_id, WRITER_ROLES):
        raise PermissionRefused("permission_denied", _("无权在该区划记录信用信息"))
    valid_from = valid_from or timezone.localdate()
    if valid_until is not None and valid_until < valid_from:
        raise DomainError("invalid_validity", _("有效期截止日期不能早于生效日期"), field="valid_until")
    if source_case is not None:
        source_number = source_number or source_case.number
        source_app = source_app or source_case.case_type
    publication = periods.publication_for(severity, valid_from) if severity else None
    if publication is not None and valid_until is None:
        valid_until = publication.max_until
    record = CreditRecord.objects.create(
        source=source or _source_for(kind, source_app),
        positive=is_positive,
        severity=severity,
        public=(publication.public if publication else False) if public is None else public,
        published_from=publication.start if publication else None,
        min_until=publication.min_until if publication else None,
        max_until=(min(publication.max_until, valid_until) if valid_until else publication.max_until)
        if publication
        else None,
        jurisdiction_id=jurisdiction_id,
        subject=subject,
        kind=kind,
        reason=reason,
        source_app=source_app[:32],
        source_case=source_case,
        source_number=source_number[:64],
        recorded_by=actor,
        recorded_at=timezone.now(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    subject_mark_present(subject=subject, jurisdiction=jurisdiction_id, source="credit")
    credit_grade_recompute(
        subject=subject, jurisdiction=jurisdiction_id, cause=_("新增信用记录：%(r)s") % {"r": reason[:60]}
    )
    return record


def credit_record_repair(*, record: CreditRecord, actor: Any, reason: str) -> CreditRecord:
    """信用修复: end a negative entry early, with the reason. Errors: ``reason_required``,
    ``already_repaired``, ``not_repairable`` (positive entries), ``permission_denied``."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("请填写修复理由"), field="reason")
    if actor is None or not has_role(actor, record.jurisdiction_id, REPAIR_ROLES):
        raise PermissionRefused("permission_denied", _("无权办理信用修复"))
    if record.kind not in CreditKind.negative():
        raise DomainError("not_repairable", _("守信记录无需修复"))
    if record.repaired_at is not None:
        raise DomainError("already_repaired", _("该记录已修复"))
    now = timezone.now()
    record.repaired_at = now
    record.repaired_by = actor
    record.repair_reason = reason
    record.publication_ended_at = now
    record.publication_end_reason = PublicationEnd.REPAIRED
    record.save(
        update_fields=["repaired_at", "repaired_by", "repair_reason", "publication_ended_at", "publication_end_reason"]
    )
    credit_grade_recompute(
        subject=record.subject, jurisdiction=record.jurisdiction_id, cause=_("信用修复：%(r)s") % {"r": reason[:60]}
    )
    return record


def credit_publication_end(*, record: CreditRecord, why: str, when: datetime.datetime | None = None) -> CreditRecord:
    """Stop publishing a record (period expired, removed from the list) and recompute the grade."""
    record.publication_ended_at = when or timezone.now()
    record.publication_end_reason = why
    record.save(update_fields=["publication_ended_at", "publication_end_reason"])
    credit_grade_recompute(
        subject=record.subject, jurisdiction=record.jurisdiction_id, cause=str(PublicationEnd(why).label)
    )
    return record


def credit_publications_expire(now: datetime.datetime | None = None) -> int:
    """Timed work: records past their maximum publication period leave public view by themselves (NDRC Order 36:
    at the maximum, publication stops automatically). Returns how many records ended."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    ended = 0
    due = CreditRecord.objects.filter(publication_ended_at__isnull=True, max_until__lt=today).select_related("subject")
    for record in due.iterator(chunk_size=500):
        with transaction.atomic():
            credit_publication_end(record=record, why=PublicationEnd.EXPIRED, when=now)
        ended += 1
    return ended


# --- grades ------------------------------------------------------------------------------------------------------


def credit_grade_recompute(*, subject: Subject, jurisdiction: Any = None, cause: str = "") -> str:
    """Recompute the subject's grade (override first, else the rule) and, when it changed, close the current history
    row, open a new one and write ``Subject.credit_class``. Returns the grade."""
    from township.credit.selectors import credit_grade_computed, credit_override_in_force, override_reason

    override = credit_override_in_force(subject)
    computed = credit_grade_computed(subject)
    grade = override.grade if override is not None else computed.grade
    reason = override_reason(override) if override is not None else computed.reason
    if cause:
        reason = f"{reason}（{cause}）"
    now = timezone.now()
    current = CreditGradeHistory.objects.filter(subject=subject, valid_to__isnull=True).order_by("-id").first()
    if current is None or current.grade != grade or current.override_id != (override.pk if override else None):
        jurisdiction_id = subject.registered_in_id or (str(getattr(jurisdiction, "pk", jurisdiction) or "") or None)
        if current is not None:
            CreditGradeHistory.objects.filter(pk=current.pk).update(valid_to=now)
        if jurisdiction_id:
            CreditGradeHistory.objects.create(
                jurisdiction_id=jurisdiction_id,
                subject=subject,
                grade=grade,
                previous=current.grade if current else (subject.credit_class or ""),
                score=computed.score,
                valid_from=now,
                reason=reason,
                computed_at=now,
                override=override,
            )
    if subject.credit_class != grade:
        Subject.objects.filter(pk=subject.pk).update(credit_class=grade)
        subject.credit_class = grade
    return grade


def credit_grade_override_propose(
    *,
    subject: Subject,
    grade: str,
    reason: str,
    actor: Any,
    jurisdiction: Any,
    valid_until: datetime.date | None = None,
) -> CreditGradeOverride:
    """A hand-set grade is only a proposal until a second person approves it. Errors: ``grade_invalid``,
    ``reason_required``, ``permission_denied``."""
    if grade not in ("A", "B", "C", "D"):
        raise DomainError(Code.GRADE_INVALID, _("信用等级须为A、B、C、D之一"), field="grade")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(Code.REASON_REQUIRED, _("人工调整信用等级须写明理由"), field="reason")
    jurisdiction_id = str(getattr(jurisdiction, "pk", jurisdiction))
    if actor is None or not has_role(actor, jurisdiction_id, OVERRIDE_PROPOSERS):
        raise PermissionRefused(Code.PERMISSION_DENIED, _("无权提出信用等级调整"))
    return CreditGradeOverride.objects.create(
        jurisdiction_id=jurisdiction_id,
        subject=subject,
        grade=grade,
        reason=reason,
        proposed_by=actor,
        valid_until=valid_until,
    )


def credit_grade_override_decide(
    *, override: CreditGradeOverride, actor: Any, approve: bool, note: str = ""
) -> CreditGradeOverride:
    """The second person approves or rejects. Errors: ``override_same_person`` (the proposer cannot approve his own
    proposal), ``override_decided``, ``permission_denied``."""
    if actor is None or not has_role(actor, override.jurisdiction_id, OVERRIDE_APPROVERS):
        raise PermissionRefused(Code.PERMISSION_DENIED, _("无权审批信用等级调整"))
    if override.proposed_by_id == actor.pk:
        raise DomainError(Code.OVERRIDE_SAME_PERSON, _("提出人不能审批自己提出的信用等级调整"))
    if override.status != OverrideStatus.PROPOSED:
        raise DomainError(Code.OVERRIDE_DECIDED, _("该调整已审批"))
    with transaction.atomic():
        updated = CreditGradeOverride.objects.filter(pk=override.pk, status=OverrideStatus.PROPOSED).update(
            status=OverrideStatus.APPROVED if approve else OverrideStatus.REJECTED,
            approved_by=actor,
            decided_at=timezone.now(),
            decision_note=(note or "").strip(),
        )
        if not updated:
            raise DomainError(Code.OVERRIDE_DECIDED, _("该调整已审批"))
        override.refresh_from_db()
        if approve:
            credit_grade_recompute(
                subject=override.subject, jurisdiction=override.jurisdiction_id, cause=_("人工调整已批准")
            )
    return override


def credit_grades_recompute_all(
    *, now: datetime.datetime | None = None, batch: int = 5000, everyone: bool = False
) -> dict[str, int]:
    """Recompute the grade of every subject the rule governs (with a record, an override or a grade history; with
    ``everyone`` every registered subject, those with nothing known becoming B) in bulk: one pass
    over the records in force, overrides and schemes read once, ``credit_class`` written by one ``.update()`` per
    (batch, grade), history rows closed and opened in bulk. The nightly safety net beside the per-change
    recomputation. Returns ``{"subjects": n, "changed": m}``."""
    from django.db.models import Count, Q

    from township.credit.models import CreditGradeScheme
    from township.credit.selectors import records_in_force

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    counts: dict[int, dict[str, Any]] = {}
    rows = (
        records_in_force(today)
        .values_list("subject_id", "severity", "positive", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for subject_id, severity, positive, kind, n in rows.iterator(chunk_size=batch):
        c = counts.setdefault(subject_id, {"minor": 0, "general": 0, "serious": 0, "positive": 0, "listed": False})
        if positive:
            c["positive"] += n
        else:
            c[severity or "general"] += n
            c["listed"] = c["listed"] or kind == CreditKind.BLACKLIST
    overrides = dict(
        CreditGradeOverride.objects.filter(status=OverrideStatus.APPROVED, decided_at__lte=now)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("subject_id", "decided_at", "id")
        .values_list("subject_id", "grade")
    )
    schemes = {
        row["jurisdiction_id"]: {**grading.DEFAULT_SCHEME, **{k: row[k] for k in grading.SCHEME_FIELDS}}
        for row in CreditGradeScheme.objects.values("jurisdiction_id", *grading.SCHEME_FIELDS)
    }
    governed = set(counts) | set(overrides)
    governed |= set(CreditGradeHistory.objects.filter(valid_to__isnull=True).values_list("subject_id", flat=True))
    if everyone:
        governed |= set(Subject.objects.filter(merged_into__isnull=True).values_list("id", flat=True))
    ids = sorted(governed)
    changed = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        current = dict(
            CreditGradeHistory.objects.filter(subject_id__in=chunk, valid_to__isnull=True).values_list(
                "subject_id", "grade"
            )
        )
        subjects = list(Subject.objects.filter(pk__in=chunk).values_list("id", "registered_in_id", "credit_class"))
        homeless = [pk for pk, unit, _c in subjects if not unit]
        units = (
            dict(
                CreditRecord.objects.filter(subject_id__in=homeless)
                .values_list("subject_id", "jurisdiction_id")
                .order_by()
            )
            if homeless
            else {}
        )
        by_grade: dict[str, list[int]] = {}
        history: list[CreditGradeHistory] = []
        closing: list[int] = []
        for subject_id, unit, credit_class in subjects:
            c = counts.get(subject_id, {})
            computed = grading.compute_grade(grading.Counts(**c), schemes.get(unit))
            grade = overrides.get(subject_id, computed.grade)
            if credit_class != grade:
                by_grade.setdefault(grade, []).append(subject_id)
            if current.get(subject_id) != grade:
                changed += 1
                if subject_id in current:
                    closing.append(subject_id)
                jurisdiction_id = unit or units.get(subject_id)
                if jurisdiction_id:
                    history.append(
                        CreditGradeHistory(
                            jurisdiction_id=jurisdiction_id,
                            subject_id=subject_id,
                            grade=grade,
                            previous=current.get(subject_id, credit_class or ""),
                            score=computed.score,
                            valid_from=now,
                            reason=computed.reason if subject_id not in overrides else _("经人工调整（已经审批）"),
                            computed_at=now,
                        )
                    )
        with transaction.atomic():
            for grade, pks in by_grade.items():
                Subject.objects.filter(pk__in=pks).update(credit_class=grade)
            if closing:
                CreditGradeHistory.objects.filter(subject_id__in=closing, valid_to__isnull=True).update(valid_to=now)
            CreditGradeHistory.objects.bulk_create(history, batch_size=1000)
    return {"subjects": len(ids), "changed": changed}


# The list and repair case types' steps, reachable by other capabilities through the services (the 葛店 story).
from township.credit.workflows import (  # noqa: E402, F401
    listing_decide,
    listing_notify,
    listing_propose,
    listing_statement,
    repair_accept,
    repair_apply,
    repair_decide,
    repair_review,
)

"""Writes credit entries. Every entry names its writer, reason, source and the writer's jurisdiction."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import DomainError, PermissionRefused
from township.credit.models import CreditKind, CreditRecord
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
)
REPAIR_ROLES = (Role.APPROVAL_HEAD, Role.LEGAL_REVIEWER, Role.ADMINISTRATOR)


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
) -> CreditRecord:
    """Write one credit entry. ``actor=None`` is the system (e.g. a deemed false commitment found by a worker).

    ``source_case`` defaults the source number and app from the case. Errors: ``invalid_kind``,
    ``reason_required``, ``invalid_validity``, ``permission_denied``.
    """
    if kind not in CreditKind.values:
        raise DomainError("invalid_kind", _("信用记录类别无效"), field="kind")
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
    record = CreditRecord.objects.create(
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
    record.repaired_at = timezone.now()
    record.repaired_by = actor
    record.repair_reason = reason
    record.save(update_fields=["repaired_at", "repaired_by", "repair_reason"])
    return record

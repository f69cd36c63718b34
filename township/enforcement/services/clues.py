"""Clues (案源): recorded, rejected, extended, and warned about before they are filed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.models import Case
from township.core.errors import DomainError
from township.enforcement import rules
from township.enforcement.errors import Code
from township.enforcement.models import (
    Clue,
    PartyKind,
)
from township.enforcement.services.base import (
    CASE_ROLES,
    HEAD_ROLES,
    _local_date,
    _town,
    _village,
    config_for,
    require_role,
    validate_party_id,
)
from township.org.models import Jurisdiction, Role, User
from township.org.scoping import has_role
from township.subjects.services import subject_mark_present

# ---------------------------------------------------------------------------------------------
# 4. Clues
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def clue_create(
    *,
    jurisdiction: Jurisdiction | str,
    source: str,
    summary: str,
    actor: Any,
    village: Jurisdiction | str | None = None,
    location: dict[str, Any] | None = None,
    source_case: Case | None = None,
    source_ref: str = "",
    party_kind: str = "",
    party_name: str = "",
    party_id_number: str = "",
    subject: Any = None,
    received_at: dt.datetime | None = None,
) -> Clue:
    """Register a clue (案源); it must be decided within the configured working days (default 15).
    ``actor=None`` is another app's system call. Errors: permission_denied, summary_required, source_invalid."""
    town = _town(jurisdiction)
    if actor is not None:
        require_role(actor, town.pk, CASE_ROLES + (Role.DISPATCHER, Role.APPROVER, Role.APPROVAL_HEAD))
    if source not in Clue.Source.values:
        raise DomainError(Code.SOURCE_INVALID, _("案源来源无效"), field="source")
    if not summary.strip():
        raise DomainError(Code.SUMMARY_REQUIRED, _("请填写案源摘要"), field="summary")
    party_id_number = validate_party_id(party_kind, party_id_number)
    if source_case is not None and source_case.jurisdiction_id != town.pk:
        raise DomainError(Code.SOURCE_OUTSIDE, _("来源案件不属于该单位"), field="source_case")
    received_at = received_at or timezone.now()
    decide_by = rules.agency_deadline(_local_date(received_at), config_for(town).clue_decision_working_days)
    if subject is not None:
        party_kind = party_kind or (PartyKind.PERSON if subject.kind == "person" else PartyKind.ORGANISATION)
        party_name = party_name or subject.name
        party_id_number = party_id_number or (subject.resident_id or subject.uscc or "")
    clue = Clue.objects.create(
        jurisdiction=town,
        source=source,
        summary=summary.strip(),
        village=_village(town, village),
        location=location,
        source_case=source_case,
        source_ref=source_ref or (source_case.number if source_case else ""),
        party_kind=party_kind,
        party_name=party_name,
        party_id_number=party_id_number,
        subject=subject,
        received_at=received_at,
        decide_by=decide_by,
        created_by=actor,
    )
    if subject is not None:  # the party becomes visible to the town's staff (subjects are scoped by presence)
        subject_mark_present(subject=subject, jurisdiction=town, village=clue.village_id, source="enforcement")
    return clue


def clue_create_from_grid_event(
    *,
    jurisdiction: Jurisdiction | str,
    event_case: Case,
    actor: Any,
    summary: str,
    location: dict[str, Any] | None = None,
) -> Clue:
    """Entry point for the grid app: a grid event becomes a clue (SPEC §3 capability 6)."""
    return clue_create(
        jurisdiction=jurisdiction,
        source=Clue.Source.GRID_EVENT,
        summary=summary,
        actor=actor,
        village=event_case.village_id,
        location=location,
        source_case=event_case,
    )


def clue_create_from_verification(
    *, jurisdiction: Jurisdiction | str, source_case: Case, subject: Any, actor: Any, summary: str
) -> Clue:
    """Entry point for approval: a failed post-approval verification becomes a clue (SPEC §3 capability 9)."""
    return clue_create(
        jurisdiction=jurisdiction,
        source=Clue.Source.VERIFICATION,
        summary=summary,
        actor=actor,
        village=source_case.village_id,
        source_case=source_case,
        subject=subject,
    )


def _pending_clue(clue: Clue) -> Clue:
    locked = Clue.objects.select_for_update().get(jurisdiction_id=clue.jurisdiction_id, pk=clue.pk)
    if locked.decision != Clue.Decision.PENDING:
        raise DomainError(Code.CLUE_DECIDED, _("该案源已处理"), field="decision")
    return locked


@transaction.atomic
def clue_reject(*, clue: Clue, reason: str, actor: Any) -> Clue:
    """Decide not to file (不予立案), with a reason. Errors: permission_denied, reason_required, clue_decided."""
    require_role(actor, clue.jurisdiction_id, (Role.ENFORCEMENT_OFFICER, Role.LEADER))
    if not reason.strip():
        raise DomainError(Code.REASON_REQUIRED, _("不予立案须写明理由"), field="reason")
    clue = _pending_clue(clue)
    clue.decision = Clue.Decision.NOT_FILED
    clue.decision_reason = reason.strip()
    clue.decided_by = actor
    clue.decided_at = timezone.now()
    clue.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    return clue


@transaction.atomic
def clue_extend(*, clue: Clue, days: int, reason: str, approved_by: User, actor: Any) -> Clue:
    """Extend the clue's decision period with the head's approval (SAMR rules: +15 working days)."""
    require_role(actor, clue.jurisdiction_id, (Role.ENFORCEMENT_OFFICER, Role.LEADER))
    rules.check_extension(
        approver_is_head=has_role(approved_by, clue.jurisdiction_id, HEAD_ROLES), reason=reason, days=days
    )
    clue = _pending_clue(clue)
    clue.decide_by = rules.agency_deadline(clue.decide_by, days)
    clue.decision_reason = _("延期：%(r)s（批准人：%(a)s）") % {"r": reason, "a": approved_by}
    clue.save(update_fields=["decide_by", "decision_reason"])
    return clue


def clue_warning(clue: Clue, today: dt.date | None = None) -> str:
    """green / yellow / red / overdue for the clue's decision deadline."""
    if clue.decision != Clue.Decision.PENDING:
        return "none"
    today = today or _local_date()
    left = (clue.decide_by - today).days
    if left < 0:
        return "overdue"
    if left <= 2:
        return "red"
    if left <= 5:
        return "yellow"
    return "normal"

"""执法公示: penalty decisions published within 7 working days with personal data masked, withdrawn within
3 working days when varied or annulled (行政处罚法第48条; 国办发〔2018〕118号)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import DomainError
from township.core.identifiers import mask_name, mask_resident_id
from township.enforcement import rules
from township.enforcement.models import Disclosure, PartyKind, PenaltyCase
from township.org.models import Role
from township.org.scoping import has_role

PUBLISH_ROLES = (Role.ENFORCEMENT_OFFICER, Role.LEADER, Role.LEGAL_REVIEWER)


def masked_content(pc: PenaltyCase) -> dict[str, Any]:
    """The public summary (行政处罚信息摘要): a person's name → 张*, resident ID → first 6 and last 4,
    the address only down to the village. Organisations' names and codes are public."""
    person = pc.party_kind == PartyKind.PERSON
    area = pc.village.name if pc.village_id else pc.jurisdiction.name
    return {
        "number": pc.decision_number,
        "party": mask_name(pc.party_name) if person else pc.party_name,
        "party_id": mask_resident_id(pc.party_id_number) if person else pc.party_id_number,
        "address": area,
        "facts": _mask_facts(pc),
        "penalty_types": pc.decision.get("penalty_types", []),
        "fine": pc.decision.get("fine", "0"),
        "basis": pc.decision.get("legal_basis", ""),
        "agency": pc.decision.get("agency", ""),
        "date": pc.decision.get("date", ""),
    }


def _mask_facts(pc: PenaltyCase) -> str:
    text = str(pc.decision.get("facts", ""))
    if pc.party_kind == PartyKind.PERSON:
        if pc.party_name:
            text = text.replace(pc.party_name, mask_name(pc.party_name))
        if pc.party_id_number:
            text = text.replace(pc.party_id_number, mask_resident_id(pc.party_id_number))
        if pc.party_address:
            area = pc.village.name if pc.village_id else pc.jurisdiction.name
            text = text.replace(pc.party_address, area)
    return text


def disclosure_prepare(*, penalty_case: PenaltyCase) -> Disclosure:
    """Called on decision: the disclosure is due within the configured working days (default 7)."""
    from township.enforcement.services import config_for

    days = config_for(penalty_case.jurisdiction_id).disclosure_working_days
    decided = penalty_case.decided_on or timezone.localdate()
    disclosure, _created = Disclosure.objects.get_or_create(
        jurisdiction_id=penalty_case.jurisdiction_id,
        penalty_case=penalty_case,
        defaults={"publish_by": rules.agency_deadline(decided, days), "content": masked_content(penalty_case)},
    )
    return disclosure


@transaction.atomic
def disclosure_publish(*, disclosure: Disclosure, actor: Any) -> Disclosure:
    """Publish on the portal (the masked summary). Errors: permission_denied, disclosure_published."""
    if not has_role(actor, disclosure.jurisdiction_id, PUBLISH_ROLES):
        raise DomainError("permission_denied", _("您在该单位没有执行此操作的权限"))
    d = Disclosure.objects.select_for_update().get(jurisdiction_id=disclosure.jurisdiction_id, pk=disclosure.pk)
    if d.published_at is not None:
        raise DomainError("disclosure_published", _("已公示"))
    d.content = masked_content(d.penalty_case)
    d.published_at = timezone.now()
    d.save(update_fields=["content", "published_at"])
    return d


@transaction.atomic
def disclosure_withdraw(
    *, penalty_case: PenaltyCase, reason: str, actor: Any, varied_on: dt.date | None = None
) -> Disclosure | None:
    """The decision was varied or annulled (复议、诉讼、自行纠正): withdraw the disclosure; the deadline is
    3 working days after ``varied_on`` (行政处罚法第48条). Errors: reason_required, permission_denied."""
    from township.enforcement.services import config_for

    if not has_role(actor, penalty_case.jurisdiction_id, PUBLISH_ROLES):
        raise DomainError("permission_denied", _("您在该单位没有执行此操作的权限"))
    if not reason.strip():
        raise DomainError("reason_required", _("请写明撤下原因"), field="reason")
    d = (
        Disclosure.objects.select_for_update()
        .filter(jurisdiction_id=penalty_case.jurisdiction_id, penalty_case=penalty_case)
        .first()
    )
    if d is None:
        return None
    varied_on = varied_on or timezone.localdate()
    d.withdraw_by = rules.agency_deadline(varied_on, config_for(penalty_case.jurisdiction_id).withdraw_working_days)
    d.withdrawn_at = timezone.now()
    d.withdraw_reason = reason.strip()
    d.save(update_fields=["withdraw_by", "withdrawn_at", "withdraw_reason"])
    return d


def disclosure_public_list(*, jurisdiction: str) -> Any:
    """Published, not withdrawn decisions of one jurisdiction (public; no actor needed)."""
    return Disclosure.objects.filter(
        jurisdiction_id=jurisdiction, published_at__isnull=False, withdrawn_at__isnull=True
    ).order_by("-published_at", "-id")


def disclosure_overdue_list(*, jurisdiction: str, today: dt.date | None = None) -> Any:
    today = today or timezone.localdate()
    return Disclosure.objects.filter(
        jurisdiction_id=jurisdiction, published_at__isnull=True, withdrawn_at__isnull=True, publish_by__lt=today
    )

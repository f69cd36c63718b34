"""执法公示: penalty decisions published within 7 working days with personal data masked, withdrawn within
3 working days when varied or annulled (行政处罚法第48条; 国办发〔2018〕118号)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import DomainError
from township.core.identifiers import mask_name, mask_phone, mask_resident_id
from township.enforcement import rules
from township.enforcement.errors import Code
from township.enforcement.models import Disclosure, PartyKind, PenaltyCase
from township.org.models import Role
from township.org.scoping import has_role

PUBLISH_ROLES = (Role.ENFORCEMENT_OFFICER, Role.LEADER, Role.LEGAL_REVIEWER)


def _note(**kwargs: Any) -> Any:
    from township.enforcement.services import timeline_note  # services imports this module

    return timeline_note(**kwargs)


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


RESIDENT_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _mask_facts(pc: PenaltyCase) -> str:
    """The facts as published: the person's name, ID and address, an organisation's legal representative, and any
    resident ID or mobile number written into the text are masked, whoever the party is."""
    text = str(pc.decision.get("facts", ""))
    area = pc.village.name if pc.village_id else pc.jurisdiction.name
    if pc.party_kind == PartyKind.PERSON:
        if pc.party_name:
            text = text.replace(pc.party_name, mask_name(pc.party_name))
        if pc.party_address:
            text = text.replace(pc.party_address, area)
    elif pc.party_representative:
        text = text.replace(pc.party_representative, mask_name(pc.party_representative))
    text = RESIDENT_ID_RE.sub(lambda m: mask_resident_id(m.group(0)), text)
    return MOBILE_RE.sub(lambda m: mask_phone(m.group(0)), text)


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
        raise DomainError(Code.PERMISSION_DENIED, _("您在该单位没有执行此操作的权限"))
    d = Disclosure.objects.select_for_update().get(jurisdiction_id=disclosure.jurisdiction_id, pk=disclosure.pk)
    if d.published_at is not None:
        raise DomainError(Code.DISCLOSURE_PUBLISHED, _("已公示"))
    d.content = masked_content(d.penalty_case)
    d.published_at = timezone.now()
    d.save(update_fields=["content", "published_at"])
    _note(case=d.penalty_case.case, actor=actor, name="disclosure_publish", data={"disclosure": d.pk})
    return d


@transaction.atomic
def disclosure_withdraw(
    *, penalty_case: PenaltyCase, reason: str, actor: Any, varied_on: dt.date | None = None
) -> Disclosure | None:
    """The decision was varied or annulled (复议、诉讼、自行纠正): withdraw the disclosure; the deadline is
    3 working days after ``varied_on`` (行政处罚法第48条). Errors: reason_required, permission_denied."""
    from township.enforcement.services import config_for

    if not has_role(actor, penalty_case.jurisdiction_id, PUBLISH_ROLES):
        raise DomainError(Code.PERMISSION_DENIED, _("您在该单位没有执行此操作的权限"))
    if not reason.strip():
        raise DomainError(Code.REASON_REQUIRED, _("请写明撤下原因"), field="reason")
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
    _note(
        case=penalty_case.case,
        actor=actor,
        name="disclosure_withdraw",
        data={"disclosure": d.pk, "varied_on": varied_on.isoformat(), "withdraw_by": d.withdraw_by.isoformat()},
        comment=d.withdraw_reason,
    )
    return d


# How long a decision stays on the portal (local rule under 国办发〔2018〕118号, DOMAIN §2.3): 5 years, 2 for a person.
ONLINE_YEARS_PERSON = 2
ONLINE_YEARS_ORGANISATION = 5


def disclosure_public_list(*, jurisdiction: str, now: dt.datetime | None = None) -> Any:
    """Published, not withdrawn decisions of one jurisdiction still inside their time online (public; no actor)."""
    now = now or timezone.now()
    person_since = now - dt.timedelta(days=round(365.25 * ONLINE_YEARS_PERSON))
    organisation_since = now - dt.timedelta(days=round(365.25 * ONLINE_YEARS_ORGANISATION))
    return (
        Disclosure.objects.filter(jurisdiction_id=jurisdiction, published_at__isnull=False, withdrawn_at__isnull=True)
        .filter(
            Q(penalty_case__party_kind=PartyKind.PERSON, published_at__gte=person_since)
            | (~Q(penalty_case__party_kind=PartyKind.PERSON) & Q(published_at__gte=organisation_since))
        )
        .order_by("-published_at", "-id")
    )


def disclosure_overdue_list(*, jurisdiction: str, today: dt.date | None = None) -> Any:
    today = today or timezone.localdate()
    return Disclosure.objects.filter(
        jurisdiction_id=jurisdiction, published_at__isnull=True, withdrawn_at__isnull=True, publish_by__lt=today
    )

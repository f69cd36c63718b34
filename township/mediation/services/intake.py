"""Forwarded matters (社情民意 item, 12345 order, 信访 item, grid event) becoming a mediation case (DOMAIN2 §0.1)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from township.cases.models import Case
from township.cases.types import Intake
from township.core.errors import DomainError
from township.mediation import selectors
from township.mediation.errors import Code
from township.mediation.models import DisputeType, Side, Source
from township.mediation.services.cases import mediation_register

ORIGIN_LABELS = {"opinion": "社情民意", "hotline": "12345热线", "petition": "信访", "grid": "网格事件"}


def _origin_label(case_type: str) -> str:
    for prefix, label in ORIGIN_LABELS.items():
        if case_type.startswith(prefix):
            return label
    return case_type


def mediation_intake(intake: Intake) -> Case:
    """Create a mediation case from a forwarded matter, in the village's committee; the person who raised it is
    the applicant, whose consent (and the respondent's) is still asked before mediation starts (人民调解法第17条).

    ``extra`` may carry ``dispute_type``, ``respondent_name``, ``respondent_phone``, ``claims``.
    Errors: committee_missing (no committee in that village)."""
    origin = intake.origin
    village = getattr(intake.village, "pk", intake.village) or origin.village_id
    committee = selectors.committee_for_village(jurisdiction=origin.jurisdiction_id, village=village)
    if committee is None:
        raise DomainError(
            Code.COMMITTEE_MISSING, _("该村（社区）尚未设立人民调解委员会，无法转为调解案件"), field="village"
        )
    extra: dict[str, Any] = dict(intake.extra or {})
    dispute_type = extra.get("dispute_type") or DisputeType.OTHER
    if dispute_type not in DisputeType.values:
        dispute_type = DisputeType.OTHER
    parties = []
    if intake.person_name:
        parties.append({"side": Side.APPLICANT, "name": intake.person_name, "phone": intake.person_phone})
    if extra.get("respondent_name"):
        parties.append(
            {
                "side": Side.RESPONDENT,
                "name": str(extra["respondent_name"]),
                "phone": str(extra.get("respondent_phone") or ""),
            }
        )
    summary = intake.description or intake.title
    mediation = mediation_register(
        actor=intake.actor,
        committee=committee,
        dispute_type=dispute_type,
        summary=f"（由{_origin_label(origin.case_type)} {origin.number} 转来）{summary}",
        claims=str(extra.get("claims") or ""),
        parties=parties,
        source=Source.REFERRAL,
        check_role=False,  # the forwarding case type checked its own actor; consent is asked here before mediation
    )
    return mediation.case

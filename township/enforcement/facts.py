"""What the penalty guards need to know about a case, read once from its records and handed to them as data.

``facts_of(case)`` is the case types' ``CaseType.facts``: the engine merges ``{"penalty": PenaltyFacts(...)}`` under
the data of every transition it checks (and of every dry run behind a button), so the guards in ``rules`` stay pure —
values in, a refusal out, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from township.enforcement.rules import Threshold

KEY = "penalty"


@dataclass(frozen=True)
class PenaltyFacts:
    """A snapshot of one penalty case for its guards."""

    party_kind: str
    investigators: tuple[int, ...]
    acts_count: int
    threshold: Threshold | None
    statement_working_days: int
    qualified_reviewers: frozenset[int]
    notice: dict[str, Any] = field(default_factory=dict)
    notice_served_on: dt.date | None = None
    rights_waived: bool = False
    defended: bool = False
    statement_review: str = ""
    hearing_offered: bool = False
    hearing_waived: bool = False
    hearing_requested_on: dt.date | None = None
    hearing_notice_on: dt.date | None = None
    hearing_on: dt.date | None = None
    hearing_chair_id: int | None = None
    hearing_record: str = ""
    hearing_held: bool = False
    reviewer_id: int | None = None
    review_opinion: str = ""
    review_passed: bool | None = None
    reviewed_on: dt.date | None = None
    legal_review_grounds: tuple[str, ...] = ()
    major_case: bool = False
    discussion: dict[str, Any] = field(default_factory=dict)
    decision_due: dt.date | None = None
    decision: dict[str, Any] = field(default_factory=dict)
    decided_on: dt.date | None = None
    item_types: tuple[str, ...] | None = None
    item_fine_min: Decimal | None = None
    item_fine_max: Decimal | None = None
    served_on: dt.date | None = None
    decision_service_recorded: bool = False
    fine: Decimal = Decimal("0")
    payment_due: dt.date | None = None
    payment_due_pending: bool = False
    instalment_until: dt.date | None = None
    paid_on: dt.date | None = None
    paid_fine: Decimal = Decimal("0")
    paid_late_fine: Decimal = Decimal("0")
    demand_served_on: dt.date | None = None
    closed_report: str = ""


def threshold_for(pc: Any) -> Threshold | None:
    """The unit's hearing threshold for the case's domain (行政处罚法第63条), or the law's default when none is set."""
    from township.enforcement.models import HearingThreshold

    row = HearingThreshold.objects.filter(jurisdiction_id=pc.jurisdiction_id, domain=pc.domain).first()
    if row is None:
        return None
    return Threshold(row.person_fine, row.organisation_fine, row.confiscation_value)


def statement_working_days(jurisdiction_id: str) -> int:
    from township.enforcement.models import EnforcementConfig

    cfg = EnforcementConfig.objects.filter(jurisdiction_id=jurisdiction_id).first() or EnforcementConfig()
    return int(cfg.statement_working_days)


def qualified_reviewers(jurisdiction_id: str) -> frozenset[int]:
    from township.enforcement.models import LegalReviewer

    return frozenset(
        LegalReviewer.objects.filter(jurisdiction_id=jurisdiction_id, active=True).values_list("user_id", flat=True)
    )


def penalty_facts(pc: Any) -> PenaltyFacts:
    """The facts of ``pc`` as they stand (read after the service has written the step's record)."""
    until = pc.instalments.get("until") if pc.instalments else None
    item = pc.item if pc.item_id else None
    return PenaltyFacts(
        party_kind=pc.party_kind,
        investigators=tuple(pc.investigators or ()),
        acts_count=pc.acts.count(),
        threshold=threshold_for(pc),
        statement_working_days=statement_working_days(pc.jurisdiction_id),
        qualified_reviewers=qualified_reviewers(pc.jurisdiction_id),
        notice=dict(pc.notice or {}),
        notice_served_on=pc.notice_served_on,
        rights_waived=pc.rights_waived,
        defended=pc.defended,
        statement_review=pc.statement_review,
        hearing_offered=pc.hearing_offered,
        hearing_waived=pc.hearing_waived,
        hearing_requested_on=pc.hearing_requested_on,
        hearing_notice_on=pc.hearing_notice_on,
        hearing_on=pc.hearing_on,
        hearing_chair_id=pc.hearing_chair_id,
        hearing_record=pc.hearing_record,
        hearing_held=pc.hearing_held,
        reviewer_id=pc.reviewer_id,
        review_opinion=pc.review_opinion,
        review_passed=pc.review_passed,
        reviewed_on=pc.reviewed_on,
        legal_review_grounds=tuple(pc.legal_review_grounds or ()),
        major_case=pc.major_case,
        discussion=dict(pc.discussion or {}),
        decision_due=pc.decision_due,
        decision=dict(pc.decision or {}),
        decided_on=pc.decided_on,
        item_types=tuple(item.penalty_types) if item is not None else None,
        item_fine_min=item.fine_min if item is not None else None,
        item_fine_max=item.fine_max if item is not None else None,
        served_on=pc.served_on,
        decision_service_recorded=pc.services.filter(document="decision").exists(),
        fine=pc.fine,
        payment_due=pc.payment_due,
        payment_due_pending=pc.payment_due_pending,
        instalment_until=dt.date.fromisoformat(until) if until else None,
        paid_on=pc.paid_on,
        paid_fine=pc.paid_fine,
        paid_late_fine=pc.paid_late_fine,
        demand_served_on=pc.demand_served_on,
        closed_report=pc.closed_report,
    )


def facts_of(case: Any) -> dict[str, Any]:
    """``CaseType.facts`` of both penalty case types: ``{"penalty": PenaltyFacts}``."""
    from township.cases.types import case_type_for

    return {KEY: penalty_facts(case_type_for(case.case_type).record_for(case))}

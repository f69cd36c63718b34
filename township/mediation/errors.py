"""The error codes of people's mediation (人民调解): one ``StrEnum``; the Chinese messages stay beside the rule."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    AGREEMENT_EXISTS = "agreement_exists"
    AGREEMENT_INCOMPLETE = "agreement_incomplete"
    ALREADY_SIGNED = "already_signed"
    CASE_CLOSED = "mediation_case_closed"
    COMMITTEE_INVALID = "committee_invalid"
    COMMITTEE_MISSING = "committee_missing"
    COMMITTEE_USCC_MISSING = "committee_uscc_missing"
    CONFIRMATION_LATE = "confirmation_late"
    CONFIRMATION_NOT_JOINT = "confirmation_not_joint"
    CONFIRMATION_ORAL = "confirmation_oral"
    CONSENT_MISSING = "consent_missing"
    COURT_REQUIRED = "court_required"
    MATTER_NOT_CONFIRMABLE = "matter_not_confirmable"
    MEDIATOR_MISSING = "mediator_missing"
    MEDIATOR_NOT_MEMBER = "mediator_not_member"
    MEDIATOR_RECUSED = "mediator_recused"
    NO_REFUSAL = "no_refusal"
    ORAL_INCOMPLETE = "oral_incomplete"
    PARTIES_MISSING = "parties_missing"
    PARTY_INVALID = "party_invalid"
    PHONE_INVALID = "phone_invalid"
    REASON_REQUIRED = "reason_required"
    RESIDENT_ID_INVALID = "mediation_resident_id_invalid"
    ROLE_REQUIRED = "mediation_role_required"
    ROUTES_NOT_TOLD = "routes_not_told"
    RULING_INCOMPLETE = "ruling_incomplete"
    SEAL_BEFORE_SIGNATURES = "seal_before_signatures"
    SIGNATURES_INCOMPLETE = "signatures_incomplete"
    VILLAGE_INVALID = "village_invalid"

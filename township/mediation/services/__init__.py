"""Services of people's mediation; each writes its records and fires the case type's edge in one transaction."""

from township.mediation.services.cases import (
    consent_record,
    mediation_accept,
    mediation_extend,
    mediation_register,
    mediation_withdraw,
    mediator_appoint,
    mediator_recuse,
    party_add,
    session_record,
)
from township.mediation.services.committees import committee_create, committee_set_members
from township.mediation.services.intake import mediation_intake
from township.mediation.services.outcome import (
    agreement_draft,
    agreement_oral,
    agreement_seal,
    agreement_sign,
    confirmation_apply,
    confirmation_precheck,
    mediation_archive,
    mediation_fail,
    mediation_refer_court,
    ruling_record,
)

__all__ = [
    "agreement_draft",
    "agreement_oral",
    "agreement_seal",
    "agreement_sign",
    "committee_create",
    "committee_set_members",
    "confirmation_apply",
    "confirmation_precheck",
    "consent_record",
    "mediation_accept",
    "mediation_archive",
    "mediation_extend",
    "mediation_fail",
    "mediation_intake",
    "mediation_refer_court",
    "mediation_register",
    "mediation_withdraw",
    "mediator_appoint",
    "mediator_recuse",
    "party_add",
    "ruling_record",
    "session_record",
]

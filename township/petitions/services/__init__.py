"""Writes of 信访. Every step fires the engine through the case type (``PETITION.fire``) in one transaction."""

from township.petitions.services.items import (
    petition_intake,
    petition_recuse,
    petition_register,
    petitioner_identity_keys,
)
from township.petitions.services.steps import (
    access_log,
    petition_accept,
    petition_answer_review,
    petition_assign,
    petition_conclude,
    petition_deliver,
    petition_extend,
    petition_finalize_due,
    petition_hearing,
    petition_object,
    petition_opinion,
    petition_refuse,
    petition_request_review,
    petition_transfer,
)

__all__ = [
    "access_log",
    "petition_accept",
    "petition_answer_review",
    "petition_assign",
    "petition_conclude",
    "petition_deliver",
    "petition_extend",
    "petition_finalize_due",
    "petition_hearing",
    "petition_intake",
    "petition_object",
    "petition_opinion",
    "petition_recuse",
    "petition_refuse",
    "petition_register",
    "petition_request_review",
    "petition_transfer",
    "petitioner_identity_keys",
]

"""The error codes of the credit capability: one ``StrEnum`` (a member equals its code string)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    ALREADY_REPAIRED = "already_repaired"
    GRADE_INVALID = "grade_invalid"
    INVALID_KIND = "invalid_kind"
    INVALID_SEVERITY = "invalid_severity"
    INVALID_SOURCE = "invalid_source"
    INVALID_VALIDITY = "invalid_validity"
    NOT_REPAIRABLE = "not_repairable"
    OVERRIDE_DECIDED = "override_decided"
    OVERRIDE_SAME_PERSON = "override_same_person"
    PERMISSION_DENIED = "permission_denied"
    REASON_REQUIRED = "reason_required"

"""The error codes of 社情民意 (issue 14): one ``StrEnum``; a member equals its code string."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    CATEGORY_REQUIRED = "opinion_category_required"
    CONTENT_REQUIRED = "opinion_content_required"
    CHANNEL_UNKNOWN = "opinion_channel_unknown"
    COLLECT_OUT_OF_SCOPE = "opinion_collect_out_of_scope"
    CONTACT_REQUIRED = "opinion_contact_required"
    FORWARD_TARGET_MISSING = "opinion_forward_target_missing"
    FORWARD_UNAVAILABLE = "opinion_forward_unavailable"
    OUTCOME_REQUIRED = "opinion_outcome_required"
    PHONE_INVALID = "opinion_phone_invalid"
    RATE_LIMITED = "opinion_rate_limited"
    REPLY_REQUIRED = "opinion_reply_required"
    VILLAGE_INVALID = "opinion_village_invalid"

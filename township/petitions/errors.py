"""The error codes of 信访 (one ``StrEnum``; the Chinese messages stay beside the rule that raises them)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    ACCUSED_REQUIRED = "accused_required"
    CATEGORY_INVALID = "category_invalid"
    CHANNEL_INVALID = "channel_invalid"
    DELIVERY_DATE_INVALID = "delivery_date_invalid"
    DOCUMENT_NOT_FOUND = "document_not_found"
    EXTENSION_HEAD_ONLY = "extension_head_only"
    EXTENSION_TOO_LONG = "extension_too_long"
    EXTENSION_TWICE = "extension_twice"
    ISSUER_MISSING = "issuer_missing"
    MATTER_FINALIZED = "matter_finalized"
    MATTER_REQUIRED = "matter_required"
    NOTICE_REQUIRED = "notice_required"
    OBJECTION_DIRECT = "objection_direct"
    OBJECTION_LATE = "objection_late"
    OPINION_EXISTS = "opinion_exists"
    OPINION_NOT_DELIVERED = "opinion_not_delivered"
    PETITIONER_REQUIRED = "petitioner_required"
    PETITIONERS_TOO_MANY = "petitioners_too_many"
    REASON_REQUIRED = "reason_required"
    RECUSED = "recused"
    RECUSAL_INVALID = "recusal_invalid"
    REVIEW_LATE = "review_late"
    REVIEW_NO_REPLY = "review_no_reply"
    REVIEW_WINDOW_OPEN = "review_window_open"
    SENDER_REQUIRED = "sender_required"
    TRANSFER_TARGET_REQUIRED = "transfer_target_required"
    ID_INVALID = "resident_id_invalid"
    PHONE_INVALID = "phone_invalid"

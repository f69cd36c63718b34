"""The error codes of the field app (issue 15)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    KEY_INVALID = "submission_key_invalid"
    KEY_CONFLICT = "submission_key_conflict"
    DEVICE_TIME_INVALID = "device_time_invalid"
    PHOTO_REQUIRED = "photo_required"

"""The error codes of 12345 work orders: one ``StrEnum`` (the API renders ``{"code", "message", "field"}``)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    ASSIST_INVALID = "hotline_assist_invalid"
    CALLBACK_TOO_EARLY = "hotline_callback_too_early"
    CONTENT_REQUIRED = "hotline_content_required"
    DESIGNATED_NO_RETURN = "hotline_designated_no_return"
    DUPLICATE_EXTERNAL_NO = "hotline_duplicate_external_no"
    DUTY_COUNTY = "hotline_duty_county"
    DUTY_NOT_VILLAGE = "hotline_duty_not_village"
    EXTENSION_COUNT = "hotline_extension_count"
    EXTENSION_DAYS = "hotline_extension_days"
    IMPORT_FILE = "hotline_import_file"
    IMPORT_RUNNING = "hotline_import_running"
    INSTANT_NOT_ALLOWED = "hotline_instant_not_allowed"
    NOT_IN_CHARGE = "hotline_not_in_charge"
    REASON_REQUIRED = "hotline_reason_required"
    REPLY_REQUIRED = "hotline_reply_required"
    RETURN_ONCE = "hotline_return_once"
    RETURN_WINDOW = "hotline_return_window"
    REWORK_LIMIT = "hotline_rework_limit"
    REWORK_NEEDS_UNSATISFIED = "hotline_rework_needs_unsatisfied"
    SATISFACTION_INVALID = "hotline_satisfaction_invalid"
    SETTINGS_ADMIN = "hotline_settings_admin"
    UNIT_INVALID = "hotline_unit_invalid"
    UNIT_REQUIRED = "hotline_unit_required"
    VILLAGE_INVALID = "hotline_village_invalid"

"""The enforcement app's error codes: stable strings in every refusal (``{code, message, field}``), named once.

A member equals its string (``Code.REASON_REQUIRED == "reason_required"``), so clients and tests keep comparing
strings; the services and rules raise with the members.
"""

from __future__ import annotations

import enum


class Code(enum.StrEnum):
    CLOSE_REPORT_MISSING = "close_report_missing"
    FINE_OUTSTANDING = "fine_outstanding"
    FINE_UNPAID = "fine_unpaid"
    HEARING_DATES_MISSING = "hearing_dates_missing"
    HEARING_NOT_ELIGIBLE = "hearing_not_eligible"
    HEARING_NOT_YET = "hearing_not_yet"
    HEARING_RECORD_MISSING = "hearing_record_missing"
    HEARING_REQUEST_DATE = "hearing_request_date"
    HEARING_RIGHT_NOT_TOLD = "hearing_right_not_told"
    INVESTIGATION_MISSING = "investigation_missing"
    NOTICE_NOT_SERVED = "notice_not_served"
    PAYMENT_DATE_MISSING = "payment_date_missing"
    PAYMENT_DUE_PENDING = "payment_due_pending"
    PRESERVATION_NONE_PENDING = "preservation_none_pending"
    REASON_REQUIRED = "reason_required"
    REVIEW_OPINION_MISSING = "review_opinion_missing"
    SERVICE_MISSING = "service_missing"
    NOT_COLLECTED_ON_SPOT = "not_collected_on_spot"
    ALREADY_HANDED_OVER = "already_handed_over"
    CERTIFICATE_REQUIRED = "certificate_required"
    CERTIFICATE_WITHOUT_REVOCATION = "certificate_without_revocation"

"""Approval services: the rules of 一窗受理 · 一网通办 · 一章审批 around the one case engine, by aggregate.

- ``applications``: submission (single, 一件事, every channel), acceptance, 补正, withdrawal;
- ``decisions``: special procedures, extension, 准予/不予许可, the certificate;
- ``timed``: the worker's deemed acceptance and deemed withdrawals;
- ``supervision``: 一线贯通 — the one post-approval supervision task of every decided application;
- ``verification``: the outcomes of those checks (the interface for enforcement);
- ``ratings``: 好差评 and the rectification of a bad rating;
- ``queue``: tickets in the hall;
- ``portal``: applicant accounts and notifications;
- ``common``: what they share (roles, the clock, notices, the seal, materials).

Every state change goes through the case engine, fired with the case type's authority
(``case_type_for(APPLICATION).fire(...)``; guards in ``rules.py``). Services are keyword-only, take ``actor`` and
raise ``DomainError`` / ``TransitionRefused`` with a code of ``errors.Code`` and its Chinese message. Web views,
the case type's actions and API endpoints call these and nothing else.
"""

from township.approval.services.applications import (
    application_accept,
    application_accept_gap,
    application_approve_on_commitment,
    application_bundle_submit,
    application_gap_supply,
    application_refuse,
    application_request_supplement,
    application_submit,
    application_supply,
    application_withdraw,
)
from township.approval.services.common import (
    CLERK_ROLES,
    VERIFY_ROLES,
    application_materials,
    document_seal,
    document_seal_if_possible,
    issuer_department,
    user_for_subject,
)
from township.approval.services.decisions import (
    application_approve,
    application_deny,
    application_extend,
    application_issue,
    application_special_end,
    application_special_start,
)
from township.approval.services.portal import applicant_register, notifications_mark_read
from township.approval.services.provisional import approval_provisional_dates_refresh
from township.approval.services.queue import ticket_call_next, ticket_finish, ticket_take
from township.approval.services.ratings import application_rate, rectification_callback
from township.approval.services.supervision import supervision_task_create
from township.approval.services.timed import _run_one, approval_run_timed_work
from township.approval.services.verification import verification_task_complete, verification_tasks_open

__all__ = [
    "CLERK_ROLES",
    "VERIFY_ROLES",
    "_run_one",
    "applicant_register",
    "application_accept",
    "application_accept_gap",
    "application_approve",
    "application_approve_on_commitment",
    "application_bundle_submit",
    "application_deny",
    "application_extend",
    "application_gap_supply",
    "application_issue",
    "application_materials",
    "application_rate",
    "application_refuse",
    "application_request_supplement",
    "application_special_end",
    "application_special_start",
    "application_submit",
    "application_supply",
    "application_withdraw",
    "approval_provisional_dates_refresh",
    "approval_run_timed_work",
    "document_seal",
    "document_seal_if_possible",
    "issuer_department",
    "notifications_mark_read",
    "rectification_callback",
    "supervision_task_create",
    "ticket_call_next",
    "ticket_finish",
    "ticket_take",
    "user_for_subject",
    "verification_task_complete",
    "verification_tasks_open",
]

"""The machine guards: the case's facts arrive as data (``data["penalty"]``, facts.py) and the pure rules decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.machine import needs_input
from township.enforcement.errors import Code
from township.enforcement.rules.performance import (
    check_enforcement_application,
    check_overdue,
    check_payment,
    late_fine,
)
from township.enforcement.rules.procedure import (
    check_collective_discussion,
    check_decision_date,
    check_decision_elements,
    check_decision_in_time,
    check_hearing_request,
    check_hearing_schedule,
    check_legal_review,
    check_not_heavier,
    check_notice,
    check_party_heard,
    check_party_windows,
    check_penalty_in_range,
    check_reviewer,
    check_types_within_power,
    hearing_right,
)
from township.enforcement.rules.summary import (
    check_on_spot_collection,
)

# ---------------------------------------------------------------------------------------------
# Machine guards: the case's facts arrive as data (``data["penalty"]``, see facts.py); they call the pure rules.
# A guard marked ``@needs_input`` checks what the step itself writes (a date, an opinion, a decision…); the dry run
# behind a button skips it, the others decide whether the button can succeed at all.
# ---------------------------------------------------------------------------------------------


def _f(data: dict[str, Any]) -> Any:
    return data["penalty"]


def _today(data: dict[str, Any], key: str) -> dt.date:
    from django.utils import timezone

    value = data.get(key) if data else None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return timezone.localdate()


def eligible_for_hearing(f: Any, penalty: dict[str, Any] | None = None) -> bool:
    """Whether the (intended) penalty carries the hearing right for this party (行政处罚法第63条)."""
    return hearing_right(penalty if penalty is not None else f.notice, f.party_kind, f.threshold)


def guard_investigated(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """行政处罚法第54条: the notice follows an investigation."""
    if _f(data).acts_count < 1:
        raise TransitionRefused(
            Code.INVESTIGATION_MISSING, _("尚未进行调查取证，不能告知拟处罚决定（行政处罚法第五十四条）")
        )


@needs_input
def guard_notice(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    check_types_within_power(f.notice.get("types") or [])
    check_notice(notice=f.notice, hearing_eligible=eligible_for_hearing(f), acts_count=f.acts_count)
    if f.notice_served_on is None:
        raise TransitionRefused(Code.NOTICE_NOT_SERVED, _("须记录告知书送达日期"), field="notice_served_on")


def guard_hearing_eligible(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """行政处罚法第63条: only the penalties listed there carry the hearing right."""
    if not eligible_for_hearing(_f(data)):
        raise TransitionRefused(Code.HEARING_NOT_ELIGIBLE, _("拟作出的处罚不属于听证范围（行政处罚法第六十三条）"))


@needs_input
def guard_hearing_request(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.hearing_requested_on is None:
        raise TransitionRefused(Code.HEARING_REQUEST_DATE, _("须记录听证申请日期"), field="requested_on")
    check_hearing_request(
        eligible=eligible_for_hearing(f), notice_served_on=f.notice_served_on, requested_on=f.hearing_requested_on
    )


@needs_input
def guard_hearing_schedule(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.hearing_notice_on is None or f.hearing_on is None:
        raise TransitionRefused(Code.HEARING_DATES_MISSING, _("须记录听证通知日期和听证日期"), field="hearing_on")
    check_hearing_schedule(
        notice_on=f.hearing_notice_on,
        hearing_on=f.hearing_on,
        chair_id=f.hearing_chair_id,
        investigator_ids=f.investigators,
    )


def guard_hearing_day(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """The hearing is held on or after its day (行政处罚法第64条)."""
    f = _f(data)
    if f.hearing_on and _today(data, "held_on") < f.hearing_on:
        raise TransitionRefused(Code.HEARING_NOT_YET, _("听证日期未到"), field="held_on")


@needs_input
def guard_hearing_held(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not _f(data).hearing_record.strip():
        raise TransitionRefused(
            Code.HEARING_RECORD_MISSING,
            _("听证应当制作笔录，交当事人核对无误后签字或者盖章（行政处罚法第六十四条）"),
        )


def guard_review_ready(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Who reviews (a qualified non-investigator, 行政处罚法第58条), and not before the party's windows have passed."""
    f = _f(data)
    reviewer = getattr(actor, "pk", None)
    check_reviewer(
        reviewer_id=reviewer,
        reviewer_qualified=reviewer in f.qualified_reviewers,
        investigator_ids=f.investigators,
    )
    if f.notice_served_on is not None and not f.hearing_held:
        # A review closes the case for the party's steps (a hearing can no longer be requested from 已法制审核), so it
        # waits until the statement and hearing windows have passed (行政处罚法第六十二条、第六十四条).
        check_party_windows(
            notice_served_on=f.notice_served_on,
            on=_today(data, "reviewed_on"),
            statement_days=f.statement_working_days,
            waived=f.rights_waived,
            defended=f.defended,
            hearing_eligible=eligible_for_hearing(f),
            hearing_requested=f.hearing_requested_on is not None,
            hearing_waived=f.hearing_waived,
            step="review",
        )


@needs_input
def guard_review(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.review_passed is None or not f.review_opinion.strip():
        raise TransitionRefused(Code.REVIEW_OPINION_MISSING, _("须填写法制审核意见"), field="opinion")


def guard_decide_ready(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """What must have happened before any decision (行政处罚法第57条、第58条、第60条、第62条、第64条、第65条)."""
    f = _f(data)
    decided_on = f.decided_on or _today(data, "decided_on")
    check_decision_date(decided_on=decided_on, today=_today({}, ""))  # (no pre- or back-dating past these checks)
    check_party_heard(
        notice_served_on=f.notice_served_on,
        decided_on=decided_on,
        statement_days=f.statement_working_days,
        waived=f.rights_waived,
        defended=f.defended,
        statement_reviewed=bool(f.statement_review.strip()),
        hearing_eligible=eligible_for_hearing(f),
        hearing_requested=f.hearing_requested_on is not None,
        hearing_held=f.hearing_held,
        hearing_waived=f.hearing_waived,
    )
    grounds = list(f.legal_review_grounds)
    if f.hearing_held and "major_rights_hearing" not in grounds:
        grounds.append("major_rights_hearing")
    check_legal_review(
        grounds=grounds,
        reviewer_id=f.reviewer_id,
        reviewer_qualified=f.reviewer_id in f.qualified_reviewers,
        investigator_ids=f.investigators,
        passed=f.review_passed,
    )
    check_collective_discussion(major=f.major_case, discussion=f.discussion)
    if f.decision_due is not None:
        check_decision_in_time(decided_on=decided_on, due=f.decision_due)


@needs_input
def guard_decide(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """The decision itself: dated today, within the agency's power and the item's range, not heavier than told, with
    every element of 行政处罚法第59条."""
    f = _f(data)
    decision = f.decision
    check_types_within_power(decision.get("types") or [])
    check_not_heavier(decision=decision, notice=f.notice, defended=f.defended or f.hearing_held)
    if eligible_for_hearing(f, decision) and not f.hearing_offered:
        raise TransitionRefused(
            Code.HEARING_RIGHT_NOT_TOLD,
            _("拟作出的处罚属于听证范围，但未告知当事人听证权利，应当重新告知（行政处罚法第六十三条）"),
        )
    if f.item_types is not None:
        check_penalty_in_range(
            decision=decision, item_types=list(f.item_types), fine_min=f.item_fine_min, fine_max=f.item_fine_max
        )
    check_decision_elements(decision)


@needs_input
def guard_serve(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.served_on is None or not f.decision_service_recorded:
        raise TransitionRefused(Code.SERVICE_MISSING, _("须记录决定书送达回证"), field="served_on")


def payment_due_pending_message() -> str:
    return _("缴款期限届满日所在年份的节假日安排尚未录入，期限待录入后确定；在此之前不计加处罚款，也不认定逾期")


def guard_overdue(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.payment_due_pending and not f.instalment_until:
        raise TransitionRefused(Code.PAYMENT_DUE_PENDING, payment_due_pending_message(), field="payment_due")
    check_overdue(payment_due=f.payment_due, today=_today(data, "today"), instalment_until=f.instalment_until)


@needs_input
def guard_paid(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.paid_on is None:
        raise TransitionRefused(Code.PAYMENT_DATE_MISSING, _("须记录缴款日期"), field="paid_on")
    due = f.instalment_until or f.payment_due
    late = late_fine(f.fine, due, f.paid_on) if due else Decimal("0")
    check_payment(fine=f.fine, paid=f.paid_fine, late=late, paid_late=f.paid_late_fine)


def guard_apply_enforcement(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    check_enforcement_application(
        served_on=f.served_on,
        demand_served_on=f.demand_served_on,
        applied_on=_today(data, "applied_on"),
        postponed_until=f.instalment_until,
    )


@needs_input
def guard_drop_reason(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """撤销立案 only with a written reason (Art 57: no violation, no penalty, or transfer)."""
    if not str((data or {}).get("reason", "")).strip():
        raise TransitionRefused(Code.REASON_REQUIRED, _("撤销立案须写明理由"), field="reason")


def guard_close_unpaid(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Served decisions without a fine (warning, revocation…) may close; fines must be paid or enforced."""
    if _f(data).fine > 0:
        raise TransitionRefused(Code.FINE_OUTSTANDING, _("罚款尚未缴纳，不能结案"), field="fine")


@needs_input
def guard_close_report(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not _f(data).closed_report.strip():
        raise TransitionRefused(Code.CLOSE_REPORT_MISSING, _("须填写结案报告"), field="report")


@needs_input
def guard_summary_collect(case: Any, actor: Any, data: dict[str, Any]) -> None:
    check_on_spot_collection(amount=_f(data).fine, hard_to_enforce=bool(data.get("hard_to_enforce")))


@needs_input
def guard_summary_paid(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.fine > 0 and f.paid_fine < f.fine:
        raise TransitionRefused(Code.FINE_UNPAID, _("罚款未足额缴纳"), field="paid_fine")

"""After the decision: service, payment (instalments, late fine, overdue, demand), court enforcement, close, archive, drop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.types import case_type_for
from township.core.errors import DomainError
from township.enforcement import rules
from township.enforcement.errors import Code
from township.enforcement.machine import PenaltyState
from township.enforcement.models import (
    PenaltyCase,
    ServiceRecord,
)
from township.enforcement.services.base import (
    HEAD_ROLES,
    OFFICER_ROLES,
    _local_date,
    _pc_locked,
    require_role,
    timeline_note,
)
from township.org.models import User
from township.org.scoping import has_role


@transaction.atomic
def penalty_serve(
    *,
    penalty_case: PenaltyCase,
    actor: Any,
    mode: str,
    sent_on: dt.date,
    consent_signed: bool = False,
    recipient: str = "",
    witness: str = "",
    received_on: dt.date | None = None,
) -> PenaltyCase:
    """送达决定书 (Art 61): direct, left at the address, post (served on the day on the return receipt,
    ``received_on``), electronic only with signed consent, public notice (served 30 days after publication). Payment
    falls due 15 days after service (Art 67). Errors: electronic_service_consent, service_mode_invalid,
    service_before_decision, receipt_date_required, receipt_before_sending."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES)
    if pc.decided_on is None:
        raise TransitionRefused(Code.DECISION_MISSING, _("尚未作出决定"))
    if sent_on < pc.decided_on:
        raise TransitionRefused(Code.SERVICE_BEFORE_DECISION, _("送达日期不能早于决定日期"), field="sent_on")
    if mode == ServiceRecord.Mode.LEFT and not witness.strip():
        raise DomainError(Code.WITNESS_REQUIRED, _("留置送达须有见证人或者拍照、录像记录"), field="witness")
    served = rules.service_effective_date(
        mode=mode, sent_on=sent_on, consent_signed=consent_signed, received_on=received_on
    )
    ServiceRecord.objects.create(
        jurisdiction_id=pc.jurisdiction_id,
        penalty_case=pc,
        document="decision",
        mode=mode,
        sent_on=sent_on,
        served_on=served,
        consent_signed=consent_signed,
        recipient=recipient or pc.party_name,
        witness=witness,
        recorded_by=actor,
    )
    pc.served_on = served
    pc.payment_due = rules.payment_deadline(served) if pc.fine > 0 else None
    pc.save(update_fields=["served_on", "payment_due"])
    late_service = False
    try:
        rules.check_service_in_time(decided_on=pc.decided_on, sent_on=sent_on)
    except TransitionRefused:
        late_service = True
    case_type_for(pc.case.case_type).fire(
        pc.case, "serve", actor, {"mode": mode, "served_on": served.isoformat(), "late_service": late_service}
    )
    return pc


@transaction.atomic
def penalty_instalment_approve(
    *, penalty_case: PenaltyCase, until: dt.date, approved_by: User, reason: str, actor: Any, instalments: int = 1
) -> PenaltyCase:
    """暂缓或者分期缴纳 on application and approval (Art 66). Errors: extension_invalid, extension_approver."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES + HEAD_ROLES)
    rules.check_extension(
        approver_is_head=has_role(approved_by, pc.jurisdiction_id, HEAD_ROLES), reason=reason, days=1 if until else 0
    )
    if pc.payment_due_pending:
        raise DomainError(Code.PAYMENT_DUE_PENDING, rules.payment_due_pending_message(), field="until")
    if pc.payment_due is None or until <= pc.payment_due:
        raise DomainError(Code.INSTALMENT_UNTIL, _("暂缓或分期的期限应晚于原缴款期限"), field="until")
    pc.instalments = {"until": until.isoformat(), "count": instalments, "approved_by": approved_by.pk, "reason": reason}
    pc.save(update_fields=["instalments"])
    timeline_note(case=pc.case, actor=actor, name="instalment", data=pc.instalments, comment=reason)
    return pc


def penalty_payment_due_refresh(year: int) -> int:
    """Fill in the payment deadlines left open because ``year``'s holidays were not entered when the decision was
    served (rules.payment_deadline). Runs when a holiday year is saved; returns how many cases got their date."""
    pending = PenaltyCase.objects.filter(
        payment_due__isnull=True,
        fine__gt=0,
        served_on__gte=dt.date(year - 1, 12, 1),
        served_on__lte=dt.date(year, 12, 31),
    ).select_related("case")
    filled = 0
    for pc in pending:
        due = rules.payment_deadline(pc.served_on)
        if due is None:
            continue
        with transaction.atomic():
            if not PenaltyCase.objects.filter(pk=pc.pk, payment_due__isnull=True).update(payment_due=due):
                continue
            timeline_note(
                case=pc.case,
                actor=None,
                name="payment_due_set",
                data={"payment_due": due.isoformat(), "holiday_year": year},
                comment=_("%(year)s年节假日已录入，缴款期限确定为%(due)s") % {"year": year, "due": due.isoformat()},
            )
        filled += 1
    return filled


def penalty_late_fine(penalty_case: PenaltyCase, until: dt.date | None = None) -> list[rules.LateFineDay]:
    """The late fine day by day (Art 72) from the payment deadline (or approved postponement) to ``until``."""
    if penalty_case.payment_due is None:
        return []
    due = penalty_case.payment_due
    if penalty_case.instalments.get("until"):
        due = dt.date.fromisoformat(penalty_case.instalments["until"])
    end = until or penalty_case.paid_on or _local_date()
    return rules.late_fine_schedule(penalty_case.fine, due, end)


@transaction.atomic
def penalty_mark_overdue(*, penalty_case: PenaltyCase, actor: Any, today: dt.date | None = None) -> PenaltyCase:
    """The payment period passed without payment (the worker may fire this with actor=None).
    Errors: payment_not_overdue."""
    pc = _pc_locked(penalty_case)
    case_type_for(pc.case.case_type).fire(
        pc.case, "mark_overdue", actor, {"today": (today or _local_date()).isoformat()}
    )
    return pc


@transaction.atomic
def penalty_pay(
    *, penalty_case: PenaltyCase, actor: Any, paid_on: dt.date, amount: Any, late_amount: Any = 0
) -> PenaltyCase:
    """Record the payment at the bank (Art 67); with a late payment, the capped late fine is due too (Art 72).
    Errors: fine_unpaid, late_fine_unpaid."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES)
    pc.paid_on = paid_on
    pc.paid_fine = Decimal(str(amount))
    pc.paid_late_fine = Decimal(str(late_amount or 0))
    pc.save(update_fields=["paid_on", "paid_fine", "paid_late_fine"])
    schedule = penalty_late_fine(pc, paid_on)
    case_type_for(pc.case.case_type).fire(
        pc.case,
        "pay",
        actor,
        {
            "paid_on": paid_on.isoformat(),
            "amount": str(pc.paid_fine),
            "late_fine": str(schedule[-1].total if schedule else 0),
            "late_days": len(schedule),
        },
    )
    return pc


@transaction.atomic
def penalty_demand(*, penalty_case: PenaltyCase, actor: Any, served_on: dt.date) -> PenaltyCase:
    """催告 (行政强制法第35条、第54条): a written demand to perform, served on the party. Errors: demand_state."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES + HEAD_ROLES)
    if pc.case.state != PenaltyState.OVERDUE:
        raise TransitionRefused(Code.DEMAND_STATE, _("逾期未履行的，方可催告"))
    pc.demand_served_on = served_on
    pc.save(update_fields=["demand_served_on"])
    timeline_note(case=pc.case, actor=actor, name="demand", data={"served_on": served_on.isoformat()})
    return pc


@transaction.atomic
def penalty_apply_enforcement(
    *, penalty_case: PenaltyCase, actor: Any, applied_on: dt.date | None = None, court: str = ""
) -> PenaltyCase:
    """申请人民法院强制执行 (Art 72(4); 行政强制法第53条、第54条): after a demand and 10 working days, inside the
    3-month window after the challenge periods. Errors: demand_required, demand_period_running,
    challenge_period_running, application_period_expired."""
    pc = _pc_locked(penalty_case)
    applied_on = applied_on or _local_date()
    pc.enforcement_applied_on = applied_on
    pc.save(update_fields=["enforcement_applied_on"])
    case_type_for(pc.case.case_type).fire(
        pc.case, "apply_enforcement", actor, {"court": court, "applied_on": applied_on.isoformat()}
    )
    return pc


@transaction.atomic
def penalty_close(*, penalty_case: PenaltyCase, actor: Any, report: str) -> PenaltyCase:
    """结案 with the closing report (Art 47). Errors: close_report_missing, fine_outstanding."""
    pc = _pc_locked(penalty_case)
    pc.closed_report = report
    pc.save(update_fields=["closed_report"])
    name = "close_performed" if pc.case.state == PenaltyState.SERVED else "close"
    case_type_for(pc.case.case_type).fire(pc.case, name, actor)
    return pc


@transaction.atomic
def penalty_investigate(*, penalty_case: PenaltyCase, actor: Any, comment: str = "") -> PenaltyCase:
    """开始调查 (Art 54); recording the first investigative act starts it too."""
    pc = _pc_locked(penalty_case)
    case_type_for(pc.case.case_type).fire(pc.case, "investigate", actor, comment=comment)
    return pc


@transaction.atomic
def penalty_archive(*, penalty_case: PenaltyCase, actor: Any) -> PenaltyCase:
    """归档 (Art 47): the case file (电子卷宗) is complete; the timeline is sealed by the engine."""
    pc = _pc_locked(penalty_case)
    case_type_for(pc.case.case_type).fire(pc.case, "archive", actor)
    return pc


@transaction.atomic
def penalty_drop(*, penalty_case: PenaltyCase, actor: Any, reason: str) -> PenaltyCase:
    """撤销立案 (no violation, no penalty under Art 33, or transfer). Errors: reason_required."""
    if not reason.strip():
        raise DomainError(Code.REASON_REQUIRED, _("请写明撤案理由"), field="reason")
    pc = _pc_locked(penalty_case)
    case_type_for(pc.case.case_type).fire(pc.case, "drop", actor, {"reason": reason}, comment=reason)
    return pc

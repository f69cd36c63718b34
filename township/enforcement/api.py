"""Enforcement API (/api/v1/enforcement/). Thin: selectors read, services write; errors are {"code","message","field"}."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from township.core.errors import NotFound
from township.enforcement import inspection, selectors, services
from township.enforcement.disclosure import disclosure_public_list
from township.enforcement.models import Clue, PenaltyCase

router = Router(tags=["enforcement"])


class CaseOut(Schema):
    id: int
    number: str
    state: str
    procedure: str
    domain: str
    party_name: str
    village: str | None
    filed_at: dt.datetime
    decision_due: dt.date
    fine: Decimal
    warning: str


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class CaseDetailOut(CaseOut):
    facts: str
    notice: dict[str, Any]
    decision: dict[str, Any]
    served_on: dt.date | None
    payment_due: dt.date | None
    payment_due_pending: bool
    paid_on: dt.date | None
    legal_review_grounds: list[str]
    major_case: bool
    defended: bool
    rights_waived: bool
    hearing_waived: bool


class LateFineDayOut(Schema):
    day: dt.date
    amount: Decimal
    total: Decimal
    capped: bool


class FileIn(Schema):
    jurisdiction: str
    approved_by: int
    party_kind: str
    party_name: str
    party_id_number: str = ""
    party_address: str = ""
    act_date: dt.date
    act_ended_on: dt.date | None = None
    domain: str
    investigators: list[int]
    facts: str = ""
    clue: int | None = None
    item: int | None = None
    life_health_finance: bool | None = None
    legal_review_grounds: list[str] = []
    major_case: bool = False


class ActIn(Schema):
    kind: str
    at: dt.datetime
    place: str
    officers: list[int]
    summary: str = ""


class NoticeIn(Schema):
    types: list[str]
    fine: Decimal = Decimal("0")
    facts: str
    reasons: str
    basis: str
    served_on: dt.date
    mode: str = "direct"
    consent_signed: bool = False
    received_on: dt.date | None = None


class DecideIn(Schema):
    types: list[str]
    fine: Decimal = Decimal("0")
    decided_on: dt.date | None = None


class ServeIn(Schema):
    mode: str
    sent_on: dt.date
    consent_signed: bool = False
    recipient: str = ""
    witness: str = ""
    received_on: dt.date | None = None


class PayIn(Schema):
    paid_on: dt.date
    amount: Decimal
    late_amount: Decimal = Decimal("0")


class CloseIn(Schema):
    report: str


class ClueIn(Schema):
    jurisdiction: str
    source: str
    summary: str
    village: str | None = None
    party_kind: str = ""
    party_name: str = ""
    party_id_number: str = ""


class ClueOut(Schema):
    id: int
    source: str
    summary: str
    village: str | None
    received_at: dt.datetime
    decide_by: dt.date
    decision: str
    decision_reason: str


class ReasonIn(Schema):
    reason: str


class PlanOut(Schema):
    id: int
    number: str
    name: str
    status: str
    seed: str
    pool_hash: str
    result_hash: str
    visits: int


class VerifyOut(Schema):
    ok: bool
    problems: list[str]


class DisclosureOut(Schema):
    number: str
    party: str
    party_id: str
    address: str
    penalty_types: list[str]
    fine: str
    basis: str
    agency: str
    date: str


def _case_out(pc: PenaltyCase) -> dict[str, Any]:
    return {
        "id": pc.pk,
        "number": pc.case.number,
        "state": pc.case.state,
        "procedure": pc.procedure,
        "domain": pc.domain,
        "party_name": pc.party_name,
        "village": pc.village_id,
        "filed_at": pc.filed_at,
        "decision_due": pc.decision_due,
        "fine": pc.fine,
        "warning": selectors.penalty_warning(pc),
    }


def _detail(pc: PenaltyCase) -> dict[str, Any]:
    return {
        **_case_out(pc),
        "facts": pc.facts,
        "notice": pc.notice,
        "decision": pc.decision,
        "served_on": pc.served_on,
        "payment_due": pc.payment_due,
        "payment_due_pending": pc.payment_due_pending,
        "paid_on": pc.paid_on,
        "legal_review_grounds": pc.legal_review_grounds,
        "major_case": pc.major_case,
        "defended": pc.defended,
        "rights_waived": pc.rights_waived,
        "hearing_waived": pc.hearing_waived,
    }


def _clue_out(c: Clue) -> dict[str, Any]:
    return {
        "id": c.pk,
        "source": c.source,
        "summary": c.summary,
        "village": c.village_id,
        "received_at": c.received_at,
        "decide_by": c.decide_by,
        "decision": c.decision,
        "decision_reason": c.decision_reason,
    }


def _pc(request: HttpRequest, pk: int) -> PenaltyCase:
    return selectors.penalty_case_get(actor=request.user, pk=pk)


@router.get("/cases", response=CasePage)
def list_cases(
    request: HttpRequest,
    state: str = "",
    procedure: str = "",
    domain: str = "",
    warning: str = "",
    q: str = "",
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Penalty cases in the caller's reach, newest first (keyset: ``cursor``)."""
    f = {"state": state, "procedure": procedure, "domain": domain, "warning": warning, "q": q}
    page = selectors.penalty_case_page(actor=request.user, filters=f, cursor=cursor, limit=max(1, min(limit, 200)))
    return {"items": [_case_out(pc) for pc in page.rows], "next_cursor": page.next_cursor}


@router.get("/cases/{pk}", response=CaseDetailOut)
def get_case(request: HttpRequest, pk: int) -> dict[str, Any]:
    """One case. Errors: not_found (404)."""
    return _detail(_pc(request, pk))


@router.get("/cases/{pk}/late-fine", response=list[LateFineDayOut])
def late_fine(request: HttpRequest, pk: int, until: dt.date | None = None) -> list[Any]:
    """The late fine day by day (3 % a day, capped at the fine; Art 72). Errors: not_found."""
    return [d.__dict__ for d in services.penalty_late_fine(_pc(request, pk), until)]


@router.post("/cases", response={201: CaseDetailOut})
def file_case(request: HttpRequest, payload: FileIn) -> Status:
    """立案. Errors: permission_denied, user_not_found (an approver outside the unit), filing_approver, limitation_expired,
    two_officers_required, credential_invalid, clue_decided, not_found."""
    data = payload.dict()
    clue_id = data.pop("clue")
    clue = selectors.clue_get(actor=request.user, pk=clue_id) if clue_id else None
    approver = selectors.staff_user(jurisdiction=data["jurisdiction"], pk=data.pop("approved_by"))
    data["item"] = selectors.penalty_item_in(jurisdiction=data["jurisdiction"], pk=data.pop("item"))
    pc = services.penalty_case_file(actor=request.user, approved_by=approver, clue=clue, **data)
    return Status(201, _detail(pc))


@router.post("/cases/{pk}/acts", response={201: dict})
def record_act(request: HttpRequest, pk: int, payload: ActIn) -> Status:
    """An investigative act by ≥ 2 credentialed officers. Errors: two_officers_required, credential_invalid, act_state."""
    act = services.penalty_act_record(penalty_case=_pc(request, pk), actor=request.user, **payload.dict())
    return Status(201, {"id": act.pk, "credentials": act.credential_numbers})


@router.post("/cases/{pk}/notice", response=CaseDetailOut)
def notice(request: HttpRequest, pk: int, payload: NoticeIn) -> dict[str, Any]:
    """事先告知 (post: ``received_on`` from the return receipt). Errors: investigation_missing, notice_incomplete,
    notice_rights_missing, electronic_service_consent, receipt_date_required, detention_not_allowed."""
    return _detail(services.penalty_notice(penalty_case=_pc(request, pk), actor=request.user, **payload.dict()))


class StatementIn(Schema):
    statement: str = ""
    review: str = ""
    waived: bool = False
    hearing_waived: bool = False


class ReviewGroundsIn(Schema):
    grounds: list[str] = []
    major_case: bool = False
    reason: str = ""


@router.post("/cases/{pk}/statement", response=CaseDetailOut)
def statement(request: HttpRequest, pk: int, payload: StatementIn) -> dict[str, Any]:
    """陈述申辩 with the agency's 复核, or an express waiver; ``hearing_waived`` records a written waiver of the hearing.
    Errors: notice_required, statement_required."""
    return _detail(
        services.penalty_statement_record(penalty_case=_pc(request, pk), actor=request.user, **payload.dict())
    )


@router.post("/cases/{pk}/review-grounds", response=CaseDetailOut)
def review_grounds(request: HttpRequest, pk: int, payload: ReviewGroundsIn) -> dict[str, Any]:
    """The Art 58 situations requiring 法制审核 and the major-case flag (集体讨论), before the decision. Errors:
    review_ground_invalid, decision_made, reason_required, permission_denied."""
    return _detail(
        services.penalty_review_grounds_set(penalty_case=_pc(request, pk), actor=request.user, **payload.dict())
    )


class WithdrawIn(Schema):
    reason: str
    varied_on: dt.date | None = None


class DisclosureStateOut(Schema):
    published_at: dt.datetime | None
    withdraw_by: dt.date | None
    withdrawn_at: dt.datetime | None
    withdraw_reason: str


@router.post("/cases/{pk}/disclosure/withdraw", response=DisclosureStateOut)
def withdraw_disclosure(request: HttpRequest, pk: int, payload: WithdrawIn) -> Any:
    """The decision was varied or annulled: take the published decision down (within 3 working days of
    ``varied_on``, Art 48). Errors: reason_required, permission_denied, not_found (no disclosure)."""
    from township.enforcement.disclosure import disclosure_withdraw

    d = disclosure_withdraw(penalty_case=_pc(request, pk), actor=request.user, **payload.dict())
    if d is None:
        raise NotFound()
    return d


class PreservationIn(Schema):
    goods: str
    started_on: dt.date
    approved_by: int
    officers: list[int]
    place: str = ""


class PreservationDecideIn(Schema):
    outcome: str
    decided_on: dt.date


class PreservationOut(Schema):
    id: int
    goods: str
    started_on: dt.date
    decide_by: dt.date
    outcome: str
    decided_on: dt.date | None


class InstalmentIn(Schema):
    until: dt.date
    approved_by: int
    reason: str
    instalments: int = 1


@router.post("/cases/{pk}/preservations", response={201: PreservationOut})
def start_preservation(request: HttpRequest, pk: int, payload: PreservationIn) -> Status:
    """先行登记保存 with the head's approval by two credentialed officers; decided within 7 working days (Art 56).
    Errors: preservation_approver, two_officers_required, credential_invalid, user_not_found."""
    pc = _pc(request, pk)
    data = payload.dict()
    data["approved_by"] = selectors.staff_user(jurisdiction=pc.jurisdiction_id, pk=data["approved_by"])
    return Status(201, services.preservation_start(penalty_case=pc, actor=request.user, **data))


@router.post("/cases/{pk}/preservations/{preservation_id}/decide", response=PreservationOut)
def decide_preservation(request: HttpRequest, pk: int, preservation_id: int, payload: PreservationDecideIn) -> Any:
    """The decision on preserved goods; after 7 working days only a release (Art 56). Errors: preservation_overdue,
    preservation_outcome, preservation_decided, not_found."""
    p = selectors.preservation_pending_get(penalty_case=_pc(request, pk), pk=preservation_id)
    return services.preservation_decide(preservation=p, actor=request.user, **payload.dict())


@router.post("/cases/{pk}/instalments", response=CaseDetailOut)
def approve_instalments(request: HttpRequest, pk: int, payload: InstalmentIn) -> dict[str, Any]:
    """暂缓或者分期缴纳 approved by the head (Art 66); the late fine and the court window then run from ``until``.
    Errors: extension_approver, instalment_until, payment_due_pending, user_not_found."""
    pc = _pc(request, pk)
    data = payload.dict()
    data["approved_by"] = selectors.staff_user(jurisdiction=pc.jurisdiction_id, pk=data["approved_by"])
    return _detail(services.penalty_instalment_approve(penalty_case=pc, actor=request.user, **data))


class SummaryIn(Schema):
    jurisdiction: str
    party_kind: str
    party_name: str
    party_id_number: str = ""
    types: list[str]
    fine: Decimal = Decimal("0")
    domain: str
    facts: str
    basis: str
    place: str
    officers: list[int]
    evidence_names: list[str] = []
    rights_told: bool = False
    statement: str = ""


class CollectIn(Schema):
    receipt_number: str
    hard_to_enforce: bool = False


class HandOverIn(Schema):
    handed_over_on: dt.date


class SummaryPayIn(Schema):
    paid_on: dt.date
    amount: Decimal


@router.post("/summary", response={201: CaseDetailOut})
def summary_create(request: HttpRequest, payload: SummaryIn) -> Status:
    """当场处罚 (简易程序, Art 51, 52): a warning or a fine ≤ 200 / 3,000 yuan, two credentialed officers, evidence,
    the party told the penalty and its rights (Art 44). Errors: summary_type_not_allowed, summary_fine_cap,
    summary_evidence_required, summary_basis_required, summary_rights_not_told, two_officers_required,
    credential_invalid."""
    return Status(201, _detail(services.summary_case_create(actor=request.user, **payload.dict())))


@router.post("/cases/{pk}/collect", response=CaseDetailOut)
def summary_collect(request: HttpRequest, pk: int, payload: CollectIn) -> dict[str, Any]:
    """当场收缴 against the official receipt (Art 68, 70). Errors: on_spot_collection_cap, receipt_required."""
    return _detail(
        services.summary_collect_on_spot(penalty_case=_pc(request, pk), actor=request.user, **payload.dict())
    )


@router.post("/cases/{pk}/summary-pay", response=CaseDetailOut)
def summary_bank_payment(request: HttpRequest, pk: int, payload: SummaryPayIn) -> dict[str, Any]:
    """A summary-procedure fine paid at the bank (Art 67). Errors: fine_unpaid."""
    return _detail(services.summary_pay(penalty_case=_pc(request, pk), actor=request.user, **payload.dict()))


@router.post("/cases/{pk}/hand-over", response=CaseDetailOut)
def summary_hand_over(request: HttpRequest, pk: int, payload: HandOverIn) -> dict[str, Any]:
    """Cash collected on the spot handed to the agency (Art 71: within 2 working days; later is flagged).
    Errors: not_collected_on_spot, already_handed_over, hand_over_date_invalid."""
    return _detail(services.summary_cash_hand_over(penalty_case=_pc(request, pk), actor=request.user, **payload.dict()))


@router.post("/cases/{pk}/record", response=CaseDetailOut)
def summary_report(request: HttpRequest, pk: int) -> dict[str, Any]:
    """报所属行政机关备案 (Art 52). Errors: transition_not_allowed."""
    return _detail(services.summary_record(penalty_case=_pc(request, pk), actor=request.user))


@router.post("/cases/{pk}/decide", response=CaseDetailOut)
def decide(request: HttpRequest, pk: int, payload: DecideIn) -> dict[str, Any]:
    """处罚决定, dated today. Errors: notice_required, statement_window_open, hearing_pending, heavier_than_notice,
    legal_review_required, collective_discussion_required, decision_overdue, decision_date_not_today,
    detention_not_allowed, decision_element_missing."""
    return _detail(services.penalty_decide(penalty_case=_pc(request, pk), actor=request.user, **payload.dict()))


@router.post("/cases/{pk}/serve", response=CaseDetailOut)
def serve(request: HttpRequest, pk: int, payload: ServeIn) -> dict[str, Any]:
    """送达 (post: ``received_on`` from the return receipt). Errors: electronic_service_consent, service_mode_invalid,
    service_before_decision, witness_required, receipt_date_required, receipt_before_sending."""
    return _detail(services.penalty_serve(penalty_case=_pc(request, pk), actor=request.user, **payload.dict()))


@router.post("/cases/{pk}/pay", response=CaseDetailOut)
def pay(request: HttpRequest, pk: int, payload: PayIn) -> dict[str, Any]:
    """缴款. Errors: fine_unpaid, late_fine_unpaid."""
    return _detail(services.penalty_pay(penalty_case=_pc(request, pk), actor=request.user, **payload.dict()))


@router.post("/cases/{pk}/close", response=CaseDetailOut)
def close(request: HttpRequest, pk: int, payload: CloseIn) -> dict[str, Any]:
    """结案. Errors: close_report_missing, fine_outstanding, transition_not_allowed."""
    return _detail(services.penalty_close(penalty_case=_pc(request, pk), actor=request.user, report=payload.report))


@router.get("/clues", response=list[ClueOut])
def list_clues(request: HttpRequest, decision: str = "", source: str = "", limit: int = 100) -> list[dict[str, Any]]:
    """Clues in the caller's reach."""
    rows = selectors.clue_list(actor=request.user, decision=decision, source=source)[: max(1, min(limit, 500))]
    return [_clue_out(c) for c in rows]


@router.post("/clues", response={201: ClueOut})
def create_clue(request: HttpRequest, payload: ClueIn) -> Status:
    """Register a clue. Errors: permission_denied, source_invalid, summary_required, village_outside."""
    return Status(201, _clue_out(services.clue_create(actor=request.user, **payload.dict())))


@router.post("/clues/{pk}/reject", response=ClueOut)
def reject_clue(request: HttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    """不予立案. Errors: reason_required, clue_decided, not_found."""
    clue = selectors.clue_get(actor=request.user, pk=pk)
    return _clue_out(services.clue_reject(clue=clue, reason=payload.reason, actor=request.user))


def _plan_out(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "number": p.number,
        "name": p.name,
        "status": p.status,
        "seed": p.seed,
        "pool_hash": p.pool_hash,
        "result_hash": p.result_hash,
        "visits": len(p.result.get("visits", [])) if p.result else 0,
    }


@router.get("/plans", response=list[PlanOut])
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    """Random-inspection plans in the caller's reach."""
    return [_plan_out(p) for p in selectors.plan_list(actor=request.user)[:200]]


@router.post("/plans/{pk}/draw", response=PlanOut)
def draw_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Draw with a recorded seed. Errors: plan_drawn, inspectors_insufficient, permission_denied, not_found."""
    plan = selectors.plan_get(actor=request.user, pk=pk)
    return _plan_out(inspection.inspection_plan_draw(plan=plan, actor=request.user))


@router.get("/plans/{pk}/verify", response=VerifyOut)
def verify_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Re-run the recorded draw (the same check as ``manage.py verify_draw``). Errors: not_found."""
    ok, problems = inspection.inspection_plan_verify(selectors.plan_get(actor=request.user, pk=pk))
    return {"ok": ok, "problems": problems}


class ResultIn(Schema):
    result: str
    checked_on: dt.date
    findings: str = ""


class VisitOut(Schema):
    id: int
    target: int
    result: str
    publish_by: dt.date | None
    clue: int | None


@router.post("/plans/{pk}/visits/{visit_id}/result", response=VisitOut)
def record_result(request: HttpRequest, pk: int, visit_id: int, payload: ResultIn) -> dict[str, Any]:
    """Record a check's result — by one of the visit's inspectors, before publication; publication due in 20 working
    days; a finding becomes a clue. Errors: result_invalid, findings_required, not_inspector, result_published,
    check_date_invalid, permission_denied, not_found."""
    plan = selectors.plan_get(actor=request.user, pk=pk)
    visit = selectors.visit_list(plan=plan).filter(pk=visit_id).first()
    if visit is None:
        raise NotFound()
    v = inspection.inspection_result_record(visit=visit, actor=request.user, **payload.dict())
    return {"id": v.pk, "target": v.target_id, "result": v.result, "publish_by": v.publish_by, "clue": v.clue_id}


class PublicInspectionOut(Schema):
    plan: str
    plan_name: str
    target: str
    uscc: str
    result: str
    result_label: str
    findings: str
    checked_on: dt.date | None
    published_at: dt.datetime


@router.get("/public/{code}/inspections", response=list[PublicInspectionOut], auth=None)
def public_inspections(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """双随机一公开: the published inspection results of a jurisdiction (public, no token), newest first."""
    return inspection.inspection_results_public(jurisdiction=code)


@router.post("/plans/{pk}/publish", response=dict)
def publish_results(request: HttpRequest, pk: int) -> dict[str, int]:
    """Publish every recorded, unpublished result of the plan. Errors: permission_denied, not_found."""
    plan = selectors.plan_get(actor=request.user, pk=pk)
    return {"published": inspection.inspection_plan_publish(plan=plan, actor=request.user)}


@router.get("/public/{code}/disclosures", response=list[DisclosureOut], auth=None)
def public_disclosures(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Published penalty decisions of one jurisdiction, personal data masked (public, no login)."""
    return [d.content for d in disclosure_public_list(jurisdiction=code)[:200]]

"""Enforcement API (/api/v1/enforcement/): the app's reads, filing and the summary procedure's case, clues, plans and
the public pages. The steps of a case are its case type's actions, ``POST /api/v1/cases/{case_id}/actions/{name}``
(``case_type.py``). Thin: selectors read, services write; errors are {"code","message","field"}."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from township.cases.models import Warning
from township.core.errors import NotFound
from township.enforcement import inspection, selectors, services
from township.enforcement.disclosure import disclosure_public_list
from township.enforcement.models import Clue, PenaltyCase

router = Router(tags=["enforcement"])


class PenaltyCaseOut(Schema):
    id: int
    case_id: int  # the engine's case: its steps are ``POST /api/v1/cases/{case_id}/actions/{name}``
    number: str
    state: str
    procedure: str
    domain: str
    party_name: str
    village: str | None
    filed_at: dt.datetime
    decision_due: dt.date
    fine: Decimal
    warning: str  # normal / yellow / red / overdue while open; late (超期办结) once decided after the due time; none
    warning_label: str
    finished_late: bool  # the decision came after the due time (the engine's record of the case, never reset)


class PenaltyCasePage(Schema):
    items: list[PenaltyCaseOut]
    next_cursor: str | None


class RemedyOut(Schema):
    """A 行政复议 or 行政诉讼 against the decision (recorded by the actions ``penalty_remedy`` / ``…_remedy_result``)."""

    id: int
    kind: str  # reconsideration (行政复议) / litigation (行政诉讼)
    kind_label: str
    body: str
    number: str
    received_on: dt.date
    decided_on: dt.date | None
    result: str  # "" while pending
    result_label: str
    corrected: bool  # 变更、撤销、部分撤销、责令重作、确认违法、确认无效 (counted by 复议诉讼纠错率)
    note: str
    attachment: int | None
    replaces: int | None
    replaced: bool  # a later record corrected or completed this one (kept as history)
    recorded_at: dt.datetime


class PenaltyCaseDetailOut(PenaltyCaseOut):
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
    remedies: list[RemedyOut]


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


class PlanVerifyOut(Schema):
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
        "case_id": pc.case_id,
        "number": pc.case.number,
        "state": pc.case.state,
        "procedure": pc.procedure,
        "domain": pc.domain,
        "party_name": pc.party_name,
        "village": pc.village_id,
        "filed_at": pc.filed_at,
        "decision_due": pc.decision_due,
        "fine": pc.fine,
        "warning": (level := selectors.penalty_warning(pc)),
        "warning_label": str(Warning(level).label) if level in Warning.values and level != "none" else "",
        "finished_late": pc.case.finished_late,
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
        "remedies": [
            {
                "id": r.pk,
                "kind": r.kind,
                "kind_label": str(r.get_kind_display()),
                "body": r.body,
                "number": r.number,
                "received_on": r.received_on,
                "decided_on": r.decided_on,
                "result": r.result,
                "result_label": str(r.get_result_display()) if r.result else "",
                "corrected": r.result in services.CORRECTED,
                "note": r.note,
                "attachment": r.attachment_id,
                "replaces": r.replaces_id,
                "replaced": r.replaced,
                "recorded_at": r.recorded_at,
            }
            for r in selectors.remedy_list(penalty_case=pc)
        ],
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


@router.get("/cases", response=PenaltyCasePage)
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
    """Penalty cases in the caller's reach, newest first (keyset: ``cursor``). ``warning``: normal, yellow, red,
    overdue (open cases on the 90-day period) or late (超期办结: decided after the due time)."""
    f = {"state": state, "procedure": procedure, "domain": domain, "warning": warning, "q": q}
    page = selectors.penalty_case_page(actor=request.user, filters=f, cursor=cursor, limit=max(1, min(limit, 200)))
    return {"items": [_case_out(pc) for pc in page.rows], "next_cursor": page.next_cursor}


@router.get("/cases/{pk}", response=PenaltyCaseDetailOut)
def get_case(request: HttpRequest, pk: int) -> dict[str, Any]:
    """One case. Errors: not_found (404)."""
    return _detail(_pc(request, pk))


class CaseCertificateOut(Schema):
    id: int
    type_name: str
    identifier: str
    status: str


class CaseCertificatesOut(Schema):
    revocable: list[CaseCertificateOut] = Field(description="the party's valid certificates a revocation can name")
    revoked: list[CaseCertificateOut] = Field(description="certificates revoked in the library by this case")


@router.get("/cases/{pk}/certificates", response=CaseCertificatesOut)
def case_certificates(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The party's certificates for a revocation (name them with ``certificates`` in the ``decide`` action,
    ``POST /api/v1/cases/{case_id}/actions/decide``) and those this case revoked. Errors: not_found (404)."""
    found = selectors.penalty_case_certificates(penalty_case=_pc(request, pk))

    def out(c: Any) -> dict[str, Any]:
        return {"id": c.pk, "type_name": c.type_name, "identifier": c.identifier, "status": c.status}

    return {"revocable": [out(c) for c in found["revocable"]], "revoked": [out(c) for c in found["revoked"]]}


@router.get("/cases/{pk}/late-fine", response=list[LateFineDayOut])
def late_fine(request: HttpRequest, pk: int, until: dt.date | None = None) -> list[Any]:
    """The late fine day by day (3 % a day, capped at the fine; Art 72). Errors: not_found."""
    return [d.__dict__ for d in services.penalty_late_fine(_pc(request, pk), until)]


@router.post("/cases", response={201: PenaltyCaseDetailOut})
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


@router.post("/summary", response={201: PenaltyCaseDetailOut})
def summary_create(request: HttpRequest, payload: SummaryIn) -> Status:
    """当场处罚 (简易程序, Art 51, 52): a warning or a fine ≤ 200 / 3,000 yuan, two credentialed officers, evidence,
    the party told the penalty and its rights (Art 44). Errors: summary_type_not_allowed, summary_fine_cap,
    summary_evidence_required, summary_basis_required, summary_rights_not_told, two_officers_required,
    credential_invalid."""
    return Status(201, _detail(services.summary_case_create(actor=request.user, **payload.dict())))


@router.get("/clues", response=list[ClueOut])
def list_clues(request: HttpRequest, decision: str = "", source: str = "", limit: int = 100) -> list[dict[str, Any]]:
    """Clues in the caller's reach."""
    rows = selectors.clue_list(actor=request.user, decision=decision, source=source)[: max(1, min(limit, 500))]
    return [_clue_out(c) for c in rows]


@router.post("/clues", response={201: ClueOut})
def create_clue(request: HttpRequest, payload: ClueIn) -> Status:
    """Register a clue. Errors: permission_denied, source_invalid, summary_required, village_outside,
    jurisdiction_invalid (400), resident_id_invalid / uscc_invalid (``party_id_number``: check digit and format)."""
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


@router.get("/plans/{pk}/verify", response=PlanVerifyOut)
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

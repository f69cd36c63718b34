"""API of the mediation capability (mounted at /api/v1/mediation/): committees, registration, list and detail (personal
data masked), the 司法确认 pack, statistics. The steps of a case are the engine's actions
(``GET/POST /api/v1/cases/{id}/actions[/{name}]``), one operation per action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from township.core.errors import DomainError
from township.core.identifiers import mask_phone, mask_resident_id
from township.mediation import documents, selectors, services
from township.mediation.errors import Code
from township.mediation.models import Committee, Mediation

router = Router(tags=["mediation"])


class MediationMemberOut(Schema):
    user: int
    name: str
    title: str


class MediationCommitteeOut(Schema):
    id: int
    name: str
    village: str
    village_name: str
    term_start: dt.date | None
    term_end: dt.date | None
    can_seal: bool
    members: list[MediationMemberOut]


def _committee_out(c: Committee) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "village": c.village_id,
        "village_name": c.village.name,
        "term_start": c.term_start,
        "term_end": c.term_end,
        "can_seal": c.department_id is not None,
        "members": [
            {"user": cm.user_id, "name": cm.user.get_full_name() or cm.user.username, "title": cm.get_title_display()}
            for cm in c.members.filter(active=True).select_related("user")
        ],
    }


class MediationCommitteeIn(Schema):
    village: str
    name: str = ""
    uscc: str = ""
    address: str = ""
    term_start: dt.date | None = None
    term_end: dt.date | None = None


@router.get("/committees", response=list[MediationCommitteeOut])
def committees(request: HttpRequest, village: str = "") -> Any:
    """The committees of the villages the actor reaches."""
    return [_committee_out(c) for c in selectors.committee_list(actor=request.user, village=village or None)]


@router.post("/committees", response={201: MediationCommitteeOut})
def committee_create(request: HttpRequest, payload: MediationCommitteeIn) -> Any:
    """Set up a village's committee. Error codes: village_invalid, mediation_role_required, committee_invalid."""
    c = services.committee_create(actor=request.user, **payload.dict())
    return Status(201, _committee_out(c))


@router.get("/committees/{committee_id}", response=MediationCommitteeOut)
def committee(request: HttpRequest, committee_id: int) -> Any:
    """One committee. Error codes: not_found."""
    return _committee_out(selectors.committee_get(actor=request.user, pk=committee_id))


class MediationPartyIn(Schema):
    side: str
    name: str
    resident_id: str = ""
    phone: str = ""
    address: str = ""


class MediationIn(Schema):
    committee: int
    dispute_type: str
    summary: str
    claims: str = ""
    source: str = "application"
    court_name: str = ""
    received_on: dt.date | None = None
    parties: list[MediationPartyIn]


class MediationPartyOut(Schema):
    id: int
    side: str
    name: str
    resident_id: str
    phone: str
    consent: str


class MediationAgreementOut(Schema):
    form: str
    number: str
    facts: str
    issues: str
    responsibilities: str
    content: str
    performance: str
    performance_deadline: dt.date | None
    reached_on: dt.date
    effective_on: dt.date | None
    seal_code: str
    signatures: list[dict[str, Any]]


class MediationConfirmationOut(Schema):
    court: str
    matter: str
    applied_on: dt.date
    ruling: str
    ruling_number: str
    ruled_on: dt.date | None


class MediationOut(Schema):
    id: int
    case: int
    number: str
    state: str
    state_label: str
    village: str
    committee: int
    source: str
    court_name: str
    dispute_type: str
    summary: str
    received_on: dt.date
    mediator: str
    outcome: str
    ended_on: dt.date | None
    due_at: dt.datetime | None
    parties: list[MediationPartyOut]
    sessions: list[dict[str, Any]]
    agreement: MediationAgreementOut | None
    confirmation: MediationConfirmationOut | None
    routes_notice: str
    referral_court: str
    documents: list[dict[str, Any]]


def _out(m: Mediation, detail: bool = True) -> dict[str, Any]:
    agreement = selectors.agreement_of(m) if detail else None
    conf = selectors.confirmation_of(m) if detail else None
    return {
        "id": m.pk,
        "case": m.case_id,
        "number": m.case.number,
        "state": m.case.state,
        "state_label": str(m.case.state_label),
        "village": m.village_id,
        "committee": m.committee_id,
        "source": m.source,
        "court_name": m.court_name,
        "dispute_type": m.dispute_type,
        "summary": m.summary,
        "received_on": m.received_on,
        "mediator": m.mediator.get_full_name() if m.mediator else "",
        "outcome": m.outcome,
        "ended_on": m.ended_on,
        "due_at": m.case.due_at,
        "parties": [
            {
                "id": p.pk,
                "side": p.side,
                "name": p.name,
                "resident_id": mask_resident_id(p.resident_id),
                "phone": mask_phone(p.phone),
                "consent": p.consent,
            }
            for p in m.parties.all()
        ],
        "sessions": [
            {"held_on": s.held_on.isoformat(), "place": s.place, "present": s.present, "summary": s.summary}
            for s in (m.sessions.all() if detail else [])
        ],
        "agreement": None
        if agreement is None
        else {
            "form": agreement.form,
            "number": agreement.number,
            "facts": agreement.facts,
            "issues": agreement.issues,
            "responsibilities": agreement.responsibilities,
            "content": agreement.content,
            "performance": agreement.performance,
            "performance_deadline": agreement.performance_deadline,
            "reached_on": agreement.reached_on,
            "effective_on": agreement.effective_on,
            "seal_code": agreement.sealed_document.code if agreement.sealed_document is not None else "",
            "signatures": [
                {
                    "signer": s.signer_name,
                    "mediator": s.party_id is None,
                    "method": s.method,
                    "signed_on": s.signed_on.isoformat(),
                }
                for s in agreement.signatures.all()
            ],
        },
        "confirmation": None
        if conf is None
        else {
            "court": conf.court,
            "matter": conf.matter,
            "applied_on": conf.applied_on,
            "ruling": conf.ruling,
            "ruling_number": conf.ruling_number,
            "ruled_on": conf.ruled_on,
        },
        "routes_notice": m.routes_notice,
        "referral_court": m.referral_court,
        "documents": documents.document_list(m) if detail else [],
    }


class MediationPage(Schema):
    count: int
    items: list[MediationOut]


@router.get("/cases", response=MediationPage)
def mediation_list(
    request: HttpRequest,
    q: str = "",
    state: str = "",
    village: str = "",
    dispute_type: str = "",
    source: str = "",
    outcome: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Any:
    """Mediation cases the actor may see, newest first (names in full, ID numbers and phones masked)."""
    qs = selectors.mediation_list(
        actor=request.user,
        q=q,
        state=state,
        village=village,
        dispute_type=dispute_type,
        source=source,
        outcome=outcome,
        start=start,
        end=end,
    ).prefetch_related("parties")
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    return {"count": qs.count(), "items": [_out(m, detail=False) for m in qs[offset : offset + limit]]}


@router.post("/cases", response={201: MediationOut})
def mediation_register(request: HttpRequest, payload: MediationIn) -> Any:
    """Register an application (by a party, 委派 by a court, own initiative). Error codes: not_found,
    mediation_role_required, party_invalid, court_required, mediation_resident_id_invalid, phone_invalid."""
    committee = selectors.committee_get(actor=request.user, pk=payload.committee)
    m = services.mediation_register(
        actor=request.user,
        committee=committee,
        dispute_type=payload.dispute_type,
        summary=payload.summary,
        claims=payload.claims,
        source=payload.source,
        court_name=payload.court_name,
        received_on=payload.received_on,
        parties=[p.dict() for p in payload.parties],
    )
    return Status(201, _out(selectors.mediation_get(actor=request.user, pk=m.pk)))


def _by_case(request: HttpRequest, case_id: int) -> Mediation:
    from township.core.errors import NotFound

    found = selectors.mediation_qs(request.user).filter(case_id=case_id).first()
    if found is None:
        raise NotFound()
    return found


@router.get("/cases/{case_id}", response=MediationOut)
def mediation_detail(request: HttpRequest, case_id: int) -> Any:
    """One mediation case by its case id. Error codes: not_found."""
    return _out(_by_case(request, case_id))


@router.get("/cases/{case_id}/confirmation-pack.pdf")
def confirmation_pack(request: HttpRequest, case_id: int, matter: str = "civil", court: str = "") -> HttpResponse:
    """The 司法确认 application pack (PDF). Error codes: not_found, confirmation_oral, confirmation_late,
    matter_not_confirmable, mediation_role_required."""
    from township.mediation.services._common import require_mediator

    m = _by_case(request, case_id)
    require_mediator(request.user, m)
    services.confirmation_precheck(m, matter=matter)
    agreement = selectors.agreement_of(m)
    if agreement is None:
        raise DomainError(Code.AGREEMENT_INCOMPLETE, _("尚未制作调解协议"))
    pdf = documents.render(
        documents.title("pack"),
        m,
        documents.confirmation_pack_paragraphs(m, agreement, court),
        number=agreement.number,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="confirmation-pack.pdf"'
    return response


class MediationStatsOut(Schema):
    total: int
    ended: int
    success: int
    success_rate: float | None
    by_village: list[dict[str, Any]]
    by_type: list[dict[str, Any]]
    by_outcome: list[dict[str, Any]]


@router.get("/stats", response=MediationStatsOut)
def stats(request: HttpRequest, start: dt.date | None = None, end: dt.date | None = None) -> Any:
    """Counts by village, dispute type and outcome, and the success rate."""
    return selectors.statistics(actor=request.user, start=start, end=end)

"""API of the petitions capability (mounted at /api/v1/petitions/). The steps of an item are the engine's actions
(``/api/v1/cases/{case_id}/actions/petition_*``); here: registration, the list, the item, its documents, the access
log and the petitioner's notices. Personal data is masked; every read of an item is logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from township.core.errors import NotFound
from township.petitions import selectors, services
from township.petitions.models import AccessKind, Petition

router = Router(tags=["petitions"])


class PetitionerIn(Schema):
    name: str = ""
    phone: str = ""
    resident_id: str = ""
    address: str = ""


class RegisterIn(Schema):
    jurisdiction: str
    channel: str
    category: str
    title: str
    description: str = ""
    request: str = ""
    source: str = "direct"
    sender_body: str = ""
    sender_deadline: dt.date | None = None
    anonymous: bool = False
    urgent: bool = False
    accused_name: str = ""
    accused_department: int | None = None
    accused_user: int | None = None
    received_at: dt.datetime | None = None
    village: str | None = None
    petitioners: list[PetitionerIn] = []


class PetitionerOut(Schema):
    name: str
    phone: str
    resident_id: str
    address: str


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    number: str
    issued_on: dt.date
    delivered_on: dt.date | None
    verification_code: str
    pdf: str


class PetitionOut(Schema):
    id: int
    case_id: int
    number: str
    title: str
    category: str
    category_label: str
    channel: str
    channel_label: str
    source: str
    sender_body: str
    state: str
    state_label: str
    level: str
    anonymous: bool
    urgent: bool
    received_at: dt.datetime
    due_at: dt.datetime | None
    extended_days: int
    petitioners: list[PetitionerOut]


class PetitionDetailOut(PetitionOut):
    request: str
    description: str
    accused_name: str
    outcome: str
    follow_code: str
    documents: list[DocumentOut]


class PetitionPage(Schema):
    items: list[PetitionOut]
    next_before_id: int | None


class AccessOut(Schema):
    at: dt.datetime
    user: str
    petition_id: int
    number: str
    kind: str
    kind_label: str
    detail: str
    ip: str | None


class PetitionNoticeOut(Schema):
    id: int
    petition_id: int
    number: str
    title: str
    body: str
    created_at: dt.datetime


def _people(p: Petition) -> list[dict[str, str]]:
    return [
        {"name": x.masked_name, "phone": x.masked_phone, "resident_id": x.masked_resident_id, "address": x.address}
        for x in p.petitioners.all()
    ]


def _out(p: Petition) -> dict[str, Any]:
    return {
        "id": p.pk,
        "case_id": p.case_id,
        "number": p.case.number,
        "title": p.title,
        "category": p.category,
        "category_label": str(p.get_category_display()),
        "channel": p.channel,
        "channel_label": str(p.get_channel_display()),
        "source": p.source,
        "sender_body": p.sender_body,
        "state": p.case.state,
        "state_label": p.case.state_label,
        "level": p.level,
        "anonymous": p.anonymous,
        "urgent": p.urgent,
        "received_at": p.received_at,
        "due_at": None if p.case.clock_stopped_at else p.case.due_at,
        "extended_days": p.extended_days,
        "petitioners": _people(p),
    }


def _docs(p: Petition) -> list[dict[str, Any]]:
    return [
        {
            "id": d.pk,
            "kind": d.kind,
            "title": d.title,
            "number": d.number,
            "issued_on": d.issued_on,
            "delivered_on": d.delivered_on,
            "verification_code": d.sealed.code,
            "pdf": f"/api/v1/petitions/items/{p.pk}/documents/{d.pk}.pdf",
        }
        for d in selectors.documents(petition=p)
    ]


@router.get("/items", response=PetitionPage)
def petition_list(
    request: HttpRequest,
    q: str = "",
    state: str = "",
    category: str = "",
    channel: str = "",
    source: str = "",
    before_id: int | None = None,
    limit: int = 50,
) -> Any:
    """信访事项 the user may see (检举 items hidden from the accused, recused staff excluded), newest first."""
    limit = max(1, min(limit, 200))
    f = selectors.PetitionFilter(q=q[:100], state=state, category=category, channel=channel, source=source)
    rows = list(selectors.petition_list(actor=request.user, f=f, before_id=before_id, limit=limit))  # type: ignore[arg-type]
    return {"items": [_out(p) for p in rows], "next_before_id": rows[-1].pk if len(rows) == limit else None}


@router.post("/items", response={201: PetitionDetailOut})
def petition_register(request: HttpRequest, payload: RegisterIn) -> Any:
    """Register an item. Error codes: permission_denied, channel_invalid, category_invalid, source_invalid,
    matter_required, petitioner_required, petitioners_too_many, phone_invalid, resident_id_invalid, sender_required,
    accused_required, department_invalid, received_in_future."""
    d = payload.dict()
    people = d.pop("petitioners")
    code = d.pop("jurisdiction")
    village = d.pop("village")
    p = services.petition_register(
        actor=request.user,  # type: ignore[arg-type]
        jurisdiction=code,
        village=village,
        petitioners=people,
        **d,
    )
    return Status(201, {**_out(p), **_detail(p)})


def _detail(p: Petition) -> dict[str, Any]:
    return {
        "request": p.request,
        "description": p.description,
        "accused_name": p.accused_name,
        "outcome": p.outcome,
        "follow_code": p.follow_code,
        "documents": _docs(p),
    }


@router.get("/notices", response=list[PetitionNoticeOut])
def my_notices(request: HttpRequest) -> Any:
    """The signed-in petitioner's notices (受理、延期、意见书 …)."""
    return [
        {
            "id": n.pk,
            "petition_id": n.petition_id,
            "number": n.petition.case.number,
            "title": n.title,
            "body": n.body,
            "created_at": n.created_at,
        }
        for n in selectors.notices_for(actor=request.user)  # type: ignore[arg-type]
    ]


def _access_out(rows: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "at": r.at,
            "user": r.user.display_name,
            "petition_id": r.petition_id,
            "number": r.petition.case.number,
            "kind": r.kind,
            "kind_label": str(r.get_kind_display()),
            "detail": r.detail,
            "ip": r.ip,
        }
        for r in rows
    ]


@router.get("/access-log", response=list[AccessOut])
def access_log(request: HttpRequest) -> Any:
    """The access log of every item (领导 and 审计管理员 only). Error codes: permission_denied."""
    return _access_out(selectors.access_log_list(actor=request.user))  # type: ignore[arg-type]


@router.get("/items/{petition_id}", response=PetitionDetailOut)
def petition_detail(request: HttpRequest, petition_id: int) -> Any:
    """One item (logged). Error codes: not_found."""
    p = selectors.petition_get(actor=request.user, pk=petition_id)  # type: ignore[arg-type]
    services.access_log(
        petition=p, actor=request.user, kind=AccessKind.API, detail="GET item", ip=request.META.get("REMOTE_ADDR")
    )
    return {**_out(p), **_detail(p)}


@router.get("/items/{petition_id}/documents", response=list[DocumentOut])
def petition_documents(request: HttpRequest, petition_id: int) -> Any:
    """The sealed documents of an item. Error codes: not_found."""
    p = selectors.petition_get(actor=request.user, pk=petition_id)  # type: ignore[arg-type]
    services.access_log(
        petition=p, actor=request.user, kind=AccessKind.API, detail="GET documents", ip=request.META.get("REMOTE_ADDR")
    )
    return _docs(p)


@router.get("/items/{petition_id}/documents/{doc_id}.pdf")
def petition_document_pdf(request: HttpRequest, petition_id: int, doc_id: int) -> HttpResponse:
    """A sealed document as PDF (logged). Error codes: not_found."""
    from township.petitions.views import document_pdf_bytes

    doc = selectors.document_get(actor=request.user, petition_id=petition_id, doc_id=doc_id)  # type: ignore[arg-type]
    services.access_log(
        petition=doc.petition,
        actor=request.user,
        kind=AccessKind.DOCUMENT,
        detail=f"{doc.title} {doc.number}",
        ip=request.META.get("REMOTE_ADDR"),
    )
    response = HttpResponse(document_pdf_bytes(request, doc), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{doc.number}.pdf"'
    return response


@router.get("/items/{petition_id}/access-log", response=list[AccessOut])
def petition_access_log(request: HttpRequest, petition_id: int) -> Any:
    """The access log of one item (领导 and 审计管理员 only). Error codes: not_found, permission_denied."""
    p = selectors.petition_get(actor=request.user, pk=petition_id)  # type: ignore[arg-type]
    if not selectors.may_read_log(request.user, p):  # type: ignore[arg-type]
        raise NotFound()
    return _access_out(selectors.access_log_list(actor=request.user, petition=p))  # type: ignore[arg-type]

"""Subject registry endpoints (staff): find by resident ID or USCC, list, read — all inside the caller's
scope (404 outside it) and masked; ``POST /{id}/reveal`` shows one field in full to those allowed, logged."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

from township.subjects import selectors, services
from township.subjects.models import Subject

router = Router(tags=["subjects"])


class SubjectOut(Schema):
    id: int
    kind: str
    identifier: str
    name: str
    org_kind: str
    legal_representative: str
    phone: str
    address: str
    registered_in: str | None
    credit_class: str

    @staticmethod
    def resolve_identifier(obj: Subject) -> str:
        """Masked for persons (110105********002X); a USCC is public."""
        return obj.masked_identifier

    @staticmethod
    def resolve_phone(obj: Subject) -> str:
        """Masked (138****5678)."""
        return obj.masked_phone

    @staticmethod
    def resolve_registered_in(obj: Subject) -> str | None:
        return obj.registered_in_id


class RevealIn(Schema):
    field: Literal["resident_id", "phone"]


class RevealOut(Schema):
    field: str
    value: str


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@router.get("/find", response=SubjectOut)
def find(request: HttpRequest, identifier: str) -> Subject:
    """Exact lookup by resident ID or USCC, inside the caller's scope. Errors: ``not_found`` (unknown, or
    not present in any town the caller reaches)."""
    return selectors.subject_find_for(actor=request.user, identifier=identifier)


@router.get("/", response=list[SubjectOut])
def subject_list(request: HttpRequest, q: str = "", kind: str = "", credit_class: str = "", limit: int = 50) -> list:
    """Subjects present inside the caller's reach (name contains ``q`` or exact identifier)."""
    qs = selectors.subject_list(actor=request.user, q=q, kind=kind, credit_class=credit_class)
    return list(qs[: max(1, min(limit, 200))])


@router.get("/{subject_id}", response=SubjectOut)
def subject_detail(request: HttpRequest, subject_id: int) -> Subject:
    """One subject, masked. Errors: ``not_found`` (missing or outside the caller's scope)."""
    return selectors.subject_get(actor=request.user, pk=subject_id)


@router.post("/{subject_id}/reveal", response=RevealOut)
def reveal(request: HttpRequest, subject_id: int, payload: RevealIn) -> dict[str, str]:
    """显示完整: the clear resident ID or phone number; every call is logged (who, when, IP, subject,
    field). Errors: ``not_found``, ``reveal_not_permitted`` (403)."""
    subject = selectors.subject_get(actor=request.user, pk=subject_id)
    value = services.subject_reveal(
        subject=subject, field=payload.field, actor=request.user, ip=_ip(request), channel="api"
    )
    return {"field": payload.field, "value": value}

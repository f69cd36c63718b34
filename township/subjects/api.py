"""Subject registry endpoints (staff): look a subject up by resident ID or USCC, list by reach."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from township.core.errors import NotFound
from township.subjects import selectors
from township.subjects.models import Subject

router = Router(tags=["subjects"])


class SubjectOut(Schema):
    id: int
    kind: str
    identifier: str
    name: str
    org_kind: str
    legal_representative: str
    address: str
    registered_in: str | None
    credit_class: str

    @staticmethod
    def resolve_identifier(obj: Subject) -> str:
        return obj.identifier

    @staticmethod
    def resolve_registered_in(obj: Subject) -> str | None:
        return obj.registered_in_id


@router.get("/find", response=SubjectOut)
def find(request: HttpRequest, identifier: str) -> Subject:
    """Exact lookup by resident ID or USCC (any jurisdiction). Errors: ``not_found`` (unknown, or not staff)."""
    subject = selectors.subject_find(identifier)
    if subject is None or not (
        selectors.is_staff(request.user) or selectors.subject_is_visible_to(actor=request.user, subject=subject)
    ):
        raise NotFound()
    return subject


@router.get("/", response=list[SubjectOut])
def subject_list(request: HttpRequest, q: str = "", kind: str = "", credit_class: str = "", limit: int = 50) -> list:
    """Subjects registered inside the caller's reach (name contains ``q`` or exact identifier)."""
    qs = selectors.subject_list(actor=request.user, q=q, kind=kind, credit_class=credit_class)
    return list(qs[: max(1, min(limit, 200))])

"""Credit endpoints: a subject's entries (scoped), its flags (everywhere), writing an entry."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from township.core.errors import NotFound
from township.credit import selectors, services
from township.credit.models import CreditRecord
from township.subjects.models import Subject
from township.subjects.selectors import is_staff, subject_find

router = Router(tags=["credit"])


class RecordOut(Schema):
    id: int
    kind: str
    reason: str
    source_app: str
    source_number: str
    jurisdiction: str
    recorded_by: str | None
    recorded_at: datetime
    valid_from: date
    valid_until: date | None
    repaired_at: datetime | None

    @staticmethod
    def resolve_jurisdiction(obj: CreditRecord) -> str:
        return obj.jurisdiction_id

    @staticmethod
    def resolve_recorded_by(obj: CreditRecord) -> str | None:
        return obj.recorded_by.display_name if obj.recorded_by_id else None


class SummaryOut(Schema):
    blacklisted: bool
    false_commitment: bool
    credit_class: str
    total: int


class RecordIn(Schema):
    subject: str  # resident ID or USCC
    kind: str
    reason: str
    jurisdiction: str
    valid_from: date | None = None
    valid_until: date | None = None


def _subject(request: HttpRequest, identifier: str) -> Subject:
    subject = subject_find(identifier)
    if subject is None or not is_staff(request.user):
        raise NotFound()
    return subject


@router.get("/subjects/{identifier}/records", response=list[RecordOut])
def records(request: HttpRequest, identifier: str) -> list:
    """Entries of a subject written inside the caller's reach. Errors: ``not_found``."""
    return list(selectors.credit_records_for(_subject(request, identifier), actor=request.user))


@router.get("/subjects/{identifier}/summary", response=SummaryOut)
def summary(request: HttpRequest, identifier: str) -> dict:
    """Blacklist / false-commitment flags across every jurisdiction. Errors: ``not_found``."""
    return selectors.credit_summary(_subject(request, identifier))


@router.post("/records", response={201: RecordOut})
def create(request: HttpRequest, payload: RecordIn) -> Status:
    """Write an entry. Errors: ``not_found``, ``invalid_kind``, ``reason_required``, ``invalid_validity``,
    ``permission_denied``."""
    record = services.credit_record_create(
        subject=_subject(request, payload.subject),
        kind=payload.kind,
        reason=payload.reason,
        actor=request.user,
        jurisdiction=payload.jurisdiction,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
    )
    return Status(201, record)

"""Credit endpoints: records (scoped), flags and grade (everywhere), grade history and overrides, the 严重失信主体名单
and 信用修复 cases (their steps are the engine's ``/cases/{id}/actions/{name}``), statistics, the public 信用公示 search
and the sealed credit report PDF."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status

from township.core.errors import NotFound
from township.credit import queries, selectors, services, workflows
from township.credit.models import CreditGradeOverride, CreditRecord
from township.org.models import User
from township.org.scoping import reach
from township.subjects.models import Subject
from township.subjects.selectors import is_staff, subject_find, subject_for_user, subject_get

router = Router(tags=["credit"])


class RecordOut(Schema):
    id: int
    kind: str
    reason: str
    source: str
    source_app: str
    source_number: str
    positive: bool
    severity: str
    public: bool
    published_from: date | None
    min_until: date | None
    max_until: date | None
    publication_ended_at: datetime | None
    publication_end_reason: str
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


class WorkbenchRecordOut(RecordOut):
    subject_name: str
    subject_identifier: str

    @staticmethod
    def resolve_subject_name(obj: CreditRecord) -> str:
        return obj.subject.masked_name

    @staticmethod
    def resolve_subject_identifier(obj: CreditRecord) -> str:
        return obj.subject.masked_identifier


class SummaryOut(Schema):
    blacklisted: bool
    false_commitment: bool
    credit_class: str
    listed: bool
    grade: str
    grade_reason: str
    total: int


class RecordIn(Schema):
    subject: str  # resident ID or USCC
    kind: str
    reason: str
    jurisdiction: str
    valid_from: date | None = None
    valid_until: date | None = None
    severity: str | None = None
    source: str | None = None
    source_number: str = ""


class HistoryOut(Schema):
    grade: str
    previous: str
    score: int
    valid_from: datetime
    valid_to: datetime | None
    reason: str
    computed_at: datetime


class GradeOut(Schema):
    grade: str
    reason: str
    listed: bool
    history: list[HistoryOut]


class OverrideIn(Schema):
    grade: str
    reason: str
    jurisdiction: str
    valid_until: date | None = None


class OverrideDecideIn(Schema):
    approve: bool
    note: str = ""


class OverrideOut(Schema):
    id: int
    grade: str
    reason: str
    status: str
    proposed_by: int
    approved_by: int | None
    decided_at: datetime | None

    @staticmethod
    def resolve_proposed_by(obj: CreditGradeOverride) -> int:
        return obj.proposed_by_id

    @staticmethod
    def resolve_approved_by(obj: CreditGradeOverride) -> int | None:
        return obj.approved_by_id


class CaseRowOut(Schema):
    id: int
    case_id: int
    number: str
    state: str
    subject_name: str
    due_at: datetime | None

    @staticmethod
    def resolve_number(obj: Any) -> str:
        return str(obj.case.number)

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return str(obj.case.state)

    @staticmethod
    def resolve_subject_name(obj: Any) -> str:
        return str(obj.subject.masked_name)

    @staticmethod
    def resolve_due_at(obj: Any) -> datetime | None:
        due: datetime | None = obj.case.due_at
        return due


class ListingIn(Schema):
    subject: str
    facts: str
    basis: str
    jurisdiction: str


class RepairIn(Schema):
    record: int
    performance: str
    pledge: str


class PublicRecordOut(Schema):
    kind: str
    severity: str
    reason: str
    source_number: str
    valid_from: date
    max_until: date | None


class PublicSubjectOut(Schema):
    name: str
    identifier: str
    records: list[PublicRecordOut]


def _subject(request: HttpRequest, identifier: str) -> Subject:
    subject = subject_find(identifier)
    if subject is None or not is_staff(request.user):
        raise NotFound()
    return subject


@router.get("/records", response=list[WorkbenchRecordOut], summary="信用记录列表（本辖区）")
def record_list(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    severity: str = "",
    source: str = "",
    status: str = "",
    before: int | None = None,
) -> list[Any]:
    """Records written inside the caller's reach, newest first; ``before`` = the last id of the previous page."""
    return list(
        queries.record_list(
            actor=request.user, q=q, kind=kind, severity=severity, source=source, status=status, before_id=before
        )
    )


@router.get("/subjects/{identifier}/records", response=list[RecordOut])
def records(request: HttpRequest, identifier: str) -> list[Any]:
    """Entries of a subject written inside the caller's reach. Errors: ``not_found``."""
    return list(selectors.credit_records_for(_subject(request, identifier), actor=request.user))


@router.get("/subjects/{identifier}/summary", response=SummaryOut)
def summary(request: HttpRequest, identifier: str) -> dict[str, Any]:
    """Blacklist / false-commitment flags and the grade across every jurisdiction. Errors: ``not_found``."""
    return selectors.credit_summary(_subject(request, identifier))


@router.get("/subjects/{identifier}/grade", response=GradeOut, summary="信用等级及变化历史")
def grade(request: HttpRequest, identifier: str) -> dict[str, Any]:
    subject = _subject(request, identifier)
    return {
        "grade": selectors.credit_grade(subject),
        "reason": selectors.credit_grade_reason(subject),
        "listed": selectors.credit_is_listed(subject),
        "history": queries.grade_history(subject),
    }


@router.post("/records", response={201: RecordOut})
def create(request: HttpRequest, payload: RecordIn) -> Status[Any]:
    """Write an entry (the grade is recomputed). Errors: ``not_found``, ``invalid_kind``, ``invalid_severity``,
    ``invalid_source``, ``reason_required``, ``invalid_validity``, ``permission_denied``."""
    record = services.credit_record_create(
        subject=_subject(request, payload.subject),
        kind=payload.kind,
        reason=payload.reason,
        actor=request.user,
        jurisdiction=payload.jurisdiction,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        severity=payload.severity,
        source=payload.source,
        source_number=payload.source_number,
    )
    return Status(201, record)


@router.post("/subjects/{identifier}/overrides", response={201: OverrideOut}, summary="提出人工调整信用等级")
def override_propose(request: HttpRequest, identifier: str, payload: OverrideIn) -> Status[Any]:
    """Errors: ``grade_invalid``, ``reason_required``, ``permission_denied``, ``not_found``."""
    override = services.credit_grade_override_propose(
        subject=_subject(request, identifier),
        grade=payload.grade,
        reason=payload.reason,
        actor=request.user,
        jurisdiction=payload.jurisdiction,
        valid_until=payload.valid_until,
    )
    return Status(201, override)


@router.post("/overrides/{override_id}/decide", response=OverrideOut, summary="审批人工调整信用等级")
def override_decide(request: HttpRequest, override_id: int, payload: OverrideDecideIn) -> CreditGradeOverride:
    """The second person approves or rejects. Errors: ``override_same_person``, ``override_decided``,
    ``permission_denied``, ``not_found``."""
    override = (
        CreditGradeOverride.objects.for_actor(request.user, services.OVERRIDE_APPROVERS).filter(pk=override_id).first()
    )
    if override is None:
        raise NotFound()
    return services.credit_grade_override_decide(
        override=override, actor=request.user, approve=payload.approve, note=payload.note
    )


@router.get("/listings", response=list[CaseRowOut], summary="严重失信主体名单列入案件")
def listing_list(request: HttpRequest, state: str = "") -> list[Any]:
    return list(queries.listing_list(actor=request.user, state=state)[:200])


@router.post("/listings", response={201: CaseRowOut}, summary="拟列入严重失信主体名单")
def listing_create(request: HttpRequest, payload: ListingIn) -> Status[Any]:
    """Then 告知, 陈述申辩 and 决定 through ``/api/v1/cases/{id}/actions/{name}``. Errors: ``facts_required``,
    ``basis_required``, ``permission_denied``, ``not_found``."""
    listing = workflows.listing_propose(
        subject=_subject(request, payload.subject),
        facts=payload.facts,
        basis=payload.basis,
        actor=request.user,
        jurisdiction=payload.jurisdiction,
    )
    return Status(201, listing)


@router.get("/repairs", response=list[CaseRowOut], summary="信用修复申请")
def repair_list(request: HttpRequest, state: str = "") -> list[Any]:
    return list(queries.repair_list(actor=request.user, state=state)[:200])


@router.post("/repairs", response={201: CaseRowOut}, summary="申请信用修复（本人网上申请或窗口代为申请）")
def repair_create(request: HttpRequest, payload: RepairIn) -> Status[Any]:
    """Then 受理, 审查 and 决定 through ``/api/v1/cases/{id}/actions/{name}``. Errors: ``not_found``,
    ``not_repairable``, ``already_repaired``, ``repair_pending``, ``performance_required``, ``pledge_required``,
    ``permission_denied``."""
    record = CreditRecord.objects.select_related("subject").filter(pk=payload.record).first()
    own = subject_for_user(request.user)
    visible = record is not None and (
        (own is not None and own.pk == record.subject_id)
        or queries.record_list(actor=request.user, limit=None).filter(pk=record.pk).exists()
    )
    if not visible or record is None:
        raise NotFound()
    repair = workflows.repair_apply(
        record=record, actor=request.user, performance=payload.performance, pledge=payload.pledge
    )
    return Status(201, repair)


@router.get("/statistics", summary="信用统计（本辖区）")
def statistics(request: HttpRequest) -> dict[str, Any]:
    if not is_staff(request.user):
        raise NotFound()
    return queries.statistics(actor=request.user)


@router.get("/public", response=list[PublicSubjectOut], auth=None, summary="信用公示查询（公开）")
def public(request: HttpRequest, q: str) -> list[Any]:
    """Records inside their publication period of the subjects matching an exact USCC / resident ID or part of an
    organisation's name; names and ID numbers of persons masked."""
    out = []
    for s in queries.public_search(q[:64]):
        out.append(
            {
                "name": s["name"],
                "identifier": s["identifier"],
                "records": [
                    {
                        "kind": r.get_kind_display(),
                        "severity": r.get_severity_display(),
                        "reason": r.reason,
                        "source_number": r.source_number,
                        "valid_from": r.valid_from,
                        "max_until": r.max_until,
                    }
                    for r in s["records"]
                ],
            }
        )
    return out


@router.get("/subjects/{subject_id}/report", summary="信用报告（电子签章PDF）")
def report(request: HttpRequest, subject_id: int) -> HttpResponse:
    """The sealed credit report; verifiable at the certificates' public document check. Errors: ``not_found``,
    ``issuer_missing``."""
    from township.credit.report import report_pdf

    own = subject_for_user(request.user)
    if own is not None and own.pk == subject_id:
        subject, unit = own, own.registered_in_id
    else:
        if not is_staff(request.user):
            raise NotFound()
        subject = subject_get(actor=request.user, pk=subject_id)
        codes = sorted(reach(request.user if isinstance(request.user, User) else None).codes)
        unit = subject.registered_in_id if subject.registered_in_id in codes else (codes[0] if codes else None)
    if not unit:
        raise NotFound()
    body = report_pdf(
        subject,
        jurisdiction_id=unit,
        verify_url=lambda code: request.build_absolute_uri(reverse("certificates:verify-document", args=[code])),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="credit-report-{subject.pk}.pdf"'
    return response

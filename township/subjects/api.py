"""Subject registry endpoints: find by resident ID or USCC (400 naming the problem for a malformed one, 404 for a
well-formed one not found), list with filters, read — all inside the caller's scope (404 outside it) and masked;
``POST /{id}/reveal`` shows one field in full to those allowed, logged. Registration (window, village agent,
online ``/me``), Excel import (all or nothing, row errors) and merging duplicates by a recorded correction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from township.core.errors import NotFound
from township.subjects import selectors, services
from township.subjects.models import Subject, SubjectCorrection

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
    village: str | None
    credit_class: str
    registration_channel: str
    merged_into: int | None

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

    @staticmethod
    def resolve_village(obj: Subject) -> str | None:
        return obj.village_id

    @staticmethod
    def resolve_merged_into(obj: Subject) -> int | None:
        """The survivor's id when this record is a merged duplicate (tombstone)."""
        return obj.merged_into_id


class RevealIn(Schema):
    field: Literal["resident_id", "phone"]


class RevealOut(Schema):
    field: str
    value: str


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@router.get("/find", response=SubjectOut)
def find(request: HttpRequest, identifier: str) -> Subject:
    """Exact lookup by resident ID or USCC, inside the caller's scope. Errors: ``resident_id_invalid`` /
    ``uscc_invalid`` / ``identifier_invalid`` (400: malformed, the message names the problem such as the expected
    check character), ``not_found`` (404: well-formed but unknown, or not present in any town the caller reaches)."""
    return selectors.subject_lookup_for(actor=request.user, identifier=identifier)


@router.get("/", response=list[SubjectOut])
def subject_list(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    credit_class: str = "",
    village: str = "",
    include_merged: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> list[Subject]:
    """Subjects present inside the caller's reach (name contains ``q`` or exact identifier); ``kind`` is
    ``person``, ``org``, ``enterprise``, ``individual_business`` or ``other_org``; paged by offset/limit."""
    qs = selectors.subject_list(
        actor=request.user,
        q=q,
        kind=kind,
        credit_class=credit_class,
        village=village,
        include_merged=include_merged,
    )
    offset = max(0, offset)
    return list(qs[offset : offset + max(1, min(limit, 200))])


class SubjectRegisterIn(Schema):
    identifier: str
    name: str
    phone: str = ""
    address: str = ""
    legal_representative: str = ""
    town: str | None = None
    village: str | None = None
    channel: Literal["window", "village_agent"] | None = None


class RegisterOut(Schema):
    created: bool
    subject: SubjectOut


@router.post("/", response={200: RegisterOut, 201: RegisterOut})
def register(request: HttpRequest, payload: SubjectRegisterIn) -> Status[dict[str, Any]]:
    """登记新主体 by staff (window clerk in the town, village agent in the village). An identifier already
    registered answers 200 with the existing subject (now present here too). Errors: ``resident_id_invalid`` /
    ``uscc_invalid`` (field identifier), ``name_required``, ``subject_name_mismatch``, ``register_not_permitted``
    (403), ``town_required`` / ``village_required`` / ``village_invalid``."""
    from township.subjects.models import RegistrationChannel
    from township.subjects.registration import default_channel

    channel = payload.channel or default_channel(request.user)
    if channel == RegistrationChannel.ONLINE:
        from township.core.errors import PermissionRefused

        raise PermissionRefused("register_not_permitted", "无权登记主体，请使用网上自行登记", field="channel")
    reg = services.subject_register(actor=request.user, channel=channel, **payload.dict(exclude={"channel"}))
    return Status(201 if reg.created else 200, {"created": reg.created, "subject": reg.subject})


class MeIn(Schema):
    identifier: str
    name: str
    phone: str = ""
    address: str = ""
    legal_representative: str = ""
    town: str
    village: str | None = None


@router.get("/me", response=SubjectOut)
def me(request: HttpRequest) -> Subject:
    """The subject this account stands for. Errors: ``not_found`` (not registered yet: ``POST /me``)."""
    own = selectors.subject_for_user(request.user)
    if own is None:
        raise NotFound()
    return own


@router.post("/me", response={200: RegisterOut, 201: RegisterOut})
def me_register(request: HttpRequest, payload: MeIn) -> Status[dict[str, Any]]:
    """网上自行登记: the account registers its own identifier in its town. Errors: ``register_not_own`` (403),
    as for ``POST /``."""
    reg = services.subject_register(actor=request.user, channel="online", **payload.dict())
    return Status(201 if reg.created else 200, {"created": reg.created, "subject": reg.subject})


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class SubjectImportOut(Schema):
    created: int
    existing: int


@router.get("/import/template", response={200: None})
def import_template(request: HttpRequest) -> HttpResponse:
    """The Excel template of the import (columns 证件号码, 姓名/名称, 联系电话, 地址, 法定代表人/经营者, 村（社区）)."""
    from township.subjects.importer import import_template_xlsx

    response = HttpResponse(
        import_template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="subject-import-template.xlsx"'
    return response


@router.post("/import", response={200: SubjectImportOut, 400: dict})
def import_file(request: HttpRequest, file: File[UploadedFile], town: str = "") -> Any:
    """Excel 批量导入 (the template: ``GET /subjects/import/template.xlsx``): every row or none. Errors:
    ``import_rows_invalid`` (400, ``errors``: row, column, message for each), ``import_header_invalid``,
    ``import_file_invalid``, ``import_empty``, ``register_not_permitted`` (403)."""
    from township.subjects.importer import ImportRefused, subjects_import

    try:
        result = subjects_import(actor=request.user, content=file.read(), town=town or None)
    except ImportRefused as exc:
        body = exc.as_dict() | {"errors": [e.__dict__ for e in exc.errors]}
        return Status(400, body)
    return Status(200, {"created": result.created, "existing": result.existing})


class CorrectionOut(Schema):
    id: int
    kind: str
    survivor_id: int
    merged_id: int
    reason: str
    actor: str
    at: datetime
    moved: dict[str, int]
    kept: list[str]

    @staticmethod
    def resolve_actor(obj: SubjectCorrection) -> str:
        return str(obj.actor)


class MergeIn(Schema):
    merged_id: int
    reason: str


@router.post("/{subject_id}/merge", response=CorrectionOut)
def merge(request: HttpRequest, subject_id: int, payload: MergeIn) -> SubjectCorrection:
    """Merge subject ``merged_id`` (a duplicate) into this one by a recorded correction: every row pointing at
    the duplicate moves here, the duplicate stays as a tombstone. Errors: ``not_found``, ``merge_not_permitted``
    (403), ``merge_same_subject``, ``merge_kind_mismatch``, ``subject_already_merged``, ``reason_required``."""
    survivor = selectors.subject_get(actor=request.user, pk=subject_id)
    merged = selectors.subject_get(actor=request.user, pk=payload.merged_id)
    correction: SubjectCorrection = services.subject_merge(
        survivor=survivor, merged=merged, reason=payload.reason, actor=request.user
    )
    return correction


@router.get("/{subject_id}/corrections", response=list[CorrectionOut])
def corrections(request: HttpRequest, subject_id: int) -> list[SubjectCorrection]:
    """更正记录 of this subject, as survivor or as the merged duplicate."""
    subject = selectors.subject_get(actor=request.user, pk=subject_id)
    return list(SubjectCorrection.objects.filter(Q(survivor=subject) | Q(merged=subject)).select_related("actor"))


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

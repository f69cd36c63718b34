"""Certificate endpoints: public verification, the holder's certificates and library, status changes."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from township.certificates import pdf, selectors, services
from township.certificates.models import Certificate
from township.core.errors import NotFound
from township.subjects.models import Subject

router = Router(tags=["certificates"])


class CertificateVerifyOut(Schema):
    identifier: str
    status: str
    type_name: str | None = None
    holder_name: str | None = None
    holder_identifier: str | None = None
    issuer_name: str | None = None
    issuer_uscc: str | None = None
    issued_on: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    status_changed_at: str | None = None
    status_changed_on: str | None = None
    signature_valid: bool | None = None
    signature_algorithm: str | None = None


class CertificateOut(Schema):
    id: int
    identifier: str
    type_code: str
    type_name: str
    issuer_name: str
    issued_at: datetime
    valid_from: date
    valid_until: date | None
    status: str
    effective_status: str
    pdf_url: str

    @staticmethod
    def resolve_effective_status(obj: Certificate) -> str:
        return obj.effective_status()

    @staticmethod
    def resolve_pdf_url(obj: Certificate) -> str:
        return f"/api/v1/certificates/{obj.pk}/pdf"


class LibraryItemOut(Schema):
    id: int
    material_type_code: str
    title: str
    certificate_identifier: str | None
    sha256: str
    verified_at: datetime | None
    valid_until: date | None
    jurisdiction: str

    @staticmethod
    def resolve_certificate_identifier(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.certificate.identifier if obj.certificate_id else None

    @staticmethod
    def resolve_jurisdiction(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.jurisdiction_id


class MineOut(Schema):
    certificates: list[CertificateOut]
    materials: list[LibraryItemOut]


class StatusIn(Schema):
    reason: str


@router.get("/verify/{identifier}", response=CertificateVerifyOut, auth=None)
def verify(request: HttpRequest, identifier: str) -> dict:
    """Public check (no login): status valid / suspended / revoked / expired / not_yet_valid /
    signature_invalid / not_found / malformed. The holder's name and ID are masked."""
    return selectors.certificate_verify(identifier)


class DocumentVerifyOut(Schema):
    code: str
    title: str
    number: str
    unit: str
    uscc: str
    addressee: str
    date: date
    valid: bool
    sha256: str


@router.get("/documents/{code}", response=DocumentVerifyOut, auth=None)
def verify_document(request: HttpRequest, code: str) -> dict:
    """Public check of a sealed letter by the code printed on it: unit, title, masked addressee, date, and whether
    text and SM2 signature check out (``valid``). Errors: not_found."""
    result = selectors.sealed_document_verify(code)
    if result is None:
        raise NotFound()
    return result


@router.get("/mine", response=MineOut)
def mine(request: HttpRequest) -> dict:
    """The signed-in applicant's certificates and verified materials (empty if the account has no subject)."""
    _subject, certificates, materials = selectors.my_library(actor=request.user)
    return {"certificates": certificates, "materials": materials}


@router.get("/{int:pk}/pdf")
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate as PDF. Errors: ``not_found`` (missing, or neither the holder nor staff in scope)."""
    cert = selectors.certificate_get_for_download(actor=request.user, pk=pk)
    body = pdf.render_certificate(cert, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{cert.identifier}.pdf"'
    return response


def _staff_certificate(request: HttpRequest, pk: int) -> Certificate:
    cert = selectors.certificate_list(actor=request.user).filter(pk=pk).first()
    if cert is None:
        raise NotFound()
    return cert


@router.post("/{int:pk}/suspend", response=CertificateOut)
def suspend(request: HttpRequest, pk: int, payload: StatusIn) -> Certificate:
    """Suspend. Errors: ``not_found``, ``reason_required``, ``certificate_status``, ``permission_denied``."""
    return services.certificate_suspend(
        certificate=_staff_certificate(request, pk), actor=request.user, reason=payload.reason
    )


@router.post("/{int:pk}/restore", response=CertificateOut)
def restore(request: HttpRequest, pk: int, payload: StatusIn) -> Certificate:
    """Lift a suspension. Errors: ``not_found``, ``reason_required``, ``certificate_status``, ``permission_denied``."""
    return services.certificate_restore(
        certificate=_staff_certificate(request, pk), actor=request.user, reason=payload.reason
    )


@router.post("/{int:pk}/revoke", response=CertificateOut)
def revoke(request: HttpRequest, pk: int, payload: StatusIn) -> Certificate:
    """Revoke for good. Errors: ``not_found``, ``reason_required``, ``certificate_status``, ``permission_denied``."""
    return services.certificate_revoke(
        certificate=_staff_certificate(request, pk), actor=request.user, reason=payload.reason
    )


@router.get("/library/offer", response=list[LibraryItemOut])
def library_offer(request: HttpRequest, subject: str, codes: str) -> list:
    """Staff: what the library can supply for a subject (resident ID or USCC) and comma-separated
    material type codes. Errors: ``not_found`` (unknown subject or caller is not staff)."""
    from township.subjects.selectors import is_staff, subject_find

    found: Subject | None = subject_find(subject)
    if found is None or not is_staff(request.user):
        raise NotFound()
    return selectors.library_offer(found, [c.strip() for c in codes.split(",")])

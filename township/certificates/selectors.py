"""Reads for certificates and the library. Staff lists are scoped by the actor; the public check is not."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from township.certificates import identifier as ident
from township.certificates.models import Certificate, CertificateStatus, CertificateStatusChange, LibraryItem
from township.core.errors import NotFound
from township.org.models import Role
from township.subjects.models import Subject
from township.subjects.selectors import subject_for_user

STAFF_READ_ROLES = (
    Role.WINDOW_CLERK,
    Role.APPROVER,
    Role.APPROVAL_HEAD,
    Role.VILLAGE_AGENT,
    Role.ENFORCEMENT_OFFICER,
    Role.LEGAL_REVIEWER,
    Role.LEADER,
    Role.ADMINISTRATOR,
    Role.AUDITOR,
)


def certificate_find_public(identifier: str) -> Certificate | None:
    """The certificate with this identifier, if the identifier is well formed (check character)."""
    parts = ident.parse(identifier)
    if parts is None:
        return None
    return (
        # the issuing unit's key may be the county's: read by id, not joined (Citus)
        Certificate.objects.filter(identifier=identifier.strip().upper()).select_related("holder").first()
    )


def certificate_verify(identifier: str, *, on: datetime.date | None = None) -> dict[str, Any]:
    """The public answer for an identifier: status valid / suspended / revoked / expired / not_found / malformed.

    Personal data is masked (holder name, resident ID). The signature is re-verified every time.
    """
    from township.certificates.services import certificate_signature_ok

    identifier = (identifier or "").strip().upper()
    if not ident.is_valid(identifier):
        return {"identifier": identifier, "status": "malformed"}
    cert = certificate_find_public(identifier)
    if cert is None:
        return {"identifier": identifier, "status": "not_found"}
    signature_ok = certificate_signature_ok(cert)
    status = cert.effective_status(on) if signature_ok else "signature_invalid"
    return {
        "identifier": cert.identifier,
        "status": status,
        "type_name": cert.type_name,
        "holder_name": cert.holder.masked_name,
        "holder_identifier": cert.holder.masked_identifier,
        "issuer_name": cert.issuer_name,
        "issuer_uscc": cert.issuer_uscc,
        "issued_on": timezone.localtime(cert.issued_at).date().isoformat(),
        "valid_from": cert.valid_from.isoformat(),
        "valid_until": cert.valid_until.isoformat() if cert.valid_until else None,
        "status_changed_at": cert.status_changed_at.isoformat() if cert.status_changed_at else None,
        "status_changed_on": timezone.localtime(cert.status_changed_at).date().isoformat()
        if cert.status_changed_at
        else None,
        "signature_valid": signature_ok,
        "signature_algorithm": "SM2-with-SM3 (1.2.156.10197.1.501)",
    }


def certificates_for_subject(subject: Subject) -> QuerySet[Certificate]:
    return Certificate.objects.filter(holder=subject).select_related("holder").order_by("-issued_at", "-id")


def certificates_for_case(case: Any) -> QuerySet[Certificate]:
    """Certificates issued from a case (e.g. an application), oldest first."""
    return Certificate.objects.filter(jurisdiction_id=case.jurisdiction_id, source_case=case).order_by(
        "issued_at", "id"
    )


def certificate_list(*, actor: Any, status: str = "", type_code: str = "") -> QuerySet[Certificate]:
    qs = Certificate.objects.for_actor(actor, STAFF_READ_ROLES).select_related("holder")
    if status:
        qs = qs.filter(status=status)
    if type_code:
        qs = qs.filter(type_code=type_code)
    return qs.order_by("-issued_at", "-id")


def _holder_or_staff(actor: Any, obj: Certificate | LibraryItem, subject_id: int) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    own = subject_for_user(actor)
    if own is not None and own.pk == subject_id:
        return True
    from township.org.scoping import has_role

    return has_role(actor, obj.jurisdiction_id, STAFF_READ_ROLES)


def certificate_get_for_download(*, actor: Any, pk: int) -> Certificate:
    """Only the holder's own account or staff in the certificate's jurisdiction. Else ``NotFound``."""
    # the issuing unit's key may be the county's: read by id, not joined (Citus)
    cert = Certificate.objects.filter(pk=pk).select_related("holder").first()
    if cert is None or not _holder_or_staff(actor, cert, cert.holder_id):
        raise NotFound()
    return cert


def library_item_get_for_download(*, actor: Any, pk: int) -> LibraryItem:
    item = LibraryItem.objects.filter(pk=pk).first()  # its certificate may be another unit's: read by id (Citus)
    if item is None or not _holder_or_staff(actor, item, item.subject_id):
        raise NotFound()
    return item


def library_items_for(subject: Subject) -> QuerySet[LibraryItem]:
    return (
        LibraryItem.objects.filter(subject=subject)
        .select_related("jurisdiction")
        .prefetch_related("certificate")  # may be another unit's: read by id, not joined (Citus)
        .order_by("material_type_code", "-created_at", "-id")
    )


def library_offer(
    subject: Subject | None, material_type_codes: Iterable[str], *, on: datetime.date | None = None
) -> list[LibraryItem]:
    """For each wanted material type, the newest usable item of the subject (any jurisdiction: 一库共享).

    Usable = not withdrawn, not expired, and (for certificates) valid. The result follows the order
    of ``material_type_codes``; types the library cannot supply are left out.
    """
    codes = [c for c in dict.fromkeys(material_type_codes) if c]
    if subject is None or not codes:
        return []
    day = on or timezone.localdate()
    best: dict[str, LibraryItem] = {}
    items = list(
        LibraryItem.objects.filter(subject=subject, material_type_code__in=codes, withdrawn_at__isnull=True).order_by(
            "-created_at", "-id"
        )
    )
    # The certificates read on their own, not joined: an item and its certificate may lie in different towns
    # (Citus joins business tables only on the key).
    wanted = {i.certificate_id for i in items if i.certificate_id}
    certificates = {c.pk: c for c in Certificate.objects.filter(pk__in=wanted)} if wanted else {}
    for item in items:
        if item.certificate_id in certificates:
            item.certificate = certificates[item.certificate_id]
    for item in items:
        if item.material_type_code not in best and item.is_usable(day):
            best[item.material_type_code] = item
    return [best[c] for c in codes if c in best]


def my_library(*, actor: Any) -> tuple[Subject | None, list[Certificate], list[LibraryItem]]:
    """The signed-in applicant's certificates and stored materials."""
    subject = subject_for_user(actor)
    if subject is None:
        return None, [], []
    return (
        subject,
        list(certificates_for_subject(subject)),
        list(library_items_for(subject).filter(certificate__isnull=True)),
    )


__all__ = ["CertificateStatus"]


def sealed_document_verify(code: str) -> dict[str, Any] | None:
    """What anyone may learn by a letter's verification code: which unit sealed which letter, for whom (masked), on
    which day, and whether text and signature check out. ``None`` for an unknown code."""
    import hashlib as _hashlib
    import json as _json

    from township.certificates.models import SealedDocument, SealKey
    from township.certificates.services import sealed_document_ok
    from township.core.citus import public_code_jurisdiction
    from township.core.identifiers import mask_name

    code = (code or "").strip().upper()
    jur = public_code_jurisdiction(code, prefix="D")
    docs = SealedDocument.objects.filter(code=code)
    doc = (docs if jur is None else docs.filter(jurisdiction_id=jur)).first()
    if doc is None:
        return None
    # the key of the same jurisdiction, read on its own (Citus: no join off the key)
    doc.key = SealKey.objects.get(jurisdiction_id=doc.jurisdiction_id, pk=doc.key_id)
    content = _json.loads(doc.content)
    return {
        "code": doc.code,
        "title": doc.title,
        "number": doc.number,
        "unit": doc.key.unit_name,
        "uscc": doc.key.uscc,
        "addressee": mask_name(content.get("addressee", "")),
        "date": doc.issued_on,
        "valid": sealed_document_ok(doc),
        "sha256": _hashlib.sha256(doc.content.encode("utf-8")).hexdigest(),
    }


def certificates_revoked_by_case(case: Any) -> QuerySet[Certificate]:
    """Certificates revoked on the authority of ``case`` (a penalty decision that revokes a licence, a failed
    post-approval check): the status change names the case."""
    ids = CertificateStatusChange.objects.filter(
        jurisdiction_id=case.jurisdiction_id, source_case=case, to_status=CertificateStatus.REVOKED
    ).values("certificate_id")
    return Certificate.objects.filter(pk__in=ids).select_related("holder").order_by("id")

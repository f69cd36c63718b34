"""Certificates: issue (GB/T 36904 identifier + SM2 signature), suspend, restore, revoke; the library.

Callers: the approval app issues certificates and stores verified materials; enforcement and the
post-approval verification revoke them. Everything is keyword-only and raises ``DomainError``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from township.certificates import crypto, identifier
from township.certificates.models import (
    Certificate,
    CertificateStatus,
    CertificateStatusChange,
    LibraryItem,
    SealedDocument,
    SealKey,
)
from township.core.citus import public_code
from township.core.errors import DomainError, PermissionRefused
from township.org.models import Department, Role
from township.org.scoping import has_role
from township.subjects.models import Subject
from township.subjects.services import subject_mark_present

P = ParamSpec("P")
R = TypeVar("R")

ISSUER_ROLES = (Role.APPROVER, Role.APPROVAL_HEAD, Role.WINDOW_CLERK, Role.ADMINISTRATOR)
STATUS_ROLES = (Role.APPROVER, Role.APPROVAL_HEAD, Role.ENFORCEMENT_OFFICER, Role.ADMINISTRATOR)
LIBRARY_ROLES = (Role.WINDOW_CLERK, Role.APPROVER, Role.APPROVAL_HEAD, Role.VILLAGE_AGENT, Role.ADMINISTRATOR)


def _require_role(actor: Any, code: str, roles: Iterable[str]) -> None:
    """``actor=None`` is the system (a worker); a person must hold one of ``roles`` where the row lives."""
    if actor is not None and not has_role(actor, code, roles):
        raise PermissionRefused("permission_denied", _("无权在该区划执行此操作"))


# --- seal keys -----------------------------------------------------------------------------------


def seal_key_for(*, department: Department) -> SealKey:
    """The department's active SM2 key, generated on first use. Errors: ``issuer_uscc_missing``."""
    from township.core.identifiers import is_valid_uscc

    if not department.uscc or not is_valid_uscc(department.uscc):
        raise DomainError("issuer_uscc_missing", _("签发单位未登记有效的统一社会信用代码"), field="department")
    key = SealKey.objects.filter(department=department, active=True).first()
    if key is not None:
        return key
    pair = crypto.generate_keypair()
    try:
        with transaction.atomic():
            return SealKey.objects.create(
                jurisdiction_id=department.jurisdiction_id,
                department=department,
                unit_name=department.name
                if department.name.startswith(department.jurisdiction.name)
                else f"{department.jurisdiction.name}{department.name}",
                uscc=department.uscc.upper(),
                public_key=pair.public_key,
                private_key_encrypted=crypto.encrypt_private_key(pair.private_key),
            )
    except IntegrityError:  # another request created it first
        return SealKey.objects.get(department=department, active=True)


def seal_key_rotate(*, department: Department, actor: Any) -> SealKey:
    """Retire the active key and generate a new one. Old certificates keep verifying with their key."""
    _require_role(actor, department.jurisdiction_id, (Role.ADMINISTRATOR, Role.SECURITY_ADMIN))
    with transaction.atomic():
        SealKey.objects.filter(department=department, active=True).update(active=False, retired_at=timezone.now())
        return seal_key_for(department=department)


# --- certificates --------------------------------------------------------------------------------


def _payload(cert: Certificate) -> dict[str, Any]:
    holder = cert.holder
    return {
        "identifier": cert.identifier,
        "type_code": cert.type_code,
        "type_name": cert.type_name,
        "holder": {"kind": holder.kind, "name": holder.name, "identifier": holder.identifier},
        "issuer": {"name": cert.issuer_name, "uscc": cert.issuer_uscc},
        "serial": cert.serial,
        "version": cert.version,
        "issued_at": cert.issued_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "valid_from": cert.valid_from.isoformat(),
        "valid_until": cert.valid_until.isoformat() if cert.valid_until else None,
        "jurisdiction": cert.jurisdiction_id,
        "data": cert.data,
    }


def _next_serial(*, key: SealKey, type_code: str, year: int) -> str:
    prefix = str(year)
    used = Certificate.objects.filter(
        jurisdiction_id=key.jurisdiction_id, issuer_uscc=key.uscc, type_code=type_code, serial__startswith=prefix
    ).count()
    return f"{prefix}{used + 1:06d}"


@transaction.atomic
def certificate_issue(
    *,
    holder: Subject,
    type_code: str,
    type_name: str,
    department: Department,
    actor: Any,
    data: dict[str, Any] | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    material_type_code: str = "",
    source_case: Any = None,
    source_app: str = "",
    version: str = "001",
) -> Certificate:
    """Issue a signed electronic certificate and put it in the holder's library.

    ``type_code`` is the 证照类型代码 (defining authority USCC + 3 digits, 0-9/A-Z). The serial is
    ``<year><6-digit sequence>`` per issuer and type. Errors: ``issuer_uscc_missing``,
    ``invalid_type_code``, ``invalid_validity``, ``permission_denied``.
    """
    type_code = (type_code or "").strip().upper()
    if not type_code or not type_code.isalnum() or not type_code.isascii():
        raise DomainError("invalid_type_code", _("证照类型代码只能由数字和大写字母组成"), field="type_code")
    if not version.isdigit() or len(version) != 3:
        raise DomainError("invalid_version", _("版本号应为3位数字"), field="version")
    _require_role(actor, department.jurisdiction_id, ISSUER_ROLES)
    key = seal_key_for(department=department)
    # serialises serial numbers per issuer; the key in the lock (Citus: FOR UPDATE only with the key)
    key = SealKey.objects.select_for_update().get(jurisdiction_id=key.jurisdiction_id, pk=key.pk)
    now = timezone.now()
    valid_from = valid_from or timezone.localdate(now)
    if valid_until is not None and valid_until < valid_from:
        raise DomainError("invalid_validity", _("有效期截止日期不能早于起始日期"), field="valid_until")
    serial = _next_serial(key=key, type_code=type_code, year=timezone.localdate(now).year)
    cert = Certificate(
        jurisdiction_id=department.jurisdiction_id,
        identifier=identifier.build(type_code, key.uscc, serial, version),
        type_code=type_code,
        type_name=type_name,
        material_type_code=material_type_code or type_code,
        holder=holder,
        issuer_department=department,
        issuer_name=key.unit_name,
        issuer_uscc=key.uscc,
        serial=serial,
        version=version,
        data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)),  # dates/decimals → strings, once
        issued_at=now.replace(microsecond=0),
        valid_from=valid_from,
        valid_until=valid_until,
        source_case=source_case,
        source_app=source_app,
        seal_key=key,
        issued_by=actor,
    )
    signed = crypto.canonical_bytes(_payload(cert))
    private_key = crypto.decrypt_private_key(key.private_key_encrypted, public_key=key.public_key)
    cert.signed_payload = signed.decode("utf-8")
    cert.signature = crypto.sign(signed, private_key=private_key, public_key=key.public_key)
    cert.save()
    subject_mark_present(subject=holder, jurisdiction=cert.jurisdiction_id, source="certificate")
    library_store(
        subject=holder,
        material_type_code=cert.material_type_code,
        title=type_name,
        jurisdiction=department.jurisdiction_id,
        actor=actor,
        certificate=cert,
        source_case=source_case,
        source_app=source_app,
        valid_until=valid_until,
    )
    return cert


def official_language() -> translation.override:
    """The language of what is sealed and sent to the public: the official one (``settings.LANGUAGE_CODE``,
    简体中文), whatever the clerk's page is in — 《中华人民共和国国家通用语言文字法》第九条: 国家机关以普通话和规范汉字为
    公务用语用字. A context manager and a decorator. A paper printed in another language is a translation for reference
    (``render_document(translation_of=…)``): not sealed, pointing to the sealed original."""
    return translation.override(settings.LANGUAGE_CODE)


def in_official_language(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator: ``func`` runs in the official language (a new ``override`` per call: one shared instance would
    mix up the saved language of concurrent requests)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with official_language():
            return func(*args, **kwargs)

    return wrapper


def is_official_language() -> bool:
    return (translation.get_language() or settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE


def document_seal(
    *,
    department: Department,
    kind: str,
    title: str,
    number: str,
    addressee: str,
    issued_on: Any,
    paragraphs: list[str],
    source_case: Any = None,
) -> SealedDocument:
    """Seal a letter's text with the department's SM2 key, once per (case, kind, text): printing it again gives
    the same code. Errors: issuer_uscc_missing."""
    key = seal_key_for(department=department)
    content = {
        "unit": key.unit_name,
        "uscc": key.uscc,
        "kind": kind,
        "title": title,
        "number": number,
        "addressee": addressee,
        "date": str(issued_on),
        "paragraphs": list(paragraphs),
    }
    raw = crypto.canonical_bytes(content)
    digest = hashlib.sha256(raw).hexdigest()
    existing = SealedDocument.objects.filter(
        jurisdiction_id=key.jurisdiction_id, source_case=source_case, kind=kind, content_sha256=digest
    ).first()
    if existing is not None:
        return existing
    private = crypto.decrypt_private_key(key.private_key_encrypted, public_key=key.public_key)
    try:
        with transaction.atomic():
            return SealedDocument.objects.create(
                jurisdiction_id=key.jurisdiction_id,
                code=public_code(key.jurisdiction_id, secrets.token_hex(8).upper(), prefix="D"),
                key=key,
                kind=kind,
                title=title,
                number=number,
                issued_on=issued_on,
                content=raw.decode("utf-8"),
                content_sha256=digest,
                signature=crypto.sign(raw, private_key=private, public_key=key.public_key),
                source_case=source_case,
            )
    except IntegrityError:  # the same letter sealed by a parallel request
        return SealedDocument.objects.get(
            jurisdiction_id=key.jurisdiction_id, source_case=source_case, kind=kind, content_sha256=digest
        )


def sealed_document_ok(doc: SealedDocument) -> bool:
    """The stored text still hashes to its digest and the SM2 signature verifies with the unit's key."""
    raw = doc.content.encode("utf-8")
    if hashlib.sha256(raw).hexdigest() != doc.content_sha256:
        return False
    return crypto.verify(raw, doc.signature, public_key=doc.key.public_key)


def certificate_signature_ok(cert: Certificate) -> bool:
    """The signed payload names this certificate and its SM2 signature verifies with the issuer's key."""
    try:
        if json.loads(cert.signed_payload).get("identifier") != cert.identifier:
            return False
    except ValueError:
        return False
    return crypto.verify(cert.signed_payload.encode("utf-8"), cert.signature, public_key=cert.seal_key.public_key)


def _change_status(
    *, certificate: Certificate, to_status: str, actor: Any, reason: str, source_case: Any = None
) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("请填写原因"), field="reason")
    _require_role(actor, certificate.jurisdiction_id, STATUS_ROLES)
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(
            jurisdiction_id=certificate.jurisdiction_id, pk=certificate.pk
        )
        allowed = {
            CertificateStatus.SUSPENDED: {CertificateStatus.VALID},
            CertificateStatus.VALID: {CertificateStatus.SUSPENDED},
            CertificateStatus.REVOKED: {CertificateStatus.VALID, CertificateStatus.SUSPENDED},
        }[to_status]
        if cert.status not in allowed:
            raise DomainError(
                "certificate_status",
                _("证照当前状态为“%(status)s”，不能执行此操作") % {"status": cert.get_status_display()},
            )
        now = timezone.now()
        CertificateStatusChange.objects.create(
            jurisdiction_id=cert.jurisdiction_id,
            certificate=cert,
            from_status=cert.status,
            to_status=to_status,
            reason=reason,
            actor=actor,
            source_case=source_case,
            at=now,
        )
        cert.status = to_status
        cert.status_reason = reason
        cert.status_changed_at = now
        cert.save(update_fields=["status", "status_reason", "status_changed_at"])
        if source_case is not None and source_case.closed_at is None:
            from township.cases.services import case_note

            case_note(
                case=source_case,
                actor=actor,
                name=f"certificate_{to_status}",
                data={"certificate": cert.identifier, "reason": reason},
            )
    certificate.refresh_from_db()
    return certificate


def certificate_suspend(*, certificate: Certificate, actor: Any, reason: str, source_case: Any = None) -> Certificate:
    """Suspend a valid certificate. Errors: ``reason_required``, ``certificate_status``, ``permission_denied``."""
    return _change_status(
        certificate=certificate,
        to_status=CertificateStatus.SUSPENDED,
        actor=actor,
        reason=reason,
        source_case=source_case,
    )


def certificate_restore(*, certificate: Certificate, actor: Any, reason: str, source_case: Any = None) -> Certificate:
    """Lift a suspension. Errors: ``reason_required``, ``certificate_status``, ``permission_denied``."""
    return _change_status(
        certificate=certificate, to_status=CertificateStatus.VALID, actor=actor, reason=reason, source_case=source_case
    )


def certificate_revoke(*, certificate: Certificate, actor: Any, reason: str, source_case: Any = None) -> Certificate:
    """Revoke for good (enforcement, failed post-approval verification). ``actor=None`` = system.

    Errors: ``reason_required``, ``certificate_status`` (already revoked), ``permission_denied``.
    """
    return _change_status(
        certificate=certificate,
        to_status=CertificateStatus.REVOKED,
        actor=actor,
        reason=reason,
        source_case=source_case,
    )


# --- the library ---------------------------------------------------------------------------------


def library_store(
    *,
    subject: Subject,
    material_type_code: str,
    title: str,
    jurisdiction: Any,
    actor: Any,
    content: bytes | None = None,
    filename: str = "",
    content_type: str = "",
    attachment: Any = None,
    certificate: Certificate | None = None,
    source_case: Any = None,
    source_app: str = "",
    valid_until: datetime.date | None = None,
) -> LibraryItem:
    """Store a verified material (bytes or an existing case attachment) or a certificate, once per subject.

    The same bytes for the same subject and material type return the existing item (deduplicated by
    SHA-256). ``actor`` is recorded as the verifier. Errors: ``library_empty``, ``material_type_required``.
    """
    code = (material_type_code or "").strip()
    if not code:
        raise DomainError("material_type_required", _("请指定材料类型"), field="material_type_code")
    jurisdiction_id = getattr(jurisdiction, "pk", jurisdiction)
    size = 0
    if certificate is not None:
        sha = hashlib.sha256(certificate.signed_payload.encode("utf-8")).hexdigest()
        content_type = "application/json"
    elif attachment is not None:
        sha, size, content_type = attachment.sha256, attachment.size, attachment.content_type
    elif content:
        sha, size = hashlib.sha256(content).hexdigest(), len(content)
    else:
        raise DomainError("library_empty", _("没有可入库的文件"), field="file")
    existing = LibraryItem.objects.filter(
        jurisdiction_id=jurisdiction_id, subject=subject, material_type_code=code, sha256=sha
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    item = LibraryItem(
        jurisdiction_id=jurisdiction_id,
        subject=subject,
        material_type_code=code,
        title=title[:200],
        certificate=certificate,
        content_type=content_type,
        size=size,
        sha256=sha,
        source_app=source_app,
        source_case=source_case,
        verified_by=actor,
        verified_at=now,
        valid_until=valid_until,
        created_at=now,
    )
    if attachment is not None:
        item.file.name = attachment.file.name  # same stored bytes, no copy
    elif content:
        item.file.save(filename or f"{code}-{sha[:12]}", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        return LibraryItem.objects.get(
            jurisdiction_id=jurisdiction_id, subject=subject, material_type_code=code, sha256=sha
        )
    return item


def library_withdraw(*, item: LibraryItem, actor: Any, reason: str) -> LibraryItem:
    """Mark a material as no longer usable (found false, superseded). Errors: ``reason_required``."""
    if not (reason or "").strip():
        raise DomainError("reason_required", _("请填写原因"), field="reason")
    _require_role(actor, item.jurisdiction_id, LIBRARY_ROLES)
    item.withdrawn_at = timezone.now()
    item.save(update_fields=["withdrawn_at"])
    return item


def library_record_reuse(*, case: Any, actor: Any, items: Iterable[LibraryItem]) -> Any:
    """Record on the case timeline which library items an application reused (name ``library_reuse``)."""
    from township.cases.services import case_note

    data = {
        "items": [
            {
                "id": item.pk,
                "material_type_code": item.material_type_code,
                "title": item.title,
                "sha256": item.sha256,
                "certificate": item.certificate.identifier if item.certificate_id else None,
            }
            for item in items
        ]
    }
    return case_note(case=case, actor=actor, name="library_reuse", data=data)

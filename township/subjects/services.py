"""Writes to the subject registry. Identifiers are validated (GB 11643 / GB 32100) before storing."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from township.core.errors import DomainError
from township.core.identifiers import validate_resident_id, validate_uscc
from township.subjects.models import CreditClass, OrgKind, Subject, SubjectKind

# USCC positions 1-2 → organisation kind (DOMAIN §5.1).
_ORG_KIND_BY_PREFIX = {
    "91": OrgKind.ENTERPRISE,
    "92": OrgKind.INDIVIDUAL_BUSINESS,
    "93": OrgKind.COOPERATIVE,
    "N1": OrgKind.VILLAGE_COLLECTIVE,
    "N2": OrgKind.VILLAGE_COLLECTIVE,
    "N3": OrgKind.VILLAGE_COLLECTIVE,
}


def org_kind_for_uscc(uscc: str) -> str:
    """The organisation kind encoded in USCC positions 1-2 (registering body + entity type)."""
    return _ORG_KIND_BY_PREFIX.get(uscc[:2].upper(), OrgKind.OTHER)


def _fill_blanks(subject: Subject, values: dict[str, Any]) -> None:
    changed = [
        name
        for name, value in values.items()
        if value and not getattr(subject, f"{name}_id" if name in {"registered_in", "village"} else name)
    ]
    for name in changed:
        setattr(subject, name, values[name])
    if changed:
        subject.save(update_fields=[*changed, "updated_at"])


def _get_or_create(lookup: dict[str, str], defaults: dict[str, Any]) -> tuple[Subject, bool]:
    try:
        with transaction.atomic():
            return Subject.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:
        return Subject.objects.get(**lookup), False


def subject_get_or_create_person(
    *,
    resident_id: str,
    name: str,
    phone: str = "",
    address: str = "",
    registered_in: Any = None,
    village: Any = None,
    actor: Any = None,
) -> Subject:
    """The natural person with this resident ID; created on first sight.

    Errors: ``invalid_resident_id`` (field resident_id), ``subject_name_mismatch`` (the ID is
    registered under another name: 人证不符).
    """
    resident_id = validate_resident_id(resident_id)
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", _("请填写姓名"), field="name")
    subject, created = _get_or_create(
        {"resident_id": resident_id},
        {
            "kind": SubjectKind.PERSON,
            "name": name,
            "phone": phone,
            "address": address,
            "registered_in": registered_in,
            "village": village,
        },
    )
    if not created:
        if subject.name != name:
            raise DomainError("subject_name_mismatch", _("身份证号与姓名不一致"), field="name")
        _fill_blanks(subject, {"phone": phone, "address": address, "registered_in": registered_in, "village": village})
    return subject


def subject_get_or_create_org(
    *,
    uscc: str,
    name: str,
    legal_representative: str = "",
    legal_representative_subject: Subject | None = None,
    phone: str = "",
    address: str = "",
    registered_in: Any = None,
    village: Any = None,
    credit_class: str = "",
    actor: Any = None,
) -> Subject:
    """The organisation with this USCC; created on first sight, its kind derived from positions 1-2.

    An existing organisation keeps its data; a changed name is updated (enterprises rename).
    Errors: ``invalid_uscc`` (field uscc), ``invalid_credit_class``.
    """
    uscc = validate_uscc(uscc)
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", _("请填写名称"), field="name")
    if credit_class and credit_class not in CreditClass.values:
        raise DomainError("invalid_credit_class", _("信用风险分类只能为A、B、C、D"), field="credit_class")
    if legal_representative_subject is not None and not legal_representative:
        legal_representative = legal_representative_subject.name
    subject, created = _get_or_create(
        {"uscc": uscc},
        {
            "kind": SubjectKind.ORGANISATION,
            "name": name,
            "org_kind": org_kind_for_uscc(uscc),
            "legal_representative": legal_representative,
            "legal_representative_subject": legal_representative_subject,
            "phone": phone,
            "address": address,
            "registered_in": registered_in,
            "village": village,
            "credit_class": credit_class,
        },
    )
    if not created:
        if subject.name != name:
            subject.name = name
            subject.save(update_fields=["name", "updated_at"])
        _fill_blanks(
            subject,
            {
                "legal_representative": legal_representative,
                "legal_representative_subject": legal_representative_subject,
                "phone": phone,
                "address": address,
                "registered_in": registered_in,
                "village": village,
                "credit_class": credit_class,
            },
        )
    return subject


def subject_set_credit_class(*, subject: Subject, credit_class: str, actor: Any) -> Subject:
    """Set the random-inspection credit class (A-D). Errors: ``invalid_credit_class``."""
    if credit_class not in CreditClass.values:
        raise DomainError("invalid_credit_class", _("信用风险分类只能为A、B、C、D"), field="credit_class")
    subject.credit_class = credit_class
    subject.save(update_fields=["credit_class", "updated_at"])
    return subject

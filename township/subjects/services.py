"""Writes to the subject registry. Identifiers are validated (GB 11643 / GB 32100) before storing."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from township.core.crypto import blind_index
from township.core.errors import DomainError, NotFound
from township.core.identifiers import validate_resident_id, validate_uscc
from township.subjects.models import (
    CreditClass,
    OrgKind,
    PresenceSource,
    RevealField,
    RevealLog,
    Subject,
    SubjectKind,
    SubjectPresence,
)

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


def _get_or_create(lookup: dict[str, Any], defaults: dict[str, Any]) -> tuple[Subject, bool]:
    try:
        with transaction.atomic():
            subject, created = Subject.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:
        subject, created = Subject.objects.get(**lookup), False
    return surviving(subject), created


def surviving(subject: Subject) -> Subject:
    """The record that stands for ``subject``: itself, or the survivor it was merged into (followed to the end)."""
    seen = {subject.pk}
    while subject.merged_into_id is not None and subject.merged_into_id not in seen:
        seen.add(subject.merged_into_id)
        subject = Subject.objects.get(pk=subject.merged_into_id)
    return subject


def _code(unit: Any) -> str | None:
    if unit is None or unit == "":
        return None
    return str(getattr(unit, "pk", unit))


def subject_mark_present(
    *, subject: Subject, jurisdiction: Any, village: Any = None, source: str = PresenceSource.REGISTERED
) -> None:
    """Record that ``subject`` is known in this town (and village): it becomes visible to staff reaching it.

    ``jurisdiction`` is the tenant key of the row that links the subject (a town or county code or
    ``Jurisdiction``); a village given as ``jurisdiction`` counts for its town and itself. Idempotent.
    """
    from township.org.models import Jurisdiction, Level

    town, village_code = _code(jurisdiction), _code(village)
    if town is None:
        return
    unit = Jurisdiction.objects.filter(pk=town).only("level", "parent_id").first()
    if unit is None:
        return
    if unit.level == Level.VILLAGE and unit.parent_id:
        town, village_code = str(unit.parent_id), village_code or unit.pk
    try:
        with transaction.atomic():
            SubjectPresence.objects.get_or_create(
                jurisdiction_id=town, subject=subject, village_id=village_code, defaults={"source": source}
            )
    except IntegrityError:
        pass  # recorded meanwhile by a concurrent request


def _mark(subject: Subject, registered_in: Any, village: Any, present_in: Any, source: str) -> None:
    if registered_in is not None:
        subject_mark_present(subject=subject, jurisdiction=registered_in, village=village)
    if present_in is not None:
        subject_mark_present(subject=subject, jurisdiction=present_in, village=village, source=source)


def subject_get_or_create_person(
    *,
    resident_id: str,
    name: str,
    phone: str = "",
    address: str = "",
    registered_in: Any = None,
    village: Any = None,
    actor: Any = None,
    present_in: Any = None,
    source: str = PresenceSource.REGISTERED,
) -> Subject:
    """The natural person with this resident ID; created on first sight, and present where it registers
    (``registered_in``) or turns up (``present_in``: the tenant of the row that will point at it).

    Errors: ``invalid_resident_id`` (field resident_id), ``subject_name_mismatch`` (the ID is
    registered under another name: 人证不符).
    """
    resident_id = validate_resident_id(resident_id)
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", _("请填写姓名"), field="name")
    subject, created = _get_or_create(
        {"resident_id_index": blind_index(resident_id)},
        {
            "kind": SubjectKind.PERSON,
            "resident_id": resident_id,
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
    _mark(subject, registered_in, village, present_in, source)
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
    present_in: Any = None,
    source: str = PresenceSource.REGISTERED,
) -> Subject:
    """The organisation with this USCC; created on first sight, its kind derived from positions 1-2, and
    present where it registers or turns up (as for persons).

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
    _mark(subject, registered_in, village, present_in, source)
    return subject


def subject_reveal(*, subject: Subject, field: str, actor: Any, ip: str | None = None, channel: str = "web") -> str:
    """The clear value of one personal field, for an actor allowed to see it in full; logged every time.

    Errors: ``not_found`` (the subject is outside the actor's scope), ``reveal_not_permitted`` (403: no
    role or permission to see personal data in full), ``invalid_field``.
    """
    from township.core.errors import PermissionRefused
    from township.subjects.selectors import reveal_town, subject_is_visible_to

    if field not in RevealField.values:
        raise DomainError("invalid_field", _("只能查看身份证号或联系电话"), field="field")
    if not subject_is_visible_to(actor=actor, subject=subject):
        raise NotFound()
    town = reveal_town(actor=actor, subject=subject)
    if town is None:
        raise PermissionRefused("reveal_not_permitted", _("无权查看完整个人信息"), field=field)
    RevealLog.objects.create(
        jurisdiction_id=town, actor=actor, ip=ip or None, subject=subject, field=field, channel=channel[:8]
    )
    return str(getattr(subject, field) or "")


# The registry's other writes live in their own modules; other apps call them through here.
def subject_register(**kwargs: Any) -> Any:
    """Register a subject (window, village agent, import, online): see township.subjects.registration."""
    from township.subjects.registration import subject_register as register

    return register(**kwargs)


def subject_merge(**kwargs: Any) -> Any:
    """Merge a duplicate subject into a survivor by a recorded correction: see township.subjects.merge."""
    from township.subjects.merge import subject_merge as merge

    return merge(**kwargs)

"""The applicant side: accounts registered by resident ID or USCC, in-app notifications."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from township.approval.errors import Code, error
from township.org.models import User

# ---- applicant accounts --------------------------------------------------------------------------------


@transaction.atomic
def applicant_register(*, username: str, password: str, full_name: str, identifier: str, phone: str = "") -> User:
    """Register an applicant account by resident ID (person) or USCC (organisation), validated.
    Errors: invalid_identifier, username_taken, identifier_taken, name_required, password_*."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from township.core.crypto import blind_index
    from township.core.identifiers import is_valid_resident_id, is_valid_uscc, validate_resident_id, validate_uscc
    from township.subjects.services import subject_get_or_create_org, subject_get_or_create_person

    identifier = (identifier or "").strip().upper()
    full_name = (full_name or "").strip()
    if not full_name:
        raise error(Code.NAME_REQUIRED, field="full_name")
    users = get_user_model().objects
    if users.filter(username=username).exists():
        raise error(Code.USERNAME_TAKEN, field="username")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise error(Code.PASSWORD_WEAK, field="password", why="；".join(exc.messages)) from None
    if is_valid_resident_id(identifier):
        rid = validate_resident_id(identifier)
        if users.filter(resident_id_index=blind_index(rid), uscc="").exists():
            raise error(Code.IDENTIFIER_TAKEN, field="identifier", variant="person")
        subject_get_or_create_person(resident_id=rid, name=full_name, phone=phone)
        return users.create_user(
            username=username, password=password, full_name=full_name, resident_id=rid, phone=phone
        )
    if is_valid_uscc(identifier):
        uscc = validate_uscc(identifier)
        if users.filter(uscc=uscc).exists():
            raise error(Code.IDENTIFIER_TAKEN, field="identifier", variant="org")
        subject_get_or_create_org(uscc=uscc, name=full_name, phone=phone)
        return users.create_user(username=username, password=password, full_name=full_name, uscc=uscc, phone=phone)
    raise error(Code.INVALID_IDENTIFIER, field="identifier")


def notifications_mark_read(*, actor: User) -> int:
    from township.approval.models import Notification

    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())

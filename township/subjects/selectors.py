"""Reads from the subject registry.

Subjects are shared reference rows: an exact identifier lookup finds a subject wherever it was
registered (a window clerk must find a person from another town). Browsing lists are limited to
subjects registered inside the actor's reach (fail-closed).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from township.org.scoping import reach
from township.subjects.models import Subject


def normalise_identifier(identifier: str) -> str:
    return (identifier or "").strip().upper()


def subject_find(identifier: str) -> Subject | None:
    """The person (resident ID) or organisation (USCC) with this identifier, or None."""
    identifier = normalise_identifier(identifier)
    if len(identifier) != 18:
        return None
    return Subject.objects.filter(Q(resident_id=identifier) | Q(uscc=identifier)).first()


def subject_for_user(user: Any, *, create: bool = False) -> Subject | None:
    """The subject an applicant account stands for: its USCC if set (an enterprise account), else its resident ID.

    With ``create=True`` a missing subject is registered from the account (validated).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    uscc = normalise_identifier(getattr(user, "uscc", ""))
    resident_id = normalise_identifier(getattr(user, "resident_id", ""))
    if uscc:
        subject = Subject.objects.filter(uscc=uscc).first()
        if subject is None and create:
            from township.subjects.services import subject_get_or_create_org

            subject = subject_get_or_create_org(uscc=uscc, name=user.full_name or user.username, actor=user)
        return subject
    if resident_id:
        subject = Subject.objects.filter(resident_id=resident_id).first()
        if subject is None and create:
            from township.subjects.services import subject_get_or_create_person

            subject = subject_get_or_create_person(
                resident_id=resident_id, name=user.full_name or user.username, phone=user.phone, actor=user
            )
        return subject
    return None


def subject_list(*, actor: Any, q: str = "", kind: str = "", credit_class: str = "") -> QuerySet[Subject]:
    """Subjects registered inside the actor's reach, optionally filtered by name/identifier, kind, class."""
    r = reach(actor)
    qs = Subject.objects.filter(r.q("registered_in", "village")).select_related("registered_in")
    if q:
        q = q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(resident_id=q.upper()) | Q(uscc=q.upper()))
    if kind:
        qs = qs.filter(kind=kind)
    if credit_class:
        qs = qs.filter(credit_class=credit_class)
    return qs.order_by("id")


def subject_is_visible_to(*, actor: Any, subject: Subject) -> bool:
    """Staff with any grant may look a subject up; the subject's own account may see itself."""
    if actor is None or not actor.is_authenticated:
        return False
    own = subject_for_user(actor)
    if own is not None and own.pk == subject.pk:
        return True
    return is_staff(actor)


def is_staff(actor: Any) -> bool:
    """Holds any role other than applicant somewhere."""
    from township.org.models import Role

    r = reach(actor, [role for role in Role.values if role != Role.APPLICANT])
    return bool(r.codes or r.villages)

"""Reads from the subject registry, scoped by presence.

A subject is one shared row, but staff see it only where it is *present* (``SubjectPresence``: a town, and
a village inside it, where it registered, applied, was a party, holds a certificate or has a credit
record) and only inside their reach — the same fail-closed rule as every business row: no presence in
reach, no subject (404, never "exists elsewhere"). The subject's own account always sees itself.

``subject_find`` (no actor) is for services that already hold the full identifier from the person or
the law (an application being filed, a party being registered); views and endpoints use
``subject_find_for`` / ``subject_get``. Resident IDs are looked up through their blind index.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from township.core.crypto import blind_index
from township.core.errors import NotFound
from township.core.frozen import MARKER, MARKER_2, FrozenQuery
from township.org.models import Role
from township.org.scoping import reach
from township.subjects.models import RevealLog, Subject, SubjectPresence

if TYPE_CHECKING:
    from township.org.units import UnitChoice

# Roles that need full personal data in their work: the window clerk identifies applicants at the window,
# the enforcement officer serves documents on parties. Others see masked values only (docs/security.md).
REVEAL_ROLES: tuple[str, ...] = (Role.WINDOW_CLERK, Role.ENFORCEMENT_OFFICER)
REVEAL_PERMISSION = ("subjects", "reveal_personal_data")


def normalise_identifier(identifier: str) -> str:
    return "".join((identifier or "").split()).upper()


# read on every application, clue and registration by an identifier: compiled once per thread (township.core.frozen)
_by_identifier: FrozenQuery[Subject] = FrozenQuery(
    lambda index, uscc: Subject.objects.filter(Q(resident_id_index=index) | Q(uscc=uscc)).order_by("id"),
    markers=(MARKER, MARKER_2),
)


def subject_find(identifier: str) -> Subject | None:
    """The person (resident ID) or organisation (USCC) with this identifier, or None. Unscoped: services only."""
    identifier = normalise_identifier(identifier)
    if len(identifier) != 18:
        return None
    found = _by_identifier.first(blind_index(identifier), identifier)
    if found is not None and found.merged_into_id is not None:
        from township.subjects.services import surviving

        return surviving(found)  # a merged duplicate answers with the record that survived it
    return found


def subject_by_resident_id(resident_id: str) -> Subject | None:
    index = blind_index(resident_id)
    return Subject.objects.filter(resident_id_index=index).first() if index else None


def subject_for_user(user: Any, *, create: bool = False) -> Subject | None:
    """The subject an applicant account stands for: its USCC if set (an enterprise account), else its resident ID.

    With ``create=True`` a missing subject is registered from the account (validated).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    uscc = normalise_identifier(getattr(user, "uscc", ""))
    resident_id = normalise_identifier(getattr(user, "resident_id", "") or "")
    if uscc:
        subject = Subject.objects.filter(uscc=uscc).first()
        if subject is None and create:
            from township.subjects.services import subject_get_or_create_org

            subject = subject_get_or_create_org(uscc=uscc, name=user.full_name or user.username, actor=user)
        return subject
    if resident_id:
        subject = subject_by_resident_id(resident_id)
        if subject is None and create:
            from township.subjects.services import subject_get_or_create_person

            subject = subject_get_or_create_person(
                resident_id=resident_id, name=user.full_name or user.username, phone=user.phone, actor=user
            )
        return subject
    return None


def staff_roles() -> list[str]:
    """Every role but applicant: an applicant account sees its own subject only (subject_for_user)."""
    return [role for role in Role.values if role != Role.APPLICANT]


def presences_in_reach(actor: Any, roles: Iterable[str] | None = None) -> QuerySet[SubjectPresence]:
    """Presences in the actor's reach as staff (for ``roles`` if given)."""
    return SubjectPresence.objects.filter(reach(actor, staff_roles() if roles is None else roles).q())


def subjects_visible(actor: Any, roles: Iterable[str] | None = None) -> QuerySet[Subject]:
    """Subjects present somewhere in the actor's reach (for ``roles`` if given); fail-closed."""
    return Subject.objects.filter(pk__in=presences_in_reach(actor, roles).values("subject_id"))


KIND_FILTERS: dict[str, Q] = {
    "person": Q(kind="person"),
    "org": Q(kind="org"),
    "enterprise": Q(kind="org", org_kind="enterprise"),
    "individual_business": Q(kind="org", org_kind="individual_business"),
    "other_org": Q(kind="org") & ~Q(org_kind__in=["enterprise", "individual_business"]),
}


def subject_list(
    *,
    actor: Any,
    q: str = "",
    kind: str = "",
    credit_class: str = "",
    village: str = "",
    include_merged: bool = False,
    unit: UnitChoice | None = None,
) -> QuerySet[Subject]:
    """Subjects present inside the actor's reach, optionally filtered by name / exact identifier, kind (``person``,
    ``org``, ``enterprise``, ``individual_business``, ``other_org``), credit class and village (a presence there).
    ``unit`` (the unit tree's choice): a presence in that town or village. Merged duplicates (tombstones) are left
    out unless ``include_merged``."""
    qs = subjects_visible(actor).select_related("registered_in", "village")
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    if village:
        qs = qs.filter(pk__in=presences_in_reach(actor).filter(village_id=village).values("subject_id"))
    if unit:
        qs = qs.filter(pk__in=presences_in_reach(actor).filter(unit.q("jurisdiction", "village")).values("subject_id"))
    if q:
        q = q.strip()
        by_id = Q(uscc=normalise_identifier(q))
        index = blind_index(q) if len(normalise_identifier(q)) == 18 else None
        if index:
            by_id |= Q(resident_id_index=index)
        qs = qs.filter(Q(name__icontains=q) | by_id)
    if kind:
        qs = qs.filter(KIND_FILTERS.get(kind, Q(pk__in=[])))
    if credit_class:
        qs = qs.filter(credit_class=credit_class)
    return qs.order_by("id")


def subject_is_visible_to(*, actor: Any, subject: Subject) -> bool:
    """The subject's own account, or staff whose reach covers one of the subject's presences."""
    if actor is None or not actor.is_authenticated:
        return False
    own = subject_for_user(actor)
    if own is not None and own.pk == subject.pk:
        return True
    return presences_in_reach(actor).filter(subject=subject).exists()


def subject_get(*, actor: Any, pk: int) -> Subject:
    """One subject by id, if visible to the actor. Errors: ``not_found`` (missing or out of scope alike)."""
    subject = Subject.objects.filter(pk=pk).select_related("registered_in").first()
    if subject is None or not subject_is_visible_to(actor=actor, subject=subject):
        raise NotFound()
    return subject


def subject_find_for(*, actor: Any, identifier: str) -> Subject:
    """Exact lookup by resident ID or USCC, answered only inside the actor's scope. Errors: ``not_found``."""
    subject = subject_find(identifier)
    if subject is None or not subject_is_visible_to(actor=actor, subject=subject):
        raise NotFound()
    return subject


def subject_lookup_for(*, actor: Any, identifier: str, field: str = "identifier") -> Subject:
    """Like ``subject_find_for``, but a malformed identifier is a 400 naming the problem (e.g. the expected check
    character), not a 404. Errors: ``resident_id_invalid`` / ``uscc_invalid`` / ``identifier_invalid`` (400),
    ``not_found`` (a well-formed identifier unknown here)."""
    from township.core.errors import BadInput, DomainError
    from township.core.identifiers import validate_identifier

    try:
        identifier = validate_identifier(identifier, field=field)
    except DomainError as exc:
        raise BadInput(exc.code, exc.message, field=field) from exc
    return subject_find_for(actor=actor, identifier=identifier)


def has_reveal_permission(actor: Any) -> bool:
    """The Django permission ``subjects.reveal_personal_data`` given explicitly (user or group).

    Deliberately not ``actor.has_perm``: a superuser holds every permission implicitly, and no administrator
    reads personal data (三员分立).
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    app_label, codename = REVEAL_PERMISSION
    return (
        Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        .filter(Q(user=actor) | Q(group__user=actor))
        .exists()
    )


def reveal_town(*, actor: Any, subject: Subject) -> str | None:
    """The town in which the actor may see this subject's data in full, or None.

    A window clerk or enforcement officer where the subject is present; or a holder of the explicit
    permission, where the subject is present inside the holder's reach.
    """
    presence = presences_in_reach(actor, REVEAL_ROLES).filter(subject=subject).order_by("jurisdiction_id").first()
    if presence is None and has_reveal_permission(actor):
        presence = presences_in_reach(actor).filter(subject=subject).order_by("jurisdiction_id").first()
    return presence.jurisdiction_id if presence is not None else None


def may_reveal(*, actor: Any, subject: Subject) -> bool:
    return reveal_town(actor=actor, subject=subject) is not None


def is_staff(actor: Any) -> bool:
    """Holds any role other than applicant somewhere."""
    r = reach(actor, staff_roles())
    return bool(r.codes or r.villages)


def reveal_log_in(codes: Iterable[str]) -> QuerySet[RevealLog]:
    """Every showing in full of a personal value in these towns (for the auditor's 个人信息查看记录), newest first."""
    return (
        RevealLog.objects.filter(jurisdiction_id__in=sorted(codes)).select_related("actor", "subject").order_by("-id")
    )

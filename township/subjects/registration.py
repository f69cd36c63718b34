"""Registering subjects (主体登记): one service, ``subject_register``, behind every way in.

* at the window (综合窗口) by a clerk — typically a walk-in whose ID lookup found nothing;
* by a village agent (村代办员) for residents of the agent's own village;
* by import from Excel (``township.subjects.importer``), every row through this service;
* online (网上自行登记) by the resident or enterprise account itself, for its own identifier only.

Every registration marks the subject present in the registering unit (town, and village if any), so the staff of
that unit see it and nobody else does (``SubjectPresence``). An identifier already registered is not registered
twice: the existing record is returned (and becomes present here too), or refused when a person's name differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.core.errors import DomainError, PermissionRefused
from township.core.identifiers import is_valid_resident_id, validate_identifier
from township.org.models import Jurisdiction, Level, Role
from township.org.scoping import reach
from township.subjects.models import PresenceSource, RegistrationChannel, Subject, SubjectKind
from township.subjects.services import subject_get_or_create_org, subject_get_or_create_person

# Staff who register subjects in their town (window and Excel import).
REGISTER_ROLES: tuple[str, ...] = (Role.WINDOW_CLERK, Role.APPROVER, Role.APPROVAL_HEAD, Role.CREDIT_OFFICER)


@dataclass(frozen=True)
class Registration:
    subject: Subject
    created: bool


def identifier_kind(identifier: str) -> str:
    """``person`` for a valid resident ID, else ``org`` (the identifier is validated first)."""
    return SubjectKind.PERSON if is_valid_resident_id(identifier) else SubjectKind.ORGANISATION


def register_towns(actor: Any) -> list[str]:
    """Towns where ``actor`` may register subjects as staff (window / import)."""
    return sorted(reach(actor, REGISTER_ROLES).codes)


def agent_villages(actor: Any) -> list[tuple[str, str]]:
    """(town, village) pairs where ``actor`` is a village agent."""
    return sorted(reach(actor, (Role.VILLAGE_AGENT,)).villages)


def default_channel(actor: Any) -> str:
    """The channel a staff member registers through: the window if they hold a window role, else their village."""
    if register_towns(actor):
        return RegistrationChannel.WINDOW
    if agent_villages(actor):
        return RegistrationChannel.VILLAGE_AGENT
    return RegistrationChannel.ONLINE


def _unit(code: Any, level: str | None = None) -> Jurisdiction | None:
    if not code:
        return None
    code = str(getattr(code, "pk", code))
    qs = Jurisdiction.objects.filter(pk=code)
    if level:
        qs = qs.filter(level=level)
    return qs.first()


def _resolve_unit(actor: Any, channel: str, town: Any, village: Any) -> tuple[Jurisdiction, Jurisdiction | None]:
    """The registering town (and village), checked against the actor's roles for this channel."""
    town_unit = _unit(town)
    village_unit = _unit(village, Level.VILLAGE)
    if village and village_unit is None:
        raise DomainError("village_invalid", _("所选村（社区）不存在"), field="village")
    if village_unit is not None and town_unit is None:
        town_unit = _unit(village_unit.parent_id)
    if channel == RegistrationChannel.VILLAGE_AGENT:
        mine = agent_villages(actor)
        if village_unit is None and len(mine) == 1:
            village_unit = _unit(mine[0][1])
            town_unit = _unit(mine[0][0])
        if village_unit is None:
            raise DomainError("village_required", _("请选择登记所在的村（社区）"), field="village")
        if (str(village_unit.parent_id), village_unit.pk) not in mine:
            raise PermissionRefused("register_not_permitted", _("村代办员只能登记本村（社区）居民"), field="village")
        return _unit(village_unit.parent_id) or village_unit, village_unit
    if channel in (RegistrationChannel.WINDOW, RegistrationChannel.IMPORT):
        towns = register_towns(actor)
        if town_unit is None and len(towns) == 1:
            town_unit = _unit(towns[0])
        if town_unit is None:
            raise DomainError("town_required", _("请选择登记单位"), field="town")
        if town_unit.pk not in towns:
            raise PermissionRefused("register_not_permitted", _("您无权在该单位登记主体"), field="town")
    elif channel == RegistrationChannel.ONLINE:
        if town_unit is None or town_unit.level == Level.VILLAGE:
            raise DomainError("town_required", _("请选择您所在的乡镇（街道）"), field="town")
    else:
        raise DomainError("channel_invalid", _("登记途径无效"), field="channel")
    if village_unit is not None and village_unit.parent_id != town_unit.pk:
        raise DomainError("village_invalid", _("所选村（社区）不属于登记单位"), field="village")
    return town_unit, village_unit


def _own_identifier_check(actor: Any, identifier: str) -> None:
    """Online: an account registers only the identifier it stands for (set on the account if it has none)."""
    own = (getattr(actor, "uscc", "") or "").upper() or (getattr(actor, "resident_id", "") or "").upper()
    if own and own != identifier:
        raise PermissionRefused("register_not_own", _("网上只能登记本账号实名认证的证件号码"), field="identifier")
    if not own:
        if identifier_kind(identifier) == SubjectKind.PERSON:
            actor.resident_id = identifier
            actor.save(update_fields=["resident_id"])
        else:
            actor.uscc = identifier
            actor.save(update_fields=["uscc"])


def subject_register(
    *,
    actor: Any,
    identifier: str,
    name: str,
    channel: str | None = None,
    phone: str = "",
    address: str = "",
    legal_representative: str = "",
    town: Any = None,
    village: Any = None,
) -> Registration:
    """Register a natural person (resident ID, GB 11643) or an organisation (USCC, GB 32100: enterprise,
    个体工商户, cooperative, other) in the registering unit, and mark it present there.

    Errors: ``resident_id_invalid`` / ``uscc_invalid`` / ``identifier_invalid`` (field identifier, the message names
    the problem, e.g. the expected check character), ``name_required``, ``subject_name_mismatch`` (人证不符),
    ``register_not_permitted`` (403: no role for this unit or village), ``register_not_own`` (403: online, another
    identifier), ``town_required`` / ``village_required`` / ``village_invalid``.
    """
    identifier = validate_identifier(identifier, field="identifier")
    channel = channel or default_channel(actor)
    if not (name or "").strip():
        raise DomainError("name_required", _("请填写姓名或名称"), field="name")
    town_unit, village_unit = _resolve_unit(actor, channel, town, village)
    with transaction.atomic():
        if channel == RegistrationChannel.ONLINE:
            _own_identifier_check(actor, identifier)
        common = {
            "phone": (phone or "").strip(),
            "address": (address or "").strip(),
            "registered_in": town_unit,
            "village": village_unit,
            "actor": actor,
        }
        existed = _exists(identifier)
        if identifier_kind(identifier) == SubjectKind.PERSON:
            subject = subject_get_or_create_person(resident_id=identifier, name=name, **common)
        else:
            subject = subject_get_or_create_org(
                uscc=identifier, name=name, legal_representative=(legal_representative or "").strip(), **common
            )
        if not existed:
            subject.registration_channel = channel
            subject.registered_by = actor if getattr(actor, "is_authenticated", False) else None
            subject.save(update_fields=["registration_channel", "registered_by", "updated_at"])
        else:  # known elsewhere: now present here too (the service marks registered_in only when it was blank)
            from township.subjects.services import subject_mark_present

            subject_mark_present(
                subject=subject, jurisdiction=town_unit, village=village_unit, source=PresenceSource.REGISTERED
            )
    return Registration(subject=subject, created=not existed)


def _exists(identifier: str) -> bool:
    from township.subjects.selectors import subject_find

    return subject_find(identifier) is not None

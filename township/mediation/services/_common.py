"""Helpers of the mediation services: roles, the closed-case rule, firing through the case type."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from township.cases.services import case_note
from township.core.errors import DomainError, PermissionRefused
from township.mediation.errors import Code
from township.mediation.models import Mediation
from township.org.models import Role
from township.org.scoping import has_role

MEDIATOR_ROLES = (Role.MEDIATOR,)
COMMITTEE_ADMIN_ROLES = (Role.MEDIATOR, Role.LEADER, Role.ADMINISTRATOR)


def require_mediator(actor: Any, mediation: Mediation) -> None:
    if not has_role(actor, mediation.jurisdiction_id, MEDIATOR_ROLES, village=mediation.village_id):
        raise PermissionRefused(Code.ROLE_REQUIRED, _("仅本村（社区）人民调解员可以办理"))


def require_open(mediation: Mediation) -> None:
    """A closed (归档、拒绝调解、撤回) case cannot be changed (人民调解法第27条 卷宗)."""
    mediation.case.refresh_from_db(fields=["closed_at", "state", "version", "head_seq", "head_hash"])
    if mediation.case.closed_at is not None:
        raise DomainError(Code.CASE_CLOSED, _("该调解案件已结案归档，不能再修改"))


def fire(mediation: Mediation, name: str, actor: Any, data: dict[str, Any] | None = None, comment: str = "") -> Any:
    from township.mediation.case_type import MEDIATION_CASE

    event = MEDIATION_CASE.fire(mediation.case, name, actor, data or {}, comment=comment)
    mediation.case.refresh_from_db()
    return event


def note(
    mediation: Mediation, actor: Any, name: str, label: str, data: dict[str, Any] | None = None, comment: str = ""
) -> None:
    case_note(case=mediation.case, actor=actor, name=name, label=label, data=data or {}, comment=comment)

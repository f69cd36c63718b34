"""人民调解委员会: one per village (人民调解法第8条), its members (第9条、第13条), the seal's signing unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.core.errors import BadInput, DomainError, PermissionRefused
from township.mediation.errors import Code
from township.mediation.models import Committee, CommitteeMember, MemberTitle
from township.mediation.services._common import COMMITTEE_ADMIN_ROLES
from township.org.models import Department, Jurisdiction, Level, User
from township.org.scoping import has_role


def _village(code: str) -> Jurisdiction:
    village = Jurisdiction.objects.filter(code=code, level=Level.VILLAGE).first()
    if village is None or not village.parent_id:
        raise BadInput(Code.VILLAGE_INVALID, _("请选择村（社区）"), field="village")
    return village


def _signing_unit(committee: Committee) -> Department | None:
    """The committee as a signing unit (its SM2 seal key hangs on a department row of the town)."""
    from township.core.identifiers import is_valid_uscc

    if not committee.uscc or not is_valid_uscc(committee.uscc):
        return None
    dept = Department.objects.filter(
        jurisdiction_id=committee.jurisdiction_id, kind="mediation", name=committee.name
    ).first()
    if dept is None:
        dept = Department.objects.create(
            jurisdiction_id=committee.jurisdiction_id,
            name=committee.name,
            short_name="调委会",
            kind="mediation",
            uscc=committee.uscc.upper(),
        )
    elif dept.uscc != committee.uscc.upper():
        dept.uscc = committee.uscc.upper()
        dept.save(update_fields=["uscc"])
    return dept


@transaction.atomic
def committee_create(
    *,
    actor: Any,
    village: str,
    name: str = "",
    uscc: str = "",
    address: str = "",
    term_start: dt.date | None = None,
    term_end: dt.date | None = None,
) -> Committee:
    """Set up a village's committee. Errors: village_invalid, mediation_role_required, committee_invalid."""
    v = _village(village)
    if not has_role(actor, str(v.parent_id), COMMITTEE_ADMIN_ROLES, village=v.code):
        raise PermissionRefused(Code.ROLE_REQUIRED, _("无权在该村（社区）设立调解委员会"))
    if uscc:
        from township.core.identifiers import is_valid_uscc

        if not is_valid_uscc(uscc):
            raise BadInput(Code.COMMITTEE_INVALID, _("统一社会信用代码无效"), field="uscc")
    label = name.strip() or f"{v.name.replace('村民委员会', '村').replace('居民委员会', '')}人民调解委员会"
    if Committee.objects.filter(jurisdiction_id=str(v.parent_id), village=v, name=label).exists():
        raise DomainError(Code.COMMITTEE_INVALID, _("该村（社区）已有同名调解委员会"), field="name")
    committee = Committee.objects.create(
        jurisdiction_id=str(v.parent_id),
        village=v,
        name=label[:64],
        uscc=uscc.upper(),
        address=address[:128],
        term_start=term_start,
        term_end=term_end,
    )
    dept = _signing_unit(committee)
    if dept is not None:
        committee.department = dept
        committee.save(update_fields=["department"])
    return committee


@transaction.atomic
def committee_set_members(
    *, actor: Any, committee: Committee, members: Iterable[tuple[User, str]]
) -> list[CommitteeMember]:
    """Replace the committee's members (users with the 人民调解员 role, and a title each)."""
    if not has_role(actor, committee.jurisdiction_id, COMMITTEE_ADMIN_ROLES, village=committee.village_id):
        raise PermissionRefused(Code.ROLE_REQUIRED, _("无权维护该调解委员会"))
    wanted = {u.pk: (u, title) for u, title in members}
    CommitteeMember.objects.filter(committee=committee).exclude(user_id__in=list(wanted)).update(active=False)
    out = []
    for user, title in wanted.values():
        if title not in MemberTitle.values:
            raise BadInput(Code.COMMITTEE_INVALID, _("职务无效"), field="title")
        member, _created = CommitteeMember.objects.update_or_create(
            jurisdiction_id=committee.jurisdiction_id,
            committee=committee,
            user=user,
            defaults={"title": title, "active": True},
        )
        out.append(member)
    return out

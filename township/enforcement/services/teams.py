"""Teams, officers, credentials and legal reviewers (行政处罚法第42条、第58条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from township.core.errors import DomainError
from township.enforcement import rules
from township.enforcement.errors import Code
from township.enforcement.models import (
    Credential,
    Domain,
    LegalReviewer,
    Officer,
    Team,
    TeamZone,
)
from township.enforcement.services.base import (
    MANAGER_ROLES,
    _town,
    _village,
    require_role,
)
from township.org.models import Jurisdiction, User

# ---------------------------------------------------------------------------------------------
# 1. Teams, officers, credentials, legal reviewers
# ---------------------------------------------------------------------------------------------


def _check_domains(domains: Iterable[str]) -> list[str]:
    out = list(dict.fromkeys(domains))
    bad = [d for d in out if d not in Domain.values]
    if bad:
        raise DomainError(Code.DOMAIN_INVALID, _("未知的执法领域：%(d)s") % {"d": "、".join(bad)}, field="domains")
    return out


@transaction.atomic
def team_create(
    *,
    jurisdiction: Jurisdiction | str,
    name: str,
    actor: Any,
    kind: str = Team.Kind.COMPREHENSIVE,
    domains: Iterable[str] = (),
    villages: Iterable[Jurisdiction | str] = (),
    leader: User | None = None,
    department: Any = None,
) -> Team:
    """Create a brigade with its zone (villages) and domains. Errors: permission_denied, domain_invalid,
    village_outside, name_taken."""
    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    name = name.strip()
    if not name:
        raise DomainError(Code.NAME_REQUIRED, _("请填写中队名称"), field="name")
    if Team.objects.filter(jurisdiction=town, name=name).exists():
        raise DomainError(Code.NAME_TAKEN, _("同名中队已存在"), field="name")
    team = Team.objects.create(
        jurisdiction=town, name=name, kind=kind, domains=_check_domains(domains), leader=leader, department=department
    )
    for v in villages:
        TeamZone.objects.create(jurisdiction=town, team=team, village=_village(town, v))
    return team


def team_for_village(*, jurisdiction: str, village: str | None, domain: str | None = None) -> Team | None:
    """The brigade whose zone covers the village (and, if several, whose domains include ``domain``)."""
    if not village:
        return None
    teams = list(
        Team.objects.filter(
            jurisdiction_id=jurisdiction, zones__jurisdiction_id=jurisdiction, active=True, zones__village_id=village
        )
        .distinct()
        .order_by("id")
    )
    if domain:
        for t in teams:
            if domain in t.domains:
                return t
    return teams[0] if teams else None


@transaction.atomic
def officer_create(
    *,
    jurisdiction: Jurisdiction | str,
    user: User,
    actor: Any,
    team: Team | None = None,
    department: Any = None,
    in_inspector_pool: bool = True,
) -> Officer:
    """Register a staff user as an enforcement officer. Errors: permission_denied, officer_exists."""
    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    if team is not None and team.jurisdiction_id != town.pk:
        raise DomainError(Code.TEAM_OUTSIDE, _("中队不属于该单位"), field="team")
    if Officer.objects.filter(jurisdiction=town, user=user).exists():
        raise DomainError(Code.OFFICER_EXISTS, _("该用户已登记为执法人员"), field="user")
    return Officer.objects.create(
        jurisdiction=town, user=user, team=team, department=department, in_inspector_pool=in_inspector_pool
    )


@transaction.atomic
def credential_add(
    *,
    officer: Officer,
    number: str,
    issuer: str,
    valid_from: dt.date,
    valid_until: dt.date,
    actor: Any,
    domains: Iterable[str] = (),
) -> Credential:
    """Record an enforcement credential (执法证). Errors: permission_denied, credential_dates, number_taken."""
    require_role(actor, officer.jurisdiction_id, MANAGER_ROLES)
    number = number.strip()
    if not number or not issuer.strip():
        raise DomainError(Code.CREDENTIAL_REQUIRED, _("请填写执法证号和发证机关"), field="number")
    if valid_until < valid_from:
        raise DomainError(Code.CREDENTIAL_DATES, _("有效期止不能早于有效期起"), field="valid_until")
    if Credential.objects.filter(jurisdiction_id=officer.jurisdiction_id, number=number).exists():
        raise DomainError(Code.NUMBER_TAKEN, _("执法证号已登记"), field="number")
    return Credential.objects.create(
        jurisdiction_id=officer.jurisdiction_id,
        officer=officer,
        number=number,
        issuer=issuer.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        domains=_check_domains(domains),
    )


@transaction.atomic
def legal_reviewer_create(
    *,
    jurisdiction: Jurisdiction | str,
    user: User,
    qualification: str,
    actor: Any,
    certificate_number: str = "",
    qualified_on: dt.date | None = None,
) -> LegalReviewer:
    """Record a legal reviewer with the qualification (Art 58): the legal profession qualification, or — only for a
    person who already did legal review before the 2021 law came into force — the date they began (``qualified_on``).
    Errors: permission_denied, qualification_invalid, qualification_missing, legacy_reviewer_date."""
    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    if qualification not in LegalReviewer.Qualification.values:
        raise DomainError(Code.QUALIFICATION_INVALID, _("资格类别无效"), field="qualification")
    rules.check_reviewer_qualification(
        qualification=qualification, certificate_number=certificate_number, qualified_on=qualified_on
    )
    return LegalReviewer.objects.create(
        jurisdiction=town,
        user=user,
        qualification=qualification,
        certificate_number=certificate_number.strip(),
        qualified_on=qualified_on,
    )


def credential_views(jurisdiction: str, user_ids: Sequence[int]) -> list[tuple[int, list[rules.CredentialView]]]:
    """For each user id, the credentials of the officer registered in ``jurisdiction`` (none if not an officer)."""
    by_user: dict[int, list[rules.CredentialView]] = {int(u): [] for u in user_ids}
    rows = Credential.objects.filter(
        jurisdiction_id=jurisdiction,
        officer__jurisdiction_id=jurisdiction,  # Citus: both joined tables on the town's shard
        officer__user_id__in=list(by_user),
        officer__active=True,
    ).values_list("officer__user_id", "number", "valid_from", "valid_until", "revoked", "domains")
    for uid, number, vf, vu, revoked, domains in rows:
        by_user[uid].append(rules.CredentialView(number, vf, vu, revoked, tuple(domains or ())))
    return list(by_user.items())


def check_officers_for(*, jurisdiction: str, user_ids: Sequence[int], on: dt.date, domain: str | None) -> list[str]:
    """Art 42/55 on real rows; returns the credential numbers shown."""
    views = credential_views(jurisdiction, user_ids)
    rules.check_officers(views, on=on, domain=domain)
    return sorted(c.number for _uid, creds in views for c in creds if c.valid_on(on, domain))

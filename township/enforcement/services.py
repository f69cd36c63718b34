"""Enforcement services: the only place that writes enforcement rows and moves penalty cases.

Services are keyword-only ``<entity>_<verb>(*, ..., actor)``; they check the actor's role in the owning
jurisdiction, record the domain facts and fire the engine's transition in one transaction, so a refused
guard leaves nothing behind. Error codes are listed in each docstring.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from township.cases.errors import TransitionRefused
from township.cases.models import Case
from township.cases.services import case_attach, case_extend, case_note, case_open
from township.cases.types import case_type_for
from township.core.errors import DomainError, PermissionRefused
from township.enforcement import facts as case_facts
from township.enforcement import rules
from township.enforcement.errors import Code
from township.enforcement.machine import PENALTY_CASE, SUMMARY_CASE, PenaltyState
from township.enforcement.models import (
    Clue,
    Credential,
    Disclosure,
    DiscretionBand,
    Domain,
    EnforcementConfig,
    Evidence,
    HearingThreshold,
    InvestigativeAct,
    LegalReviewer,
    Officer,
    PartyKind,
    PenaltyCase,
    PenaltyItem,
    PenaltyType,
    Preservation,
    ServiceRecord,
    Team,
    TeamZone,
)
from township.org.models import Jurisdiction, Level, Role, User
from township.org.scoping import has_role

MANAGER_ROLES = (Role.LEADER, Role.ADMINISTRATOR)
# Chinese labels of the facts this app writes on the timeline (the case page shows the label, not the name).
NOTE_LABELS = {
    "investigative_act": _lazy("调查取证"),
    "preservation_decided": _lazy("保存物品处理决定"),
    "statement": _lazy("陈述申辩"),
    "review_grounds": _lazy("法制审核情形"),
    "collective_discussion": _lazy("集体讨论"),
    "extend": _lazy("延长办案期限"),
    "instalment": _lazy("批准暂缓或分期缴纳"),
    "payment_due_set": _lazy("确定缴款期限"),
    "demand": _lazy("催告"),
    "cash_hand_over": _lazy("罚款交至行政机关"),
    "disclosure_publish": _lazy("执法公示"),
    "disclosure_withdraw": _lazy("撤下公示"),
}


def timeline_note(*, case: Case, actor: Any, name: str, **kwargs: Any) -> Any:
    """``case_note`` with the fact's Chinese label."""
    return case_note(case=case, actor=actor, name=name, label=str(NOTE_LABELS[name]), **kwargs)


OFFICER_ROLES = (Role.ENFORCEMENT_OFFICER,)
HEAD_ROLES = (Role.LEADER,)
CASE_ROLES = (Role.ENFORCEMENT_OFFICER, Role.LEADER, Role.LEGAL_REVIEWER)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _code(jurisdiction: Jurisdiction | str) -> str:
    return str(getattr(jurisdiction, "pk", jurisdiction))


def require_role(actor: Any, code: str, roles: Iterable[str], village: str | None = None) -> None:
    if not has_role(actor, code, roles, village):
        raise PermissionRefused(Code.PERMISSION_DENIED, _("您在该单位没有执行此操作的权限"))


def _local_date(moment: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(moment or timezone.now())


def config_for(jurisdiction: Jurisdiction | str) -> EnforcementConfig:
    code = _code(jurisdiction)
    return EnforcementConfig.objects.filter(jurisdiction_id=code).first() or EnforcementConfig(jurisdiction_id=code)


def _town(jurisdiction: Jurisdiction | str) -> Jurisdiction:
    jur = jurisdiction if isinstance(jurisdiction, Jurisdiction) else Jurisdiction.objects.get(pk=jurisdiction)
    if jur.level == Level.VILLAGE:
        raise DomainError(
            Code.JURISDICTION_LEVEL, _("执法业务归属乡镇（街道）或区县，不能归属村社区"), field="jurisdiction"
        )
    return jur


def _village(town: Jurisdiction, village: Jurisdiction | str | None) -> Jurisdiction | None:
    if village in (None, ""):
        return None
    v = village if isinstance(village, Jurisdiction) else Jurisdiction.objects.get(pk=village)
    if v.parent_id != town.pk:
        raise DomainError(Code.VILLAGE_OUTSIDE, _("村社区不属于该乡镇"), field="village")
    return v


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
        Team.objects.filter(jurisdiction_id=jurisdiction, active=True, zones__village_id=village)
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
        jurisdiction_id=jurisdiction, officer__user_id__in=list(by_user), officer__active=True
    ).values_list("officer__user_id", "number", "valid_from", "valid_until", "revoked", "domains")
    for uid, number, vf, vu, revoked, domains in rows:
        by_user[uid].append(rules.CredentialView(number, vf, vu, revoked, tuple(domains or ())))
    return list(by_user.items())


def check_officers_for(*, jurisdiction: str, user_ids: Sequence[int], on: dt.date, domain: str | None) -> list[str]:
    """Art 42/55 on real rows; returns the credential numbers shown."""
    views = credential_views(jurisdiction, user_ids)
    rules.check_officers(views, on=on, domain=domain)
    return sorted(c.number for _uid, creds in views for c in creds if c.valid_on(on, domain))


# ---------------------------------------------------------------------------------------------
# 3. Penalty items, discretion bands, hearing thresholds
# ---------------------------------------------------------------------------------------------


def _money(v: Any) -> Decimal | None:
    return None if v in (None, "") else Decimal(str(v))


@transaction.atomic
def penalty_item_create(
    *,
    jurisdiction: Jurisdiction | str,
    code: str,
    name: str,
    domain: str,
    legal_basis: str,
    penalty_types: Iterable[str],
    actor: Any,
    fine_min: Any = None,
    fine_max: Any = None,
    violated_provision: str = "",
    catalog_item_code: str = "",
    life_health_finance: bool = False,
    bands: Iterable[dict[str, Any]] = (),
) -> PenaltyItem:
    """A penalty item with its discretion bands (轻微/一般/较重/严重). Errors: permission_denied, penalty_type_invalid,
    fine_range, band_outside_range, code_taken."""
    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    types = list(dict.fromkeys(penalty_types))
    if not types or any(t not in PenaltyType.values for t in types):
        raise DomainError(Code.PENALTY_TYPE_INVALID, _("处罚种类须为行政处罚法第九条规定的种类"), field="penalty_types")
    lo, hi = _money(fine_min), _money(fine_max)
    if lo is not None and hi is not None and lo > hi:
        raise DomainError(Code.FINE_RANGE, _("罚款下限不能高于上限"), field="fine_min")
    if PenaltyItem.objects.filter(jurisdiction=town, code=code).exists():
        raise DomainError(Code.CODE_TAKEN, _("事项编码已存在"), field="code")
    item = PenaltyItem.objects.create(
        jurisdiction=town,
        code=code,
        name=name,
        domain=_check_domains([domain])[0],
        legal_basis=legal_basis,
        violated_provision=violated_provision,
        penalty_types=types,
        fine_min=lo,
        fine_max=hi,
        catalog_item_code=catalog_item_code,
        life_health_finance=life_health_finance,
    )
    for band in bands:
        discretion_band_set(item=item, actor=actor, **band)
    return item


def discretion_band_set(
    *,
    item: PenaltyItem,
    level: str,
    conditions: str,
    actor: Any,
    fine_min: Any = None,
    fine_max: Any = None,
    penalty_types: Iterable[str] = (),
    no_penalty: bool = False,
) -> DiscretionBand:
    """One discretion band; its sub-range lies inside the item's range. Errors: band_level, band_outside_range."""
    require_role(actor, item.jurisdiction_id, MANAGER_ROLES)
    if level not in DiscretionBand.Level.values:
        raise DomainError(Code.BAND_LEVEL, _("裁量等级无效"), field="level")
    lo, hi = _money(fine_min), _money(fine_max)
    if (
        (lo is not None and hi is not None and lo > hi)
        or (lo is not None and item.fine_min is not None and lo < item.fine_min)
        or (hi is not None and item.fine_max is not None and hi > item.fine_max)
    ):
        raise DomainError(Code.BAND_OUTSIDE_RANGE, _("裁量区间须在法定罚款幅度之内"), field="fine_max")
    band, _created = DiscretionBand.objects.update_or_create(
        jurisdiction_id=item.jurisdiction_id,
        item=item,
        level=level,
        defaults={
            "conditions": conditions,
            "fine_min": lo,
            "fine_max": hi,
            "penalty_types": list(penalty_types),
            "no_penalty": no_penalty,
        },
    )
    return band


def band_for(item: PenaltyItem, fine: Any) -> DiscretionBand | None:
    """The discretion band a fine falls into (the lowest level whose sub-range contains it)."""
    amount = Decimal(str(fine or 0))
    order = list(DiscretionBand.Level.values)
    bands = sorted(item.bands.all(), key=lambda b: order.index(b.level))
    for b in bands:
        if b.fine_min is not None and b.fine_max is not None and b.fine_min <= amount <= b.fine_max:
            return b
    return None


def hearing_threshold_set(
    *,
    jurisdiction: Jurisdiction | str,
    domain: str,
    person_fine: Any,
    organisation_fine: Any,
    confiscation_value: Any,
    actor: Any,
    source: str = "",
) -> HearingThreshold:
    """ "较大数额" per domain and jurisdiction (Art 63). Errors: permission_denied."""
    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    row, _created = HearingThreshold.objects.update_or_create(
        jurisdiction=town,
        domain=_check_domains([domain])[0],
        defaults={
            "person_fine": Decimal(str(person_fine)),
            "organisation_fine": Decimal(str(organisation_fine)),
            "confiscation_value": Decimal(str(confiscation_value)),
            "source": source,
        },
    )
    return row


def penalty_items_import_from_catalog(*, jurisdiction: Jurisdiction | str, actor: Any) -> int:
    """Create a PenaltyItem for every published 行政处罚 item of the catalog in the jurisdiction that is not yet
    linked (code = the catalog's implementation or basic code; basis copied; penalty types warning + fine and no
    fine range until the bureau completes them). Returns how many were created. Errors: permission_denied."""
    from township.catalog.selectors import items_for_enforcement

    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    linked = set(PenaltyItem.objects.filter(jurisdiction=town).values_list("catalog_item_code", flat=True))
    created = 0
    for item in items_for_enforcement(actor=actor).filter(jurisdiction_id=town.pk, item_type="02").order_by("id"):
        code = item.implementation_code or item.basic_code or f"CAT-{item.pk}"
        if code in linked or PenaltyItem.objects.filter(jurisdiction=town, code=code).exists():
            continue
        PenaltyItem.objects.create(
            jurisdiction=town,
            code=code,
            name=item.name[:200],
            domain=Domain.OTHER,
            legal_basis=item.legal_basis or "",
            penalty_types=[PenaltyType.WARNING, PenaltyType.FINE],
            catalog_item_code=code,
        )
        linked.add(code)
        created += 1
    return created


# ---------------------------------------------------------------------------------------------
# 4. Clues
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def clue_create(
    *,
    jurisdiction: Jurisdiction | str,
    source: str,
    summary: str,
    actor: Any,
    village: Jurisdiction | str | None = None,
    location: dict[str, Any] | None = None,
    source_case: Case | None = None,
    source_ref: str = "",
    party_kind: str = "",
    party_name: str = "",
    party_id_number: str = "",
    subject: Any = None,
    received_at: dt.datetime | None = None,
) -> Clue:
    """Register a clue (案源); it must be decided within the configured working days (default 15).
    ``actor=None`` is another app's system call. Errors: permission_denied, summary_required, source_invalid."""
    town = _town(jurisdiction)
    if actor is not None:
        require_role(actor, town.pk, CASE_ROLES + (Role.DISPATCHER, Role.APPROVER, Role.APPROVAL_HEAD))
    if source not in Clue.Source.values:
        raise DomainError(Code.SOURCE_INVALID, _("案源来源无效"), field="source")
    if not summary.strip():
        raise DomainError(Code.SUMMARY_REQUIRED, _("请填写案源摘要"), field="summary")
    if source_case is not None and source_case.jurisdiction_id != town.pk:
        raise DomainError(Code.SOURCE_OUTSIDE, _("来源案件不属于该单位"), field="source_case")
    received_at = received_at or timezone.now()
    decide_by = rules.agency_deadline(_local_date(received_at), config_for(town).clue_decision_working_days)
    if subject is not None:
        party_kind = party_kind or (PartyKind.PERSON if subject.kind == "person" else PartyKind.ORGANISATION)
        party_name = party_name or subject.name
        party_id_number = party_id_number or (subject.resident_id or subject.uscc or "")
    return Clue.objects.create(
        jurisdiction=town,
        source=source,
        summary=summary.strip(),
        village=_village(town, village),
        location=location,
        source_case=source_case,
        source_ref=source_ref or (source_case.number if source_case else ""),
        party_kind=party_kind,
        party_name=party_name,
        party_id_number=party_id_number,
        subject=subject,
        received_at=received_at,
        decide_by=decide_by,
        created_by=actor,
    )


def clue_create_from_grid_event(
    *,
    jurisdiction: Jurisdiction | str,
    event_case: Case,
    actor: Any,
    summary: str,
    location: dict[str, Any] | None = None,
) -> Clue:
    """Entry point for the grid app: a grid event becomes a clue (SPEC §3 capability 6)."""
    return clue_create(
        jurisdiction=jurisdiction,
        source=Clue.Source.GRID_EVENT,
        summary=summary,
        actor=actor,
        village=event_case.village_id,
        location=location,
        source_case=event_case,
    )


def clue_create_from_verification(
    *, jurisdiction: Jurisdiction | str, source_case: Case, subject: Any, actor: Any, summary: str
) -> Clue:
    """Entry point for approval: a failed post-approval verification becomes a clue (SPEC §3 capability 9)."""
    return clue_create(
        jurisdiction=jurisdiction,
        source=Clue.Source.VERIFICATION,
        summary=summary,
        actor=actor,
        village=source_case.village_id,
        source_case=source_case,
        subject=subject,
    )


def _pending_clue(clue: Clue) -> Clue:
    locked = Clue.objects.select_for_update().get(jurisdiction_id=clue.jurisdiction_id, pk=clue.pk)
    if locked.decision != Clue.Decision.PENDING:
        raise DomainError(Code.CLUE_DECIDED, _("该案源已处理"), field="decision")
    return locked


@transaction.atomic
def clue_reject(*, clue: Clue, reason: str, actor: Any) -> Clue:
    """Decide not to file (不予立案), with a reason. Errors: permission_denied, reason_required, clue_decided."""
    require_role(actor, clue.jurisdiction_id, (Role.ENFORCEMENT_OFFICER, Role.LEADER))
    if not reason.strip():
        raise DomainError(Code.REASON_REQUIRED, _("不予立案须写明理由"), field="reason")
    clue = _pending_clue(clue)
    clue.decision = Clue.Decision.NOT_FILED
    clue.decision_reason = reason.strip()
    clue.decided_by = actor
    clue.decided_at = timezone.now()
    clue.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    return clue


@transaction.atomic
def clue_extend(*, clue: Clue, days: int, reason: str, approved_by: User, actor: Any) -> Clue:
    """Extend the clue's decision period with the head's approval (SAMR rules: +15 working days)."""
    require_role(actor, clue.jurisdiction_id, (Role.ENFORCEMENT_OFFICER, Role.LEADER))
    rules.check_extension(
        approver_is_head=has_role(approved_by, clue.jurisdiction_id, HEAD_ROLES), reason=reason, days=days
    )
    clue = _pending_clue(clue)
    clue.decide_by = rules.agency_deadline(clue.decide_by, days)
    clue.decision_reason = _("延期：%(r)s（批准人：%(a)s）") % {"r": reason, "a": approved_by}
    clue.save(update_fields=["decide_by", "decision_reason"])
    return clue


def clue_warning(clue: Clue, today: dt.date | None = None) -> str:
    """green / yellow / red / overdue for the clue's decision deadline."""
    if clue.decision != Clue.Decision.PENDING:
        return "none"
    today = today or _local_date()
    left = (clue.decide_by - today).days
    if left < 0:
        return "overdue"
    if left <= 2:
        return "red"
    if left <= 5:
        return "yellow"
    return "normal"


# ---------------------------------------------------------------------------------------------
# 5. Penalty cases — ordinary procedure
# ---------------------------------------------------------------------------------------------


def _pc_locked(pc: PenaltyCase) -> PenaltyCase:
    """The case's record, locked; its case carries it, so the guards' facts are read from what the step writes."""
    locked = (
        PenaltyCase.objects.select_for_update().select_related("case").get(jurisdiction_id=pc.jurisdiction_id, pk=pc.pk)
    )
    locked.case._case_type_record = locked  # type: ignore[attr-defined]
    return locked


def _subject_for(party_kind: str, party_id_number: str, name: str, address: str, town: Jurisdiction) -> Any:
    if not party_id_number:
        return None
    try:
        from township.subjects import selectors as subject_selectors
        from township.subjects import services as subject_services
    except ImportError:  # pragma: no cover
        return None
    found = subject_selectors.subject_find(party_id_number)
    if found is not None:
        return found
    try:
        if party_kind == PartyKind.PERSON:
            return subject_services.subject_get_or_create_person(
                resident_id=party_id_number, name=name, address=address, registered_in=town
            )
        return subject_services.subject_get_or_create_org(
            uscc=party_id_number, name=name, address=address, registered_in=town
        )
    except DomainError:
        return None


def _validate_party_id(party_kind: str, number: str) -> str:
    from township.core.identifiers import validate_resident_id, validate_uscc

    if not number:
        return ""
    if party_kind == PartyKind.PERSON:
        return validate_resident_id(number, field="party_id_number")
    return validate_uscc(number, field="party_id_number")


@transaction.atomic
def penalty_case_file(
    *,
    jurisdiction: Jurisdiction | str,
    actor: Any,
    approved_by: User,
    party_kind: str,
    party_name: str,
    act_date: dt.date,
    domain: str,
    investigators: Sequence[int],
    facts: str = "",
    party_id_number: str = "",
    party_address: str = "",
    party_representative: str = "",
    act_ended_on: dt.date | None = None,
    life_health_finance: bool | None = None,
    item: PenaltyItem | None = None,
    clue: Clue | None = None,
    village: Jurisdiction | str | None = None,
    legal_review_grounds: Iterable[str] = (),
    major_case: bool = False,
    team: Team | None = None,
) -> PenaltyCase:
    """立案 (Art 54) with the head's approval; refuses a case beyond the limitation period (Art 36) and one
    without two credentialed investigators (Art 42). Errors: permission_denied, filing_approver,
    limitation_expired, two_officers_required, credential_invalid, clue_decided, review_ground_invalid."""
    town = _town(jurisdiction)
    require_role(actor, town.pk, OFFICER_ROLES)
    if not has_role(approved_by, town.pk, HEAD_ROLES):
        raise TransitionRefused(
            Code.FILING_APPROVER, _("立案须经行政机关负责人批准（行政处罚法第五十四条）"), field="approved_by"
        )
    if party_kind not in PartyKind.values:
        raise DomainError(Code.PARTY_KIND_INVALID, _("当事人类型无效"), field="party_kind")
    if not party_name.strip():
        raise DomainError(Code.PARTY_REQUIRED, _("请填写当事人"), field="party_name")
    party_id_number = _validate_party_id(party_kind, party_id_number.strip())
    grounds = list(dict.fromkeys(legal_review_grounds))
    if any(g not in rules.LEGAL_REVIEW_GROUNDS for g in grounds):
        raise DomainError(Code.REVIEW_GROUND_INVALID, _("法制审核情形无效"), field="legal_review_grounds")
    if item is not None and item.jurisdiction_id != town.pk:
        raise DomainError(Code.ITEM_OUTSIDE, _("处罚事项不属于该单位"), field="item")
    if life_health_finance is None:
        life_health_finance = bool(item and item.life_health_finance)
    now = timezone.now()
    today = _local_date(now)
    discovered_on = _local_date(clue.received_at) if clue is not None else today
    rules.check_limitation(
        act_date=act_date,
        act_ended_on=act_ended_on,
        life_health_finance=life_health_finance,
        discovered_on=discovered_on,
    )
    investigators = list(dict.fromkeys(int(i) for i in investigators))
    check_officers_for(jurisdiction=town.pk, user_ids=investigators, on=today, domain=domain)
    if clue is not None:
        clue = _pending_clue(clue)
        village = village or clue.village_id
    v = _village(town, village)
    due = rules.decision_deadline(today)
    clock: dict[str, Any] = {}
    try:
        from township.core.calendar import due_datetime

        due_datetime(now, rules.DECISION_NATURAL_DAYS, "natural_days")
        clock = {"clock_unit": "natural_days", "clock_limit": rules.DECISION_NATURAL_DAYS}
    except DomainError:
        clock = {}  # the holiday table does not reach the deadline yet: the record's decision_due still applies
    case = case_open(
        case_type=PENALTY_CASE,
        jurisdiction=town,
        actor=actor,
        title=_("%(party)s涉嫌违法案") % {"party": party_name.strip()},
        village=v,
        data={"approved_by": approved_by.pk, "clue": clue.pk if clue else None},
        **clock,
    )
    pc = PenaltyCase.objects.create(
        jurisdiction=town,
        case=case,
        procedure=PenaltyCase.Procedure.ORDINARY,
        clue=clue,
        item=item,
        domain=_check_domains([domain])[0],
        team=team or team_for_village(jurisdiction=town.pk, village=v.pk if v else None, domain=domain),
        village=v,
        party_kind=party_kind,
        party_name=party_name.strip(),
        party_id_number=party_id_number,
        party_address=party_address,
        party_representative=party_representative,
        subject=(clue.subject if clue and clue.subject_id else None)
        or _subject_for(party_kind, party_id_number, party_name, party_address, town),
        act_date=act_date,
        act_ended_on=act_ended_on,
        life_health_finance=life_health_finance,
        facts=facts,
        filed_at=now,
        filing_approved_by=approved_by,
        decision_due=due,
        investigators=investigators,
        legal_review_grounds=grounds,
        major_case=major_case,
    )
    if clue is not None:
        clue.decision = Clue.Decision.FILED
        clue.decided_by = actor
        clue.decided_at = now
        clue.save(update_fields=["decision", "decided_by", "decided_at"])
    return pc


def clue_file(*, clue: Clue, actor: Any, approved_by: User, **kwargs: Any) -> PenaltyCase:
    """立案 from a clue: the party and village come from the clue unless given."""
    kwargs.setdefault("party_kind", clue.party_kind or PartyKind.PERSON)
    kwargs.setdefault("party_name", clue.party_name)
    kwargs.setdefault("party_id_number", clue.party_id_number)
    return penalty_case_file(
        jurisdiction=clue.jurisdiction_id, clue=clue, actor=actor, approved_by=approved_by, **kwargs
    )


INVESTIGATION_STATES = (PenaltyState.FILED, PenaltyState.INVESTIGATING, PenaltyState.NOTIFIED, PenaltyState.HEARD)


@transaction.atomic
def penalty_act_record(
    *,
    penalty_case: PenaltyCase,
    kind: str,
    at: dt.datetime,
    place: str,
    officers: Sequence[int],
    actor: Any,
    summary: str = "",
    files: Iterable[Any] = (),
) -> InvestigativeAct:
    """Record an investigative act with ≥ 2 credentialed officers (Art 42, 55) and its evidence with the full-process
    record (Art 47: who, when, where, SHA-256 of each file). Errors: permission_denied, two_officers_required,
    credential_invalid, act_state, act_kind."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES)
    if pc.case.state not in INVESTIGATION_STATES:
        raise TransitionRefused(Code.ACT_STATE, _("案件当前状态不能进行调查取证"))
    if kind not in InvestigativeAct.Kind.values:
        raise DomainError(Code.ACT_KIND, _("调查取证类别无效"), field="kind")
    if not place.strip():
        raise DomainError(Code.PLACE_REQUIRED, _("请填写地点"), field="place")
    officers = list(dict.fromkeys(int(o) for o in officers))
    shown = check_officers_for(jurisdiction=pc.jurisdiction_id, user_ids=officers, on=_local_date(at), domain=pc.domain)
    if pc.case.state == PenaltyState.FILED:
        case_type_for(pc.case.case_type).fire(pc.case, "investigate", actor)
        pc.case.refresh_from_db()
    act = InvestigativeAct.objects.create(
        jurisdiction_id=pc.jurisdiction_id,
        penalty_case=pc,
        kind=kind,
        at=at,
        place=place.strip(),
        officers=officers,
        credential_numbers=shown,
        summary=summary,
        recorded_by=actor,
    )
    names = []
    for f in files:
        attachment = case_attach(case=pc.case, actor=actor, uploaded_file=f, purpose="evidence")
        Evidence.objects.create(
            jurisdiction_id=pc.jurisdiction_id,
            penalty_case=pc,
            act=act,
            attachment=attachment,
            name=attachment.name,
            sha256=attachment.sha256,
            collected_by=actor,
            collected_at=at,
            place=place.strip(),
        )
        names.append({"name": attachment.name, "sha256": attachment.sha256})
    timeline_note(
        case=pc.case,
        actor=actor,
        name="investigative_act",
        data={
            "kind": kind,
            "at": at.isoformat(),
            "place": place.strip(),
            "officers": officers,
            "credentials": shown,
            "evidence": names,
        },
        comment=summary,
    )
    return act


@transaction.atomic
def preservation_start(
    *,
    penalty_case: PenaltyCase,
    goods: str,
    started_on: dt.date,
    approved_by: User,
    officers: Sequence[int],
    actor: Any,
    place: str = "",
) -> Preservation:
    """先行登记保存 with the head's approval (Art 56); a decision is due within 7 working days.
    Errors: preservation_approver and those of penalty_act_record."""
    if not has_role(approved_by, penalty_case.jurisdiction_id, HEAD_ROLES):
        raise TransitionRefused(
            Code.PRESERVATION_APPROVER,
            _("先行登记保存须经行政机关负责人批准（行政处罚法第五十六条）"),
            field="approved_by",
        )
    at = timezone.make_aware(dt.datetime.combine(started_on, dt.time(10, 0)))
    penalty_act_record(
        penalty_case=penalty_case,
        kind=InvestigativeAct.Kind.PRESERVATION,
        at=at,
        place=place or penalty_case.party_address or "-",
        officers=officers,
        actor=actor,
        summary=goods,
    )
    return Preservation.objects.create(
        jurisdiction_id=penalty_case.jurisdiction_id,
        penalty_case=penalty_case,
        goods=goods,
        started_on=started_on,
        approved_by=approved_by,
        decide_by=rules.preservation_deadline(started_on),
    )


@transaction.atomic
def preservation_decide(*, preservation: Preservation, outcome: str, decided_on: dt.date, actor: Any) -> Preservation:
    """Decide on preserved evidence within 7 working days (Art 56); later only a release is accepted.
    Errors: permission_denied, preservation_overdue, preservation_decided."""
    require_role(actor, preservation.jurisdiction_id, OFFICER_ROLES + HEAD_ROLES)
    p = Preservation.objects.select_for_update().get(jurisdiction_id=preservation.jurisdiction_id, pk=preservation.pk)
    if p.outcome != Preservation.Outcome.PENDING:
        raise DomainError(Code.PRESERVATION_DECIDED, _("已作出处理决定"))
    if outcome not in {"confiscate", "seize", "release"}:
        raise DomainError(Code.PRESERVATION_OUTCOME, _("处理决定无效"), field="outcome")
    rules.check_preservation_decision(started_on=p.started_on, decided_on=decided_on, outcome=outcome)
    p.outcome = outcome
    p.decided_on = decided_on
    p.save(update_fields=["outcome", "decided_on"])
    timeline_note(
        case=p.penalty_case.case,
        actor=actor,
        name="preservation_decided",
        data={"outcome": outcome, "on": decided_on.isoformat()},
    )
    return p


def _penalty_dict(types: Iterable[str], fine: Any, confiscation_value: Any = None, **extra: Any) -> dict[str, Any]:
    types = list(dict.fromkeys(types))
    if any(t not in PenaltyType.values for t in types):
        raise DomainError(Code.PENALTY_TYPE_INVALID, _("处罚种类须为行政处罚法第九条规定的种类"), field="types")
    rules.check_types_within_power(types)
    out = {
        "types": types,
        "fine": str(Decimal(str(fine or 0))),
        "confiscation_value": str(Decimal(str(confiscation_value or 0))),
    }
    out.update(extra)
    return out


@transaction.atomic
def penalty_notice(
    *,
    penalty_case: PenaltyCase,
    actor: Any,
    types: Iterable[str],
    facts: str,
    reasons: str,
    basis: str,
    served_on: dt.date,
    fine: Any = 0,
    confiscation_value: Any = 0,
    rights: Iterable[str] | None = None,
    mode: str = ServiceRecord.Mode.DIRECT,
    consent_signed: bool = False,
    received_on: dt.date | None = None,
) -> PenaltyCase:
    """行政处罚事先告知 (Art 44): intended penalty, facts, reasons, basis and the rights to state, defend and — where
    Art 63 applies — request a hearing. ``rights`` defaults to every right the party has.
    Errors: investigation_missing, notice_incomplete, notice_rights_missing, notice_hearing_right_missing."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES)
    penalty = _penalty_dict(types, fine, confiscation_value)
    eligible = rules.hearing_right(penalty, pc.party_kind, case_facts.threshold_for(pc))
    if rights is None:
        rights = ["statement", "defence"] + (["hearing"] if eligible else [])
    pc.notice = {**penalty, "facts": facts, "reasons": reasons, "basis": basis, "rights": list(rights)}
    pc.hearing_offered = "hearing" in pc.notice["rights"]
    served = rules.service_effective_date(
        mode=mode, sent_on=served_on, consent_signed=consent_signed, received_on=received_on
    )
    pc.notice_served_on = served
    pc.save(update_fields=["notice", "hearing_offered", "notice_served_on"])
    ServiceRecord.objects.create(
        jurisdiction_id=pc.jurisdiction_id,
        penalty_case=pc,
        document="notice",
        mode=mode,
        sent_on=served_on,
        served_on=served,
        consent_signed=consent_signed,
        recipient=pc.party_name,
        recorded_by=actor,
    )
    case_type_for(pc.case.case_type).fire(pc.case, "notify", actor, {"notice": pc.notice})
    return pc


@transaction.atomic
def penalty_statement_record(
    *,
    penalty_case: PenaltyCase,
    actor: Any,
    statement: str = "",
    review: str = "",
    waived: bool = False,
    hearing_waived: bool = False,
) -> PenaltyCase:
    """Record the party's statement and defence and the agency's review (复核, Art 45), or an express waiver of the
    statement and defence; ``hearing_waived`` records a written waiver of the hearing (otherwise the 5-working-day
    hearing window runs whatever the party says, Art 64)."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES)
    if pc.notice_served_on is None:
        raise TransitionRefused(Code.NOTICE_REQUIRED, _("尚未告知，不能记录陈述申辩"))
    if hearing_waived:
        pc.hearing_waived = True
    if waived:
        pc.rights_waived = True
    elif statement.strip():
        pc.defended = True
        pc.statement = statement.strip()
        pc.statement_review = review.strip()
    elif not hearing_waived:  # a hearing waiver alone is a record of its own
        raise DomainError(Code.STATEMENT_REQUIRED, _("请填写陈述申辩意见"), field="statement")
    pc.save(update_fields=["rights_waived", "hearing_waived", "defended", "statement", "statement_review"])
    timeline_note(
        case=pc.case,
        actor=actor,
        name="statement",
        data={"waived": waived, "hearing_waived": hearing_waived},
        comment=statement or review,
    )
    return pc


@transaction.atomic
def penalty_hearing_request(*, penalty_case: PenaltyCase, requested_on: dt.date, actor: Any) -> PenaltyCase:
    """The party requests a hearing (Art 64: within 5 working days of the notice). Errors: hearing_not_eligible,
    hearing_request_late."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES)
    pc.hearing_requested_on = requested_on
    pc.save(update_fields=["hearing_requested_on"])
    case_type_for(pc.case.case_type).fire(pc.case, "request_hearing", actor, {"requested_on": requested_on.isoformat()})
    return pc


@transaction.atomic
def penalty_hearing_schedule(
    *, penalty_case: PenaltyCase, notice_on: dt.date, hearing_on: dt.date, chair: User, place: str, actor: Any
) -> PenaltyCase:
    """听证通知 7 working days before the hearing, chaired by a non-investigator (Art 64).
    Errors: hearing_notice_too_late, hearing_chair_investigator."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES)
    pc.hearing_notice_on = notice_on
    pc.hearing_on = hearing_on
    pc.hearing_chair = chair
    pc.hearing_place = place
    pc.save(update_fields=["hearing_notice_on", "hearing_on", "hearing_chair", "hearing_place"])
    case_type_for(pc.case.case_type).fire(
        pc.case, "schedule_hearing", actor, {"hearing_on": hearing_on.isoformat(), "chair": chair.pk}
    )
    return pc


@transaction.atomic
def penalty_hearing_hold(
    *, penalty_case: PenaltyCase, record: str, actor: Any, held_on: dt.date | None = None, party_absent: bool = False
) -> PenaltyCase:
    """The hearing is held and recorded (Art 64); a no-show without good reason counts as a waiver.
    Errors: hearing_not_yet, hearing_record_missing."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES + HEAD_ROLES)
    if party_absent:
        record = (record + "\n" if record else "") + _("当事人无正当理由拒不出席听证，视为放弃听证权利。")
    pc.hearing_record = record
    pc.hearing_held = True
    pc.save(update_fields=["hearing_record", "hearing_held"])
    case_type_for(pc.case.case_type).fire(
        pc.case,
        "hold_hearing",
        actor,
        {"held_on": (held_on or _local_date()).isoformat(), "party_absent": party_absent},
    )
    return pc


@transaction.atomic
def penalty_review(
    *, penalty_case: PenaltyCase, actor: Any, opinion: str, passed: bool, reviewed_on: dt.date | None = None
) -> PenaltyCase:
    """法制审核 by a qualified reviewer who did not investigate (Art 58). Errors: reviewer_unqualified,
    reviewer_is_investigator, review_opinion_missing."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, (Role.LEGAL_REVIEWER,))
    pc.reviewer = actor
    pc.review_opinion = opinion
    pc.review_passed = passed
    pc.reviewed_on = reviewed_on or _local_date()
    pc.save(update_fields=["reviewer", "review_opinion", "review_passed", "reviewed_on"])
    case_type_for(pc.case.case_type).fire(
        pc.case, "review", actor, {"passed": passed, "reviewed_on": pc.reviewed_on.isoformat()}, comment=opinion
    )
    return pc


@transaction.atomic
def penalty_review_grounds_set(
    *, penalty_case: PenaltyCase, actor: Any, grounds: Iterable[str], major_case: bool, reason: str = ""
) -> PenaltyCase:
    """Record, before the decision, which Art 58 situations apply (法制审核) and whether the case is major (集体讨论,
    Art 57) — facts often only known after the investigation. Adding is for the case's officers and heads; taking a
    ground away (or the major flag) only for a head, with a reason. Errors: review_ground_invalid, decision_made,
    reason_required, permission_denied."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES + HEAD_ROLES)
    from township.enforcement.selectors import OPEN_STATES

    if pc.case.state not in OPEN_STATES:
        raise TransitionRefused(Code.DECISION_MADE, _("已作出决定的案件不能再变更法制审核情形"))
    grounds = list(dict.fromkeys(grounds))
    if any(g not in rules.LEGAL_REVIEW_GROUNDS for g in grounds):
        raise DomainError(Code.REVIEW_GROUND_INVALID, _("法制审核情形无效"), field="grounds")
    removed = [g for g in pc.legal_review_grounds if g not in grounds]
    if removed or (pc.major_case and not major_case):
        require_role(actor, pc.jurisdiction_id, HEAD_ROLES)
        if not reason.strip():
            raise DomainError(
                Code.REASON_REQUIRED, _("取消法制审核情形或重大案件认定，须由负责人写明理由"), field="reason"
            )
    before = {"grounds": list(pc.legal_review_grounds), "major_case": pc.major_case}
    pc.legal_review_grounds = grounds
    pc.major_case = major_case
    pc.save(update_fields=["legal_review_grounds", "major_case"])
    timeline_note(
        case=pc.case,
        actor=actor,
        name="review_grounds",
        data={"before": before, "after": {"grounds": grounds, "major_case": major_case}},
        comment=reason.strip(),
    )
    return pc


@transaction.atomic
def penalty_discussion_record(
    *, penalty_case: PenaltyCase, actor: Any, participants: Sequence[str], conclusion: str, held_on: dt.date
) -> PenaltyCase:
    """集体讨论 by the heads for major cases (Art 57). Errors: permission_denied."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, HEAD_ROLES)
    pc.discussion = {"participants": list(participants), "conclusion": conclusion, "held_on": held_on.isoformat()}
    pc.save(update_fields=["discussion"])
    timeline_note(case=pc.case, actor=actor, name="collective_discussion", data=pc.discussion)
    return pc


@transaction.atomic
def penalty_extend(*, penalty_case: PenaltyCase, days: int, reason: str, approved_by: User, actor: Any) -> PenaltyCase:
    """Extend the 90-day decision period with the head's approval and a reason (Art 60 and department rules).
    Errors: extension_invalid, extension_approver."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES + HEAD_ROLES)
    rules.check_extension(
        approver_is_head=has_role(approved_by, pc.jurisdiction_id, HEAD_ROLES), reason=reason, days=days
    )
    pc.decision_due = rules.agency_deadline(pc.decision_due, days, "natural_days")
    pc.save(update_fields=["decision_due"])
    if pc.case.due_at is not None:
        case_extend(case=pc.case, actor=actor, amount=days, reason=reason, approved_by=approved_by)
    else:
        timeline_note(
            case=pc.case, actor=actor, name="extend", data={"days": days, "approved_by": approved_by.pk}, comment=reason
        )
    return pc


def _decision_document(
    pc: PenaltyCase, penalty: dict[str, Any], decided_on: dt.date, overrides: dict[str, Any]
) -> dict[str, Any]:
    cfg = config_for(pc.jurisdiction_id)
    agency = cfg.bureau_name or f"{pc.jurisdiction.name}综合行政执法办公室"
    evidence = [e.name for e in pc.evidence.all()] or [
        f"{a.get_kind_display()}（{timezone.localtime(a.at):%Y-%m-%d}）" for a in pc.acts.all()
    ]
    fine = Decimal(penalty["fine"])
    if fine > 0:
        performance = _(
            "自收到本决定书之日起十五日内，到%(bank)s缴纳罚款%(fine)s元；到期不缴纳的，每日按罚款数额的百分之三加处罚款。"
        ) % {
            "bank": cfg.bank or _("指定银行或者通过电子支付系统"),
            "fine": fine,
        }
    else:
        performance = _("自收到本决定书之日起履行。")
    doc = {
        "party_name": pc.party_name,
        "party_address": pc.party_address,
        "party_id_number": pc.party_id_number,
        "facts": pc.notice.get("facts") or pc.facts,
        "evidence": evidence,
        "penalty_types": [str(PenaltyType(t).label) for t in penalty["types"]],
        "legal_basis": pc.notice.get("basis") or (pc.item.legal_basis if pc.item_id else ""),
        "performance": performance,
        "remedies": _(
            "如不服本决定，可以在收到本决定书之日起六十日内向%(body)s申请行政复议，或者在六个月内依法向%(court)s提起行政诉讼。"
        )
        % {"body": cfg.review_body or _("上一级行政机关"), "court": cfg.court or _("人民法院")},
        "agency": agency,
        "date": decided_on.isoformat(),
        "publication": _("本决定将依法向社会公示。"),
    }
    doc.update({k: v for k, v in overrides.items() if v not in (None, "")})
    return {**penalty, **doc}


@transaction.atomic
def penalty_decide(
    *,
    penalty_case: PenaltyCase,
    actor: Any,
    types: Iterable[str],
    fine: Any = 0,
    confiscation_value: Any = 0,
    decided_on: dt.date | None = None,
    certificates: Iterable[Any] = (),
    **document: Any,
) -> PenaltyCase:
    """作出行政处罚决定 (Art 57–62, 65) by the head. Refuses a decision without notice, before the statement or
    hearing window closes, heavier than the notice after a defence, without the required legal review or collective
    discussion, after the 90-day period, or missing an Art 59 element. Afterwards: a credit entry for the subject,
    revocation of the named certificates when the decision revokes a licence, and the disclosure due within
    7 working days. Errors: the guard codes in rules.py (notice_required, statement_window_open, hearing_pending,
    heavier_than_notice, legal_review_required, reviewer_unqualified, reviewer_is_investigator,
    collective_discussion_required, decision_overdue, decision_element_missing, fine_above_range …)."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, HEAD_ROLES)
    decided_on = decided_on or _local_date()
    penalty = _penalty_dict(types, fine, confiscation_value)
    certificates = list(certificates)
    from township.enforcement.selectors import revocable_certificates

    rules.check_revocation(
        types=penalty["types"],
        named=len(certificates),
        revocable=len(revocable_certificates(penalty_case=pc)) if not certificates else 0,
    )
    pc.decision = _decision_document(pc, penalty, decided_on, document)
    pc.decided_on = decided_on
    pc.fine = Decimal(penalty["fine"])
    pc.decision_number = pc.case.number
    pc.save(update_fields=["decision", "decided_on", "fine", "decision_number"])
    case_type_for(pc.case.case_type).fire(
        pc.case,
        "decide",
        actor,
        {"decided_on": decided_on.isoformat(), "types": penalty["types"], "fine": penalty["fine"]},
    )
    _after_decision(pc, actor, certificates)
    return pc


def _after_decision(pc: PenaltyCase, actor: Any, certificates: list[Any]) -> None:
    from township.enforcement import disclosure as disclosure_services

    _credit_entry(pc, actor)
    if PenaltyType.REVOKE_LICENCE in pc.decision.get("types", []):
        _revoke_certificates(pc, actor, certificates)
    disclosure_services.disclosure_prepare(penalty_case=pc)


def _credit_entry(pc: PenaltyCase, actor: Any) -> None:
    """Every penalty decision writes a credit entry for the subject (SPEC §3.8, §3.9)."""
    try:
        from township.credit.services import credit_record_create
    except ImportError:  # pragma: no cover
        return
    if pc.subject_id is None:
        return
    labels = "、".join(pc.decision.get("penalty_types", []))
    credit_record_create(
        subject=pc.subject,
        kind="penalty",
        reason=_("%(agency)s作出行政处罚决定（%(number)s）：%(types)s")
        % {
            "agency": pc.decision.get("agency", ""),
            "number": pc.decision_number,
            "types": labels,
        },
        actor=None,
        jurisdiction=pc.jurisdiction_id,
        source_case=pc.case,
        source_app="enforcement",
        valid_from=pc.decided_on,
    )


def _revoke_certificates(pc: PenaltyCase, actor: Any, certificates: list[Any]) -> None:
    """A revocation decision revokes the certificate in the library (SPEC §3.9)."""
    try:
        from township.certificates.services import certificate_revoke
    except ImportError:  # pragma: no cover
        return
    for cert in certificates:
        if cert.holder_id != pc.subject_id:
            raise DomainError(Code.CERTIFICATE_HOLDER, _("吊销的证照不属于本案当事人"), field="certificates")
        certificate_revoke(
            certificate=cert,
            actor=None,
            reason=_("行政处罚决定吊销（%(n)s）") % {"n": pc.decision_number},
            source_case=pc.case,
        )


@transaction.atomic
def penalty_serve(
    *,
    penalty_case: PenaltyCase,
    actor: Any,
    mode: str,
    sent_on: dt.date,
    consent_signed: bool = False,
    recipient: str = "",
    witness: str = "",
    received_on: dt.date | None = None,
) -> PenaltyCase:
    """送达决定书 (Art 61): direct, left at the address, post (served on the day on the return receipt,
    ``received_on``), electronic only with signed consent, public notice (served 30 days after publication). Payment
    falls due 15 days after service (Art 67). Errors: electronic_service_consent, service_mode_invalid,
    service_before_decision, receipt_date_required, receipt_before_sending."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES)
    if pc.decided_on is None:
        raise TransitionRefused(Code.DECISION_MISSING, _("尚未作出决定"))
    if sent_on < pc.decided_on:
        raise TransitionRefused(Code.SERVICE_BEFORE_DECISION, _("送达日期不能早于决定日期"), field="sent_on")
    if mode == ServiceRecord.Mode.LEFT and not witness.strip():
        raise DomainError(Code.WITNESS_REQUIRED, _("留置送达须有见证人或者拍照、录像记录"), field="witness")
    served = rules.service_effective_date(
        mode=mode, sent_on=sent_on, consent_signed=consent_signed, received_on=received_on
    )
    ServiceRecord.objects.create(
        jurisdiction_id=pc.jurisdiction_id,
        penalty_case=pc,
        document="decision",
        mode=mode,
        sent_on=sent_on,
        served_on=served,
        consent_signed=consent_signed,
        recipient=recipient or pc.party_name,
        witness=witness,
        recorded_by=actor,
    )
    pc.served_on = served
    pc.payment_due = rules.payment_deadline(served) if pc.fine > 0 else None
    pc.save(update_fields=["served_on", "payment_due"])
    late_service = False
    try:
        rules.check_service_in_time(decided_on=pc.decided_on, sent_on=sent_on)
    except TransitionRefused:
        late_service = True
    case_type_for(pc.case.case_type).fire(
        pc.case, "serve", actor, {"mode": mode, "served_on": served.isoformat(), "late_service": late_service}
    )
    return pc


@transaction.atomic
def penalty_instalment_approve(
    *, penalty_case: PenaltyCase, until: dt.date, approved_by: User, reason: str, actor: Any, instalments: int = 1
) -> PenaltyCase:
    """暂缓或者分期缴纳 on application and approval (Art 66). Errors: extension_invalid, extension_approver."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES + HEAD_ROLES)
    rules.check_extension(
        approver_is_head=has_role(approved_by, pc.jurisdiction_id, HEAD_ROLES), reason=reason, days=1 if until else 0
    )
    if pc.payment_due_pending:
        raise DomainError(Code.PAYMENT_DUE_PENDING, rules.payment_due_pending_message(), field="until")
    if pc.payment_due is None or until <= pc.payment_due:
        raise DomainError(Code.INSTALMENT_UNTIL, _("暂缓或分期的期限应晚于原缴款期限"), field="until")
    pc.instalments = {"until": until.isoformat(), "count": instalments, "approved_by": approved_by.pk, "reason": reason}
    pc.save(update_fields=["instalments"])
    timeline_note(case=pc.case, actor=actor, name="instalment", data=pc.instalments, comment=reason)
    return pc


def penalty_payment_due_refresh(year: int) -> int:
    """Fill in the payment deadlines left open because ``year``'s holidays were not entered when the decision was
    served (rules.payment_deadline). Runs when a holiday year is saved; returns how many cases got their date."""
    pending = PenaltyCase.objects.filter(
        payment_due__isnull=True,
        fine__gt=0,
        served_on__gte=dt.date(year - 1, 12, 1),
        served_on__lte=dt.date(year, 12, 31),
    ).select_related("case")
    filled = 0
    for pc in pending:
        due = rules.payment_deadline(pc.served_on)
        if due is None:
            continue
        with transaction.atomic():
            if not PenaltyCase.objects.filter(pk=pc.pk, payment_due__isnull=True).update(payment_due=due):
                continue
            timeline_note(
                case=pc.case,
                actor=None,
                name="payment_due_set",
                data={"payment_due": due.isoformat(), "holiday_year": year},
                comment=_("%(year)s年节假日已录入，缴款期限确定为%(due)s") % {"year": year, "due": due.isoformat()},
            )
        filled += 1
    return filled


def penalty_late_fine(penalty_case: PenaltyCase, until: dt.date | None = None) -> list[rules.LateFineDay]:
    """The late fine day by day (Art 72) from the payment deadline (or approved postponement) to ``until``."""
    if penalty_case.payment_due is None:
        return []
    due = penalty_case.payment_due
    if penalty_case.instalments.get("until"):
        due = dt.date.fromisoformat(penalty_case.instalments["until"])
    end = until or penalty_case.paid_on or _local_date()
    return rules.late_fine_schedule(penalty_case.fine, due, end)


@transaction.atomic
def penalty_mark_overdue(*, penalty_case: PenaltyCase, actor: Any, today: dt.date | None = None) -> PenaltyCase:
    """The payment period passed without payment (the worker may fire this with actor=None).
    Errors: payment_not_overdue."""
    pc = _pc_locked(penalty_case)
    case_type_for(pc.case.case_type).fire(
        pc.case, "mark_overdue", actor, {"today": (today or _local_date()).isoformat()}
    )
    return pc


@transaction.atomic
def penalty_pay(
    *, penalty_case: PenaltyCase, actor: Any, paid_on: dt.date, amount: Any, late_amount: Any = 0
) -> PenaltyCase:
    """Record the payment at the bank (Art 67); with a late payment, the capped late fine is due too (Art 72).
    Errors: fine_unpaid, late_fine_unpaid."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES)
    pc.paid_on = paid_on
    pc.paid_fine = Decimal(str(amount))
    pc.paid_late_fine = Decimal(str(late_amount or 0))
    pc.save(update_fields=["paid_on", "paid_fine", "paid_late_fine"])
    schedule = penalty_late_fine(pc, paid_on)
    case_type_for(pc.case.case_type).fire(
        pc.case,
        "pay",
        actor,
        {
            "paid_on": paid_on.isoformat(),
            "amount": str(pc.paid_fine),
            "late_fine": str(schedule[-1].total if schedule else 0),
            "late_days": len(schedule),
        },
    )
    return pc


@transaction.atomic
def penalty_demand(*, penalty_case: PenaltyCase, actor: Any, served_on: dt.date) -> PenaltyCase:
    """催告 (行政强制法第35条、第54条): a written demand to perform, served on the party. Errors: demand_state."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES + HEAD_ROLES)
    if pc.case.state != PenaltyState.OVERDUE:
        raise TransitionRefused(Code.DEMAND_STATE, _("逾期未履行的，方可催告"))
    pc.demand_served_on = served_on
    pc.save(update_fields=["demand_served_on"])
    timeline_note(case=pc.case, actor=actor, name="demand", data={"served_on": served_on.isoformat()})
    return pc


@transaction.atomic
def penalty_apply_enforcement(
    *, penalty_case: PenaltyCase, actor: Any, applied_on: dt.date | None = None, court: str = ""
) -> PenaltyCase:
    """申请人民法院强制执行 (Art 72(4); 行政强制法第53条、第54条): after a demand and 10 working days, inside the
    3-month window after the challenge periods. Errors: demand_required, demand_period_running,
    challenge_period_running, application_period_expired."""
    pc = _pc_locked(penalty_case)
    applied_on = applied_on or _local_date()
    pc.enforcement_applied_on = applied_on
    pc.save(update_fields=["enforcement_applied_on"])
    case_type_for(pc.case.case_type).fire(
        pc.case, "apply_enforcement", actor, {"court": court, "applied_on": applied_on.isoformat()}
    )
    return pc


@transaction.atomic
def penalty_close(*, penalty_case: PenaltyCase, actor: Any, report: str) -> PenaltyCase:
    """结案 with the closing report (Art 47). Errors: close_report_missing, fine_outstanding."""
    pc = _pc_locked(penalty_case)
    pc.closed_report = report
    pc.save(update_fields=["closed_report"])
    name = "close_performed" if pc.case.state == PenaltyState.SERVED else "close"
    case_type_for(pc.case.case_type).fire(pc.case, name, actor)
    return pc


@transaction.atomic
def penalty_investigate(*, penalty_case: PenaltyCase, actor: Any, comment: str = "") -> PenaltyCase:
    """开始调查 (Art 54); recording the first investigative act starts it too."""
    pc = _pc_locked(penalty_case)
    case_type_for(pc.case.case_type).fire(pc.case, "investigate", actor, comment=comment)
    return pc


@transaction.atomic
def penalty_archive(*, penalty_case: PenaltyCase, actor: Any) -> PenaltyCase:
    """归档 (Art 47): the case file (电子卷宗) is complete; the timeline is sealed by the engine."""
    pc = _pc_locked(penalty_case)
    case_type_for(pc.case.case_type).fire(pc.case, "archive", actor)
    return pc


@transaction.atomic
def penalty_drop(*, penalty_case: PenaltyCase, actor: Any, reason: str) -> PenaltyCase:
    """撤销立案 (no violation, no penalty under Art 33, or transfer). Errors: reason_required."""
    if not reason.strip():
        raise DomainError(Code.REASON_REQUIRED, _("请写明撤案理由"), field="reason")
    pc = _pc_locked(penalty_case)
    case_type_for(pc.case.case_type).fire(pc.case, "drop", actor, {"reason": reason}, comment=reason)
    return pc


# ---------------------------------------------------------------------------------------------
# 5b. Summary procedure (简易程序)
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def summary_case_create(
    *,
    jurisdiction: Jurisdiction | str,
    actor: Any,
    party_kind: str,
    party_name: str,
    types: Iterable[str],
    facts: str,
    basis: str,
    place: str,
    officers: Sequence[int],
    fine: Any = 0,
    party_id_number: str = "",
    party_address: str = "",
    domain: str = Domain.CITY,
    item: PenaltyItem | None = None,
    village: Jurisdiction | str | None = None,
    files: Iterable[Any] = (),
    evidence_names: Iterable[str] = (),
    rights_told: bool = False,
    statement: str = "",
) -> PenaltyCase:
    """当场处罚 (Art 51, 52): only a warning or a fine ≤ 200 yuan (citizen) / ≤ 3,000 yuan (organisation), with
    evidence; the officer shows the credential; the pre-numbered decision is handed over on the spot and the case
    is filed with the agency afterwards. Errors: summary_type_not_allowed, summary_fine_cap,
    summary_evidence_required, summary_rights_not_told, two_officers_required, credential_invalid.
    ``rights_told`` confirms the party was told the penalty and the right to state and defend (Art 44); what the
    party said goes in ``statement``."""
    town = _town(jurisdiction)
    require_role(actor, town.pk, OFFICER_ROLES)
    files = list(files)
    evidence_names = [n for n in evidence_names if n]
    types = list(dict.fromkeys(types))
    rules.check_summary_penalty(
        party_kind=party_kind, types=types, fine=fine, evidence_count=len(files) + len(evidence_names)
    )
    if not facts.strip() or not basis.strip():
        raise TransitionRefused(
            Code.SUMMARY_BASIS_REQUIRED, _("当场处罚须违法事实确凿并有法定依据（行政处罚法第五十一条）"), field="basis"
        )
    rules.check_summary_rights_told(rights_told=rights_told)
    now = timezone.now()
    today = _local_date(now)
    officers = list(dict.fromkeys(int(o) for o in officers))
    # Art 42: two officers with valid credentials here too (no law gives a township's summary procedure an
    # exception); Art 52: they show them to the party.
    shown = check_officers_for(jurisdiction=town.pk, user_ids=officers, on=today, domain=domain)
    party_id_number = _validate_party_id(party_kind, party_id_number.strip())
    v = _village(town, village)
    case = case_open(
        case_type=SUMMARY_CASE,
        jurisdiction=town,
        actor=actor,
        title=_("%(party)s当场处罚") % {"party": party_name},
        village=v,
        data={"place": place, "officers": officers},
    )
    penalty = _penalty_dict(types, fine)
    pc = PenaltyCase.objects.create(
        jurisdiction=town,
        case=case,
        procedure=PenaltyCase.Procedure.SUMMARY,
        item=item,
        domain=_check_domains([domain])[0],
        village=v,
        party_kind=party_kind,
        party_name=party_name,
        party_id_number=party_id_number,
        party_address=party_address,
        subject=_subject_for(party_kind, party_id_number, party_name, party_address, town),
        act_date=today,
        facts=facts,
        filed_at=now,
        decision_due=today,
        investigators=officers,
        decision={
            **penalty,
            "party_name": party_name,
            "facts": facts,
            "legal_basis": basis,
            "place": place,
            "penalty_types": [str(PenaltyType(t).label) for t in types],
            "officers": shown,
            "date": today.isoformat(),
        },
        decided_on=today,
        served_on=today,
        payment_due=rules.payment_deadline(today) if Decimal(penalty["fine"]) > 0 else None,
        fine=Decimal(penalty["fine"]),
        decision_number=case.number,
        notice={**penalty, "facts": facts, "basis": basis, "rights": ["statement", "defence"], "on_the_spot": True},
        notice_served_on=today,
        defended=bool(statement.strip()),
        statement=statement.strip(),
    )
    for f in files:
        att = case_attach(case=case, actor=actor, uploaded_file=f, purpose="evidence")
        Evidence.objects.create(
            jurisdiction=town,
            penalty_case=pc,
            attachment=att,
            name=att.name,
            sha256=att.sha256,
            collected_by=actor,
            collected_at=now,
            place=place,
        )
    for name in evidence_names:
        Evidence.objects.create(
            jurisdiction=town,
            penalty_case=pc,
            name=name,
            sha256=hashlib.sha256(name.encode()).hexdigest(),
            collected_by=actor,
            collected_at=now,
            place=place,
        )
    _credit_entry(pc, actor)
    return pc


@transaction.atomic
def summary_collect_on_spot(
    *, penalty_case: PenaltyCase, actor: Any, receipt_number: str, hard_to_enforce: bool = False
) -> PenaltyCase:
    """当场收缴 (Art 68): ≤ 100 yuan, or hard to enforce later; against the official receipt, whose number is
    recorded (Art 70). Errors: on_spot_collection_cap, receipt_required."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES)
    rules.check_receipt(receipt_number=receipt_number)
    pc.paid_fine = pc.fine
    pc.paid_on = _local_date()
    pc.collected_on_spot = True
    pc.receipt_number = receipt_number.strip()
    pc.save(update_fields=["paid_fine", "paid_on", "collected_on_spot", "receipt_number"])
    case_type_for(pc.case.case_type).fire(
        pc.case,
        "collect_on_spot",
        actor,
        {"hard_to_enforce": hard_to_enforce, "amount": str(pc.fine), "receipt": pc.receipt_number},
    )
    return pc


@transaction.atomic
def summary_cash_hand_over(*, penalty_case: PenaltyCase, actor: Any, handed_over_on: dt.date) -> PenaltyCase:
    """The cash collected on the spot reaches the agency (Art 71: within 2 working days; later is flagged on the
    timeline). Errors: not_collected_on_spot, already_handed_over, hand_over_date_invalid."""
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES + HEAD_ROLES)
    rules.check_cash_to_hand_over(
        collected_on_spot=pc.collected_on_spot and pc.paid_on is not None,
        handed_over=pc.cash_handed_over_on is not None,
    )
    if handed_over_on < pc.paid_on or handed_over_on > _local_date():
        raise DomainError(
            Code.HAND_OVER_DATE_INVALID, _("交款日期不能早于收缴日期，也不能晚于今天"), field="handed_over_on"
        )
    pc.cash_handed_over_on = handed_over_on
    pc.save(update_fields=["cash_handed_over_on"])
    late = rules.cash_hand_over_late(collected_on=pc.paid_on, handed_over_on=handed_over_on)
    timeline_note(
        case=pc.case,
        actor=actor,
        name="cash_hand_over",
        data={"handed_over_on": handed_over_on.isoformat(), "late": late},
        comment=_("超过二日交至行政机关（行政处罚法第七十一条）") if late else "",
    )
    return pc


@transaction.atomic
def summary_pay(*, penalty_case: PenaltyCase, actor: Any, paid_on: dt.date, amount: Any) -> PenaltyCase:
    pc = _pc_locked(penalty_case)
    require_role(actor, pc.jurisdiction_id, OFFICER_ROLES)
    pc.paid_fine = Decimal(str(amount))
    pc.paid_on = paid_on
    pc.save(update_fields=["paid_fine", "paid_on"])
    case_type_for(pc.case.case_type).fire(pc.case, "pay", actor, {"paid_on": paid_on.isoformat()})
    return pc


@transaction.atomic
def summary_record(*, penalty_case: PenaltyCase, actor: Any) -> PenaltyCase:
    """报所属行政机关备案 (Art 52)."""
    pc = _pc_locked(penalty_case)
    case_type_for(pc.case.case_type).fire(pc.case, "record", actor)
    return pc


def disclosure_for(pc: PenaltyCase) -> Disclosure | None:
    return Disclosure.objects.filter(jurisdiction_id=pc.jurisdiction_id, penalty_case=pc).first()

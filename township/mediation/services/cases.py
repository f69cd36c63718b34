"""Registering a mediation, the parties and their consent, the mediator, 回避, sessions, withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.services import case_open
from township.core.errors import BadInput, DomainError, PermissionRefused
from township.mediation import rules, selectors
from township.mediation.errors import Code
from township.mediation.machine import CASE_TYPE
from township.mediation.models import (
    Committee,
    Consent,
    DisputeType,
    Mediation,
    Outcome,
    Party,
    Recusal,
    Session,
    Side,
    Source,
)
from township.mediation.services._common import MEDIATOR_ROLES, fire, note, require_mediator, require_open
from township.org.models import User
from township.org.scoping import has_role


def _clean_id(value: str) -> str:
    from township.core.identifiers import is_valid_resident_id, is_valid_uscc

    value = (value or "").strip().upper()
    if value and not (is_valid_resident_id(value) or is_valid_uscc(value)):
        raise BadInput(Code.RESIDENT_ID_INVALID, _("身份证号（或统一社会信用代码）无效"), field="resident_id")
    return value


def _clean_phone(value: str) -> str:
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if value and (not value.isdigit() or not 7 <= len(value) <= 12):
        raise BadInput(Code.PHONE_INVALID, _("联系电话格式不正确"), field="phone")
    return value


def party_add_row(
    mediation: Mediation, *, side: str, name: str, resident_id: str = "", phone: str = "", address: str = ""
) -> Party:
    if side not in Side.values:
        raise BadInput(Code.PARTY_INVALID, _("请选择当事人地位"), field="side")
    if not name.strip():
        raise BadInput(Code.PARTY_INVALID, _("请填写当事人姓名或名称"), field="name")
    return Party.objects.create(
        jurisdiction_id=mediation.jurisdiction_id,
        mediation=mediation,
        side=side,
        name=name.strip()[:64],
        resident_id=_clean_id(resident_id),
        phone=_clean_phone(phone),
        address=address.strip()[:128],
    )


@transaction.atomic
def mediation_register(
    *,
    actor: Any,
    committee: Committee,
    dispute_type: str,
    summary: str,
    parties: list[dict[str, str]],
    claims: str = "",
    source: str = Source.APPLICATION,
    court_name: str = "",
    received_on: dt.date | None = None,
    check_role: bool = True,
) -> Mediation:
    """登记 an application (by a party, 委派 by a court, on the committee's initiative or forwarded): the case in its
    first state, the parties with consent still to be asked (人民调解法第17条、第27条)."""
    if check_role and not has_role(actor, committee.jurisdiction_id, MEDIATOR_ROLES, village=committee.village_id):
        raise PermissionRefused(Code.ROLE_REQUIRED, _("仅本村（社区）人民调解员可以登记调解申请"))
    if dispute_type not in DisputeType.values:
        raise BadInput(Code.PARTY_INVALID, _("请选择纠纷类型"), field="dispute_type")
    if not summary.strip():
        raise BadInput(Code.PARTY_INVALID, _("请填写纠纷简要情况"), field="summary")
    if source not in Source.values:
        raise BadInput(Code.PARTY_INVALID, _("来源无效"), field="source")
    if source == Source.COURT and not court_name.strip():
        raise BadInput(Code.COURT_REQUIRED, _("法院委派的调解请填写委派法院"), field="court_name")
    names = "、".join(p.get("name", "") for p in parties if p.get("name"))
    title = f"{names}{DisputeType(dispute_type).label}" if names else str(DisputeType(dispute_type).label)
    case = case_open(
        case_type=CASE_TYPE,
        jurisdiction=committee.jurisdiction_id,
        village=committee.village_id,
        actor=actor,
        title=title[:200],
        data={"source": source, "committee": committee.pk},
    )
    mediation = Mediation.objects.create(
        jurisdiction_id=committee.jurisdiction_id,
        case=case,
        village_id=committee.village_id,
        committee=committee,
        source=source,
        court_name=court_name.strip()[:64],
        dispute_type=dispute_type,
        summary=summary.strip(),
        claims=claims.strip(),
        received_on=received_on or timezone.localdate(),
    )
    for p in parties:
        if p.get("name"):
            party_add_row(
                mediation,
                side=p.get("side", ""),
                name=p["name"],
                resident_id=p.get("resident_id", ""),
                phone=p.get("phone", ""),
                address=p.get("address", ""),
            )
    return mediation


@transaction.atomic
def party_add(
    *, mediation: Mediation, actor: Any, side: str, name: str, resident_id: str = "", phone: str = "", address: str = ""
) -> Party:
    require_mediator(actor, mediation)
    require_open(mediation)
    party = party_add_row(mediation, side=side, name=name, resident_id=resident_id, phone=phone, address=address)
    note(
        mediation,
        actor,
        "party_add",
        _("登记当事人：%(name)s（%(side)s）") % {"name": party.name, "side": party.get_side_display()},
    )
    return party


def _party(mediation: Mediation, party_id: Any) -> Party:
    party: Party | None = Party.objects.filter(
        jurisdiction_id=mediation.jurisdiction_id, mediation=mediation, pk=party_id
    ).first()
    if party is None:
        raise BadInput(Code.PARTY_INVALID, _("请选择本案当事人"), field="party")
    return party


@transaction.atomic
def consent_record(
    *, mediation: Mediation, actor: Any, party_id: int, agreed: bool, on: dt.date | None = None, remark: str = ""
) -> Mediation:
    """征询意见: a party agrees to or refuses mediation; a clear refusal stops it (人民调解法第17条)."""
    require_mediator(actor, mediation)
    require_open(mediation)
    party = _party(mediation, party_id)
    party.consent = Consent.AGREED if agreed else Consent.REFUSED
    party.consent_on = on or timezone.localdate()
    party.consent_note = remark[:200]
    party.save(update_fields=["consent", "consent_on", "consent_note"])
    note(
        mediation,
        actor,
        "consent",
        _("%(name)s%(what)s") % {"name": party.name, "what": _("同意调解") if agreed else _("明确拒绝调解")},
        {"party": party.pk, "agreed": agreed, "on": party.consent_on.isoformat()},
        remark,
    )
    if not agreed:
        mediation.outcome = Outcome.REFUSED
        mediation.ended_on = party.consent_on
        mediation.end_reason = _("当事人%(name)s拒绝调解") % {"name": party.name}
        mediation.save(update_fields=["outcome", "ended_on", "end_reason"])
        fire(mediation, "refuse_mediation", actor, {"party": party.pk}, comment=remark)
    return mediation


@transaction.atomic
def mediator_appoint(
    *, mediation: Mediation, actor: Any, mediator: User | int, chosen_by: str = "committee"
) -> Mediation:
    """选定调解员: by the committee or the parties, from the village's committee only (人民调解法第19条)."""
    require_mediator(actor, mediation)
    require_open(mediation)
    facts = selectors.facts(mediation)
    user_id = mediator if isinstance(mediator, int) else mediator.pk
    rules.mediator_choice_valid(facts["members"], facts["recused"], user_id)
    mediation.mediator_id = user_id
    mediation.mediator_chosen_by = {"committee": _("调解委员会指定"), "parties": _("当事人选定")}.get(
        chosen_by, chosen_by
    )[:32]
    mediation.save(update_fields=["mediator", "mediator_chosen_by"])
    name = User.objects.filter(pk=user_id).values_list("full_name", flat=True).first() or ""
    note(
        mediation,
        actor,
        "mediator",
        _("选定调解员：%(name)s（%(how)s）") % {"name": name, "how": mediation.mediator_chosen_by},
    )
    return mediation


@transaction.atomic
def mediator_recuse(*, mediation: Mediation, actor: Any, party_id: int, reason: str, replacement: int) -> Recusal:
    """回避: a party asks that the mediator withdraw; another member of the committee takes over."""
    require_mediator(actor, mediation)
    require_open(mediation)
    if not mediation.mediator_id:
        raise DomainError(Code.MEDIATOR_MISSING, _("尚未选定调解员"))
    if not reason.strip():
        raise BadInput(Code.REASON_REQUIRED, _("请填写申请回避的理由"), field="reason")
    party = _party(mediation, party_id)
    facts = selectors.facts(mediation)
    recused = [*facts["recused"], mediation.mediator_id]
    rules.mediator_choice_valid(facts["members"], recused, replacement)
    recusal = Recusal.objects.create(
        jurisdiction_id=mediation.jurisdiction_id,
        mediation=mediation,
        party=party,
        mediator_id=mediation.mediator_id,
        replacement_id=replacement,
        reason=reason.strip()[:300],
    )
    mediation.mediator_id = replacement
    mediation.save(update_fields=["mediator"])
    note(
        mediation,
        actor,
        "recusal",
        _("%(name)s申请调解员回避，已更换调解员") % {"name": party.name},
        {"recusal": recusal.pk},
        reason,
    )
    return recusal


@transaction.atomic
def mediation_accept(*, mediation: Mediation, actor: Any, comment: str = "") -> Mediation:
    """受理调解 once every party agreed and a mediator is chosen; the (default 30-day) mediation period starts."""
    require_mediator(actor, mediation)
    fire(
        mediation,
        "accept",
        actor,
        {"clock": {"unit": "natural_days", "limit": rules.DEFAULT_PERIOD_DAYS}},
        comment=comment,
    )
    return mediation


MAX_EXTENSION_DAYS = 30


@transaction.atomic
def mediation_extend(*, mediation: Mediation, actor: Any, days: int, reason: str, parties_agree: bool) -> Mediation:
    """延长调解期限 only with both parties' consent (特邀调解规定第27条；深圳多元化解条例第25条)."""
    from township.cases.services import case_extend

    require_mediator(actor, mediation)
    require_open(mediation)
    if not parties_agree:
        raise DomainError(Code.CONSENT_MISSING, _("延长调解期限须经双方当事人同意"), field="parties_agree")
    if not 1 <= int(days or 0) <= MAX_EXTENSION_DAYS:
        raise BadInput(Code.REASON_REQUIRED, _("请填写延长的天数（1至30日）"), field="days")
    if not reason.strip():
        raise BadInput(Code.REASON_REQUIRED, _("请填写延长理由"), field="reason")
    case_extend(case=mediation.case, actor=actor, amount=int(days), reason=reason.strip(), approved_by=actor)
    mediation.case.refresh_from_db()
    return mediation


@transaction.atomic
def session_record(
    *, mediation: Mediation, actor: Any, held_on: dt.date, place: str, present: str, summary: str
) -> Session:
    """调解记录 (人民调解法第27条)."""
    require_mediator(actor, mediation)
    require_open(mediation)
    if not place.strip() or not present.strip() or not summary.strip():
        raise BadInput(Code.PARTY_INVALID, _("请填写调解地点、参加人员和调解情况"), field="summary")
    session = Session.objects.create(
        jurisdiction_id=mediation.jurisdiction_id,
        mediation=mediation,
        held_on=held_on,
        place=place.strip()[:128],
        present=present.strip()[:300],
        summary=summary.strip(),
        recorded_by=actor,
    )
    note(
        mediation,
        actor,
        "session",
        _("调解记录：%(day)s %(place)s") % {"day": held_on.isoformat(), "place": session.place},
        {"session": session.pk},
    )
    return session


@transaction.atomic
def mediation_withdraw(*, mediation: Mediation, actor: Any, reason: str) -> Mediation:
    """A party withdraws or ends the mediation (人民调解法第23条)."""
    require_mediator(actor, mediation)
    mediation.outcome = Outcome.WITHDRAWN
    mediation.ended_on = timezone.localdate()
    mediation.end_reason = reason.strip()
    mediation.save(update_fields=["outcome", "ended_on", "end_reason"])
    fire(mediation, "withdraw", actor, {"reason": reason}, comment=reason)
    return mediation

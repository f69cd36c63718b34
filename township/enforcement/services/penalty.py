"""Penalty cases, ordinary procedure, up to the decision: filing, investigation, preservation, notice, statement, hearing, legal review, collective discussion, extension, decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.services import case_attach, case_extend, case_open
from township.cases.types import case_type_for
from township.core.errors import DomainError
from township.core.identifiers import mask_resident_id
from township.enforcement import facts as case_facts
from township.enforcement import rules
from township.enforcement.errors import Code
from township.enforcement.machine import PENALTY_CASE, PenaltyState
from township.enforcement.models import (
    Clue,
    Evidence,
    InvestigativeAct,
    PartyKind,
    PenaltyCase,
    PenaltyItem,
    PenaltyType,
    Preservation,
    ServiceRecord,
    Team,
)
from township.enforcement.services.base import (
    HEAD_ROLES,
    OFFICER_ROLES,
    _local_date,
    _pc_locked,
    _town,
    _village,
    beijing,
    config_for,
    require_role,
    timeline_note,
)
from township.enforcement.services.clues import (
    _pending_clue,
)
from township.enforcement.services.teams import (
    _check_domains,
    check_officers_for,
    team_for_village,
)
from township.org.models import Jurisdiction, Role, User
from township.org.scoping import has_role

# ---------------------------------------------------------------------------------------------
# 5. Penalty cases — ordinary procedure
# ---------------------------------------------------------------------------------------------


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
        subject_services.subject_mark_present(subject=found, jurisdiction=town, source="enforcement")
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
    at = beijing(at)
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
        # Stored in the decision's JSON (not encrypted): a person's ID number masked (docs/security.md).
        "party_id_number": mask_resident_id(pc.party_id_number)
        if pc.party_kind == PartyKind.PERSON
        else pc.party_id_number,
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

"""The summary procedure (简易程序, 行政处罚法第51条至第52条、第68条至第71条)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.services import case_attach, case_open
from township.cases.types import case_type_for
from township.core.errors import DomainError
from township.enforcement import rules
from township.enforcement.errors import Code
from township.enforcement.machine import SUMMARY_CASE
from township.enforcement.models import (
    Domain,
    Evidence,
    PenaltyCase,
    PenaltyItem,
    PenaltyType,
)
from township.enforcement.services.base import (
    HEAD_ROLES,
    OFFICER_ROLES,
    _local_date,
    _pc_locked,
    _town,
    _village,
    require_role,
    timeline_note,
)
from township.enforcement.services.penalty import (
    _credit_entry,
    _penalty_dict,
    _subject_for,
    _validate_party_id,
)
from township.enforcement.services.teams import (
    _check_domains,
    check_officers_for,
)
from township.org.models import Jurisdiction

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
    assert pc.paid_on is not None  # (collected on the spot: paid that day)
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

"""The outcome of a mediation: the agreement (written or oral), its signatures and seal, the 司法确认 application and
the court's ruling (external event), failure with the notice of other routes, referral to the court, archive."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import BadInput, DomainError
from township.mediation import documents, rules, selectors
from township.mediation.errors import Code
from township.mediation.models import (
    Agreement,
    AgreementForm,
    Confirmation,
    Mediation,
    Outcome,
    Party,
    Ruling,
    Signature,
    SignMethod,
)
from township.mediation.services._common import fire, note, require_mediator, require_open


def _agreement(mediation: Mediation) -> Agreement:
    agreement = selectors.agreement_of(mediation)
    if agreement is None:
        raise DomainError(Code.AGREEMENT_INCOMPLETE, _("尚未制作调解协议"))
    return agreement


@transaction.atomic
def agreement_draft(
    *,
    mediation: Mediation,
    actor: Any,
    facts: str,
    issues: str,
    responsibilities: str,
    content: str,
    performance: str,
    performance_deadline: dt.date | None,
    reached_on: dt.date | None = None,
) -> Agreement:
    """制作调解协议书 with the content of 人民调解法第29条 (refused when a part is missing)."""
    require_mediator(actor, mediation)
    require_open(mediation)
    values = {
        "facts": facts,
        "issues": issues,
        "responsibilities": responsibilities,
        "content": content,
        "performance": performance,
        "performance_deadline": performance_deadline,
    }
    missing = rules.agreement_missing_parts(values)
    if missing:  # the same rule as the guard, answered before anything is written
        rules.written_agreement_complete(mediation.case, actor, {"agreement": values, "parties": []})
    if selectors.agreement_of(mediation) is not None:
        raise DomainError(Code.AGREEMENT_EXISTS, _("本案已有调解协议"))
    agreement = Agreement.objects.create(
        jurisdiction_id=mediation.jurisdiction_id,
        mediation=mediation,
        form=AgreementForm.WRITTEN,
        number=f"{mediation.case.number}-协",
        facts=facts.strip(),
        issues=issues.strip(),
        responsibilities=responsibilities.strip(),
        content=content.strip(),
        performance=performance.strip(),
        performance_deadline=performance_deadline,
        reached_on=reached_on or timezone.localdate(),
        created_by=actor,
    )
    fire(mediation, "reach_agreement", actor, {"agreement_id": agreement.pk})
    return agreement


@transaction.atomic
def agreement_oral(
    *, mediation: Mediation, actor: Any, content: str, performance: str, reached_on: dt.date | None = None
) -> Agreement:
    """口头协议: recorded by the mediator, effective when reached (人民调解法第28条、第30条)."""
    require_mediator(actor, mediation)
    require_open(mediation)
    if selectors.agreement_of(mediation) is not None:
        raise DomainError(Code.AGREEMENT_EXISTS, _("本案已有调解协议"))
    rules.oral_agreement_recorded(
        mediation.case, actor, {"agreement": {"form": "oral", "content": content, "performance": performance}}
    )
    day = reached_on or timezone.localdate()
    agreement = Agreement.objects.create(
        jurisdiction_id=mediation.jurisdiction_id,
        mediation=mediation,
        form=AgreementForm.ORAL,
        number=f"{mediation.case.number}-口",
        content=content.strip(),
        performance=performance.strip(),
        reached_on=day,
        effective_on=day,
        created_by=actor,
    )
    mediation.outcome = Outcome.AGREEMENT_ORAL
    mediation.ended_on = day
    mediation.save(update_fields=["outcome", "ended_on"])
    fire(mediation, "record_oral", actor, {"agreement_id": agreement.pk})
    return agreement


@transaction.atomic
def agreement_sign(
    *, mediation: Mediation, actor: Any, signer: str, method: str = SignMethod.SIGN, signed_on: dt.date | None = None
) -> Signature:
    """Record one signature with its date: ``signer`` is a party's id or ``"mediator"`` (人民调解法第29条)."""
    require_mediator(actor, mediation)
    require_open(mediation)
    agreement = _agreement(mediation)
    if agreement.form != AgreementForm.WRITTEN or agreement.effective_on:
        raise DomainError(Code.ALREADY_SIGNED, _("该协议已生效或为口头协议，无需签署"))
    if method not in SignMethod.values:
        raise BadInput(Code.PARTY_INVALID, _("签署方式无效"), field="method")
    day = signed_on or timezone.localdate()
    if str(signer) == "mediator":
        who = mediation.mediator
        if who is None:
            raise DomainError(Code.MEDIATOR_MISSING, _("尚未选定调解员"))
        party = None
        name = who.get_full_name() or who.username
        if Signature.objects.filter(agreement=agreement, party__isnull=True).exists():
            raise DomainError(Code.ALREADY_SIGNED, _("调解员已签名"))
        method = SignMethod.SIGN
    else:
        party = Party.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation, pk=signer).first()
        if party is None:
            raise BadInput(Code.PARTY_INVALID, _("请选择本案当事人"), field="signer")
        if Signature.objects.filter(agreement=agreement, party=party).exists():
            raise DomainError(Code.ALREADY_SIGNED, _("%(name)s已签署") % {"name": party.name})
        name = party.name
    if day < agreement.reached_on:
        raise BadInput(Code.PARTY_INVALID, _("签署日期不得早于协议达成日期"), field="signed_on")
    sig = Signature.objects.create(
        jurisdiction_id=mediation.jurisdiction_id,
        agreement=agreement,
        party=party,
        signer_name=name,
        method=method,
        signed_on=day,
        recorded_by=actor,
    )
    note(
        mediation,
        actor,
        "sign",
        _("%(name)s在调解协议书上%(how)s") % {"name": name, "how": sig.get_method_display()},
        {"signature": sig.pk, "on": day.isoformat()},
    )
    return sig


def committee_seal_document(mediation: Mediation, agreement: Agreement, day: dt.date) -> Any:
    """Seal the agreement's text with the committee's SM2 key (township.certificates.document_seal)."""
    from township.certificates.services import document_seal

    committee = mediation.committee
    department = committee.department
    if department is None:
        raise DomainError(Code.COMMITTEE_USCC_MISSING, _("调解委员会未登记签章用的统一社会信用代码，无法加盖电子印章"))
    first = ", ".join(
        p.name for p in Party.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation)
    )
    return document_seal(
        department=department,
        kind="mediation.agreement",
        title="人民调解协议书",
        number=agreement.number,
        addressee=first,
        issued_on=day,
        paragraphs=_official_paragraphs(agreement),
        source_case=mediation.case,
    )


def _official_paragraphs(agreement: Agreement) -> list[str]:
    """The agreement's text as sealed: in the official language, whatever the mediator's page is in."""
    from township.certificates.services import official_language

    with official_language():
        return [str(p) for p in documents.agreement_paragraphs(agreement)]


@transaction.atomic
def agreement_seal(*, mediation: Mediation, actor: Any, sealed_on: dt.date | None = None) -> Agreement:
    """加盖调解委员会印章 after every signature; the agreement takes effect that day (人民调解法第29条)."""
    require_mediator(actor, mediation)
    require_open(mediation)
    agreement = _agreement(mediation)
    facts = selectors.facts(mediation)
    try:
        rules.signatures_and_seal_complete(
            mediation.case, actor, {**facts, "agreement": {**facts["agreement"], "sealed": True}}
        )
    except DomainError as exc:
        raise DomainError(
            Code.SEAL_BEFORE_SIGNATURES, _("须各方当事人和调解员签署后再加盖印章：") + exc.message
        ) from exc
    day = sealed_on or timezone.localdate()
    last_signed = max(Signature.objects.filter(agreement=agreement).values_list("signed_on", flat=True))
    if day < last_signed:
        raise BadInput(Code.PARTY_INVALID, _("盖章日期不得早于最后签署日期"), field="sealed_on")
    agreement.sealed_document = committee_seal_document(mediation, agreement, day)
    agreement.sealed_on = day
    agreement.effective_on = day
    agreement.save(update_fields=["sealed_document", "sealed_on", "effective_on"])
    mediation.outcome = Outcome.AGREEMENT_WRITTEN
    mediation.ended_on = day
    mediation.save(update_fields=["outcome", "ended_on"])
    fire(mediation, "take_effect", actor, {"effective_on": day.isoformat(), "seal": agreement.sealed_document.code})
    return agreement


def confirmation_precheck(
    mediation: Mediation, *, applied_on: dt.date | None = None, matter: str | None = None
) -> None:
    """Why a 司法确认 pack cannot be prepared now (rule 9): oral agreement, more than 30 days, not confirmable."""
    agreement = _agreement(mediation)
    rules.written_agreement_only(mediation.case, None, {"agreement": {"form": agreement.form}})
    rules.within_confirmation_window(agreement.effective_on, applied_on or timezone.localdate())
    if matter is not None:
        rules.matter_confirmable_check(matter)


@transaction.atomic
def confirmation_apply(
    *, mediation: Mediation, actor: Any, court: str, matter: str, applied_on: dt.date, joint: bool
) -> Confirmation:
    """登记 the parties' joint application to the court (民诉法第205条): the village centre does not confirm."""
    require_mediator(actor, mediation)
    require_open(mediation)
    if selectors.confirmation_of(mediation) is not None:
        raise DomainError(Code.COURT_REQUIRED, _("已登记司法确认申请"))
    data = {"court": court, "matter": matter, "applied_on": applied_on.isoformat(), "joint": joint}
    from township.cases.services import check_transition
    from township.mediation.case_type import MEDIATION_CASE

    check_transition(mediation.case, "apply_confirmation", actor, data, by=MEDIATION_CASE)
    conf = Confirmation.objects.create(
        jurisdiction_id=mediation.jurisdiction_id,
        mediation=mediation,
        court=court.strip()[:64],
        matter=matter,
        applied_on=applied_on,
        recorded_by=actor,
    )
    fire(mediation, "apply_confirmation", actor, data)
    return conf


@transaction.atomic
def ruling_record(
    *,
    mediation: Mediation,
    actor: Any,
    ruling: str,
    ruling_number: str,
    ruled_on: dt.date,
    court: str = "",
    remark: str = "",
) -> Confirmation:
    """The court's ruling as an external event (民诉法第206条): court, ruling number, date, result."""
    require_mediator(actor, mediation)
    require_open(mediation)
    conf = selectors.confirmation_of(mediation)
    if conf is None:
        raise DomainError(Code.COURT_REQUIRED, _("尚未登记司法确认申请"))
    if ruling not in (Ruling.VALID, Ruling.REJECTED):
        raise BadInput(Code.RULING_INCOMPLETE, _("请选择法院裁定结果"), field="ruling")
    if ruled_on and ruled_on < conf.applied_on:
        raise BadInput(Code.RULING_INCOMPLETE, _("裁定日期不得早于申请日期"), field="ruled_on")
    conf.ruling = ruling
    conf.ruling_number = ruling_number.strip()[:64]
    conf.ruled_on = ruled_on
    conf.court = (court.strip() or conf.court)[:64]
    conf.ruling_note = remark[:300]
    conf.save(update_fields=["ruling", "ruling_number", "ruled_on", "court", "ruling_note"])
    name = "ruling_valid" if ruling == Ruling.VALID else "ruling_rejected"
    fire(
        mediation,
        name,
        actor,
        {
            "court": conf.court,
            "ruling_number": conf.ruling_number,
            "ruled_on": ruled_on.isoformat() if ruled_on else "",
        },
        comment=remark,
    )
    return conf


@transaction.atomic
def mediation_fail(*, mediation: Mediation, actor: Any, reason: str, told_on: dt.date | None = None) -> Mediation:
    """调解不成: end the mediation and tell the parties their other routes (人民调解法第26条)."""
    require_mediator(actor, mediation)
    require_open(mediation)
    if not reason.strip():
        raise BadInput(Code.REASON_REQUIRED, _("请填写未达成协议的原因"), field="reason")
    day = told_on or timezone.localdate()
    mediation.routes_notice = documents.routes_notice_text(mediation, reason.strip())
    mediation.routes_told_on = day
    mediation.outcome = Outcome.FAILED
    mediation.ended_on = day
    mediation.end_reason = reason.strip()
    mediation.save(update_fields=["routes_notice", "routes_told_on", "outcome", "ended_on", "end_reason"])
    fire(mediation, "fail", actor, {"reason": reason}, comment=reason)
    return mediation


@transaction.atomic
def mediation_refer_court(
    *, mediation: Mediation, actor: Any, court: str, referred_on: dt.date | None = None, remark: str = ""
) -> Mediation:
    """引导诉讼: the materials go to the court's 诉调对接 centre (特邀调解规定第21条)."""
    require_mediator(actor, mediation)
    require_open(mediation)
    mediation.referral_court = court.strip()[:64]
    mediation.referral_on = referred_on or timezone.localdate()
    mediation.referral_note = remark.strip()
    mediation.save(update_fields=["referral_court", "referral_on", "referral_note"])
    fire(
        mediation,
        "refer_court",
        actor,
        {"court": court, "referred_on": mediation.referral_on.isoformat()},
        comment=remark,
    )
    return mediation


@transaction.atomic
def mediation_archive(*, mediation: Mediation, actor: Any, comment: str = "") -> Mediation:
    """立卷归档 with all documents (人民调解法第27条); after this the case cannot be changed."""
    require_mediator(actor, mediation)
    require_open(mediation)
    mediation.archived_on = timezone.localdate()
    mediation.save(update_fields=["archived_on"])
    docs = [d["label"] for d in documents.document_list(mediation)]
    fire(mediation, "archive", actor, {"documents": docs}, comment=comment)
    return mediation

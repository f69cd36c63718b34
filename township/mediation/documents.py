"""The texts of the mediation documents: the agreement (调解协议书, 人民调解法第29条), the notice of other routes on
failure (第26条) and the 司法确认 application pack (民诉法解释第352条), rendered as A4 PDFs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from township.certificates.pdf import display_date, prints_chinese
from township.core.identifiers import mask_phone, mask_resident_id
from township.mediation.models import Agreement, Mediation, Party, Session, Signature

# Every label and fixed text goes through gettext at render time: the papers print in the request's language
# (dates through ``certificates.pdf.display_date``); what the parties and the mediator wrote stays as written.


def _parties(mediation: Mediation) -> list[Party]:
    return list(
        Party.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation).order_by("side", "id")
    )


def _or_dash(value: Any) -> str:
    return str(value) if value else "—"


def party_line(p: Party, *, full: bool) -> str:
    rid = p.resident_id if full else mask_resident_id(p.resident_id)
    phone = p.phone if full else mask_phone(p.phone)
    parts = [_("%(side)s：%(name)s") % {"side": p.get_side_display(), "name": p.name}]
    if rid:
        parts.append(_("身份证号码/统一社会信用代码：%(id)s") % {"id": rid})
    if p.address and full:
        parts.append(_("住址：%(address)s") % {"address": p.address})
    if phone:
        parts.append(_("联系电话：%(phone)s") % {"phone": phone})
    return _("，").join(parts)


def agreement_paragraphs(agreement: Agreement, *, full: bool = False) -> list[str]:
    m = agreement.mediation
    out = [party_line(p, full=full) for p in _parties(m)]
    out += [
        _("纠纷的主要事实：%(facts)s") % {"facts": agreement.facts},
        _("争议事项：%(issues)s") % {"issues": agreement.issues},
        _("各方当事人的责任：%(responsibilities)s") % {"responsibilities": agreement.responsibilities},
        _("经%(committee)s调解，双方当事人自愿达成如下协议：%(content)s")
        % {"committee": m.committee.name, "content": agreement.content},
        _("履行方式：%(performance)s") % {"performance": agreement.performance},
        _("履行期限：%(date)s前") % {"date": display_date(agreement.performance_deadline)}
        if agreement.performance_deadline
        else _("履行期限：—"),
        _(
            "本协议经各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效。"
            "本协议一式三份，双方当事人、人民调解委员会各持一份。双方当事人可自协议生效之日起三十日内共同向人民法院申请司法确认。"
        ),
    ]
    sigs = Signature.objects.filter(jurisdiction_id=agreement.jurisdiction_id, agreement=agreement).order_by("id")
    for s in sigs:
        who = _("当事人") if s.party_id else _("人民调解员")
        out.append(
            _("%(who)s（%(method)s）：%(name)s    %(date)s")
            % {"who": who, "method": s.get_method_display(), "name": s.signer_name, "date": display_date(s.signed_on)}
        )
    return out


def oral_agreement_paragraphs(agreement: Agreement) -> list[str]:
    """The register of an oral agreement (人民调解法第28条、第30条)."""
    return [
        _("口头协议内容：%(content)s") % {"content": agreement.content},
        _("履行方式和期限：%(performance)s") % {"performance": agreement.performance},
        _("达成日期（即生效日期）：%(date)s（人民调解法第28条、第30条）")
        % {"date": display_date(agreement.reached_on)},
    ]


def registration_paragraphs(m: Mediation) -> list[str]:
    """人民调解申请登记表: the parties (masked), the dispute, the request, the mediator and each party's consent."""
    paras = [party_line(p, full=False) for p in m.parties.all()]
    source = _("纠纷类型：%(type)s；来源：%(source)s") % {
        "type": m.get_dispute_type_display(),
        "source": m.get_source_display(),
    }
    if m.court_name:
        source += _("（%(court)s）") % {"court": m.court_name}
    paras += [
        source,
        _("纠纷简要情况：%(summary)s") % {"summary": m.summary},
        _("当事人请求：%(claims)s") % {"claims": _or_dash(m.claims)},
        _("申请日期：%(date)s；调解员：%(mediator)s（%(chosen_by)s）")
        % {
            "date": display_date(m.received_on),
            "mediator": m.mediator.get_full_name() if m.mediator else "—",
            "chosen_by": _or_dash(m.mediator_chosen_by),
        },
    ]
    paras += [
        _("%(name)s：%(consent)s（%(on)s）")
        % {"name": p.name, "consent": p.get_consent_display(), "on": _or_dash(p.consent_on)}
        for p in m.parties.all()
    ]
    return paras


def session_paragraphs(m: Mediation) -> list[str]:
    """人民调解记录: one paragraph per session."""
    return [
        _("%(date)s，%(place)s；参加人员：%(present)s；调解情况：%(summary)s")
        % {"date": display_date(s.held_on), "place": s.place, "present": s.present, "summary": s.summary}
        for s in Session.objects.filter(jurisdiction_id=m.jurisdiction_id, mediation=m)
    ]


def _routes_notice(mediation: Mediation, reason: str) -> str:
    return _(
        "你们之间的%(dispute)s经%(committee)s调解未能达成协议（%(reason)s），"
        "本委员会决定终止调解。依照《中华人民共和国人民调解法》第二十六条，当事人可以依法通过仲裁、行政、诉讼等途径"
        "维护自己的权利：可向有管辖权的人民法院提起诉讼，可依约定申请仲裁（劳动争议、土地承包经营纠纷可申请相应仲裁），"
        "也可向有关行政机关申请处理。人民调解不收取任何费用。"
    ) % {"dispute": mediation.get_dispute_type_display(), "committee": mediation.committee.name, "reason": reason}


def routes_notice_text(mediation: Mediation, reason: str) -> str:
    """人民调解法第26条: the notice of other routes on failure, as recorded on the case (``Mediation.routes_notice``).

    Recorded in Chinese whatever the language of the request: it is what the parties are told, and the engine's rule
    (``rules.routes_told``) checks that it names 仲裁、行政、诉讼. The paper prints it through
    :func:`routes_notice_paragraphs`."""
    with translation.override(settings.LANGUAGE_CODE):
        return _routes_notice(mediation, reason)


def routes_notice_paragraphs(mediation: Mediation) -> list[str]:
    """The notice as printed: the recorded text in Chinese; in another language its translation (the reason as the
    mediator wrote it)."""
    if prints_chinese() or not mediation.end_reason:
        return [mediation.routes_notice]
    return [_routes_notice(mediation, mediation.end_reason)]


def confirmation_pack_paragraphs(mediation: Mediation, agreement: Agreement, court: str = "") -> list[str]:
    """The pack for the parties' joint application (民诉法解释第352条): the agreement, proof that the committee
    mediated (registration, mediator, sessions), the parties' identity, address and contact."""
    out = [
        _("致%(court)s：") % {"court": court or _("有管辖权的基层人民法院")},
        _(
            "申请人（双方当事人）依照《中华人民共和国民事诉讼法》第二百零五条、《中华人民共和国人民调解法》第三十三条，"
            "自调解协议生效之日起三十日内共同申请对下列调解协议予以司法确认。"
        ),
        _("一、申请人基本情况（身份、住址、联系方式）"),
        *[party_line(p, full=True) for p in _parties(mediation)],
        _("二、调解协议"),
        _("协议编号：%(number)s；生效日期：%(date)s")
        % {"number": agreement.number, "date": display_date(agreement.effective_on)}
        if agreement.effective_on
        else "",
        *agreement_paragraphs(agreement, full=False)[len(_parties(mediation)) :],
        _("三、调解组织主持调解的证明"),
        _("调解组织：%(committee)s（%(village)s）；案件编号：%(case)s；登记日期：%(date)s；调解员：%(mediator)s")
        % {
            "committee": mediation.committee.name,
            "village": mediation.village.name,
            "case": mediation.case.number,
            "date": display_date(mediation.received_on),
            "mediator": mediation.mediator.get_full_name() if mediation.mediator else "—",
        },
    ]
    for s in Session.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation).order_by(
        "held_on", "id"
    ):
        out.append(
            _("调解记录：%(date)s，%(place)s，参加人员：%(present)s")
            % {"date": display_date(s.held_on), "place": s.place, "present": s.present}
        )
    if agreement.sealed_document is not None:
        out.append(_("调解协议书电子签章核验码：%(code)s") % {"code": agreement.sealed_document.code})
    out.append(
        _(
            "四、申请人承诺：出于解决纠纷的目的自愿达成协议，没有恶意串通、规避法律的行为；"
            "如因虚假调解给他人造成损失，愿承担相应责任。"
        )
    )
    out.append(_("申请人签名：                                  申请日期："))
    return [p for p in out if p]


def title(key: str, agreement: Agreement | None = None) -> str:
    """The title of a dossier document (``document_list``'s keys, and ``pack`` for the 司法确认 application)."""
    if key == "agreement":
        return _("人民调解协议书") if agreement is None or agreement.form == "written" else _("口头调解协议登记表")
    return {
        "registration": _("人民调解申请登记表"),
        "sessions": _("人民调解记录"),
        "routes": _("终止调解告知书"),
        "pack": _("司法确认申请书及材料"),
    }[key]


def render(
    title: str,
    mediation: Mediation,
    paragraphs: list[str],
    *,
    number: str = "",
    verify: str = "",
    seal_label: str = "",
    translation_of: str = "",
) -> bytes:
    """``translation_of``: the sealed original's code when this print is a translation of it (not sealed)."""
    from township.certificates.pdf import render_document

    return render_document(
        title=title,
        unit_name=mediation.committee.name,
        paragraphs=paragraphs,
        doc_number=number,
        date=timezone.localdate(),
        seal_label=seal_label,
        verify=verify,
        translation_of=translation_of,
    )


def document_list(mediation: Mediation) -> list[dict[str, Any]]:
    """The documents of the dossier (卷宗, 人民调解法第27条) with the URL names that render them."""
    docs: list[dict[str, Any]] = [{"key": "registration", "label": title("registration")}]
    if Session.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation).exists():
        docs.append({"key": "sessions", "label": _("调解记录")})
    agreement = Agreement.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation).first()
    if agreement is not None:
        docs.append({"key": "agreement", "label": title("agreement", agreement)})
    if mediation.routes_notice:
        docs.append({"key": "routes", "label": title("routes")})
    return docs

"""The texts of the mediation documents: the agreement (调解协议书, 人民调解法第29条), the notice of other routes on
failure (第26条) and the 司法确认 application pack (民诉法解释第352条), rendered as A4 PDFs."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from township.core.identifiers import mask_phone, mask_resident_id
from township.mediation.models import Agreement, Mediation, Party, Session, Signature


def _parties(mediation: Mediation) -> list[Party]:
    return list(
        Party.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation).order_by("side", "id")
    )


def party_line(p: Party, *, full: bool) -> str:
    rid = p.resident_id if full else mask_resident_id(p.resident_id)
    phone = p.phone if full else mask_phone(p.phone)
    parts = [f"{p.get_side_display()}：{p.name}"]
    if rid:
        parts.append(f"身份证号码/统一社会信用代码：{rid}")
    if p.address and full:
        parts.append(f"住址：{p.address}")
    if phone:
        parts.append(f"联系电话：{phone}")
    return "，".join(parts)


def agreement_paragraphs(agreement: Agreement, *, full: bool = False) -> list[str]:
    m = agreement.mediation
    out = [party_line(p, full=full) for p in _parties(m)]
    out += [
        f"纠纷的主要事实：{agreement.facts}",
        f"争议事项：{agreement.issues}",
        f"各方当事人的责任：{agreement.responsibilities}",
        f"经{m.committee.name}调解，双方当事人自愿达成如下协议：{agreement.content}",
        f"履行方式：{agreement.performance}",
        f"履行期限：{agreement.performance_deadline:%Y年%m月%d日}前"
        if agreement.performance_deadline
        else "履行期限：—",
        "本协议经各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效。"
        "本协议一式三份，双方当事人、人民调解委员会各持一份。双方当事人可自协议生效之日起三十日内共同向人民法院申请司法确认。",
    ]
    sigs = Signature.objects.filter(jurisdiction_id=agreement.jurisdiction_id, agreement=agreement).order_by("id")
    for s in sigs:
        who = "当事人" if s.party_id else "人民调解员"
        out.append(f"{who}（{s.get_method_display()}）：{s.signer_name}    {s.signed_on:%Y年%m月%d日}")
    return out


def routes_notice_text(mediation: Mediation, reason: str) -> str:
    """人民调解法第26条: the notice of other routes on failure."""
    return (
        f"你们之间的{mediation.get_dispute_type_display()}经{mediation.committee.name}调解未能达成协议（{reason}），"
        "本委员会决定终止调解。依照《中华人民共和国人民调解法》第二十六条，当事人可以依法通过仲裁、行政、诉讼等途径"
        "维护自己的权利：可向有管辖权的人民法院提起诉讼，可依约定申请仲裁（劳动争议、土地承包经营纠纷可申请相应仲裁），"
        "也可向有关行政机关申请处理。人民调解不收取任何费用。"
    )


def confirmation_pack_paragraphs(mediation: Mediation, agreement: Agreement, court: str = "") -> list[str]:
    """The pack for the parties' joint application (民诉法解释第352条): the agreement, proof that the committee
    mediated (registration, mediator, sessions), the parties' identity, address and contact."""
    out = [
        f"致{court or '有管辖权的基层人民法院'}：",
        "申请人（双方当事人）依照《中华人民共和国民事诉讼法》第二百零五条、《中华人民共和国人民调解法》第三十三条，"
        "自调解协议生效之日起三十日内共同申请对下列调解协议予以司法确认。",
        "一、申请人基本情况（身份、住址、联系方式）",
        *[party_line(p, full=True) for p in _parties(mediation)],
        "二、调解协议",
        f"协议编号：{agreement.number}；生效日期：{agreement.effective_on:%Y年%m月%d日}"
        if agreement.effective_on
        else "",
        *agreement_paragraphs(agreement, full=False)[len(_parties(mediation)) :],
        "三、调解组织主持调解的证明",
        f"调解组织：{mediation.committee.name}（{mediation.village.name}）；案件编号：{mediation.case.number}；"
        f"登记日期：{mediation.received_on:%Y年%m月%d日}；调解员：{mediation.mediator.get_full_name() if mediation.mediator else '—'}",
    ]
    for s in Session.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation).order_by(
        "held_on", "id"
    ):
        out.append(f"调解记录：{s.held_on:%Y年%m月%d日}，{s.place}，参加人员：{s.present}")
    if agreement.sealed_document is not None:
        out.append(f"调解协议书电子签章核验码：{agreement.sealed_document.code}")
    out.append(
        "四、申请人承诺：出于解决纠纷的目的自愿达成协议，没有恶意串通、规避法律的行为；如因虚假调解给他人造成损失，愿承担相应责任。"
    )
    out.append("申请人签名：                                  申请日期：")
    return [p for p in out if p]


def render(
    title: str, mediation: Mediation, paragraphs: list[str], *, number: str = "", verify: str = "", seal_label: str = ""
) -> bytes:
    from township.certificates.pdf import render_document

    return render_document(
        title=title,
        unit_name=mediation.committee.name,
        paragraphs=paragraphs,
        doc_number=number,
        date=timezone.localdate(),
        seal_label=seal_label,
        verify=verify,
    )


def document_list(mediation: Mediation) -> list[dict[str, Any]]:
    """The documents of the dossier (卷宗, 人民调解法第27条) with the URL names that render them."""
    docs: list[dict[str, Any]] = [{"key": "registration", "label": "人民调解申请登记表"}]
    if Session.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation).exists():
        docs.append({"key": "sessions", "label": "调解记录"})
    agreement = Agreement.objects.filter(jurisdiction_id=mediation.jurisdiction_id, mediation=mediation).first()
    if agreement is not None:
        docs.append(
            {"key": "agreement", "label": "人民调解协议书" if agreement.form == "written" else "口头调解协议登记表"}
        )
    if mediation.routes_notice:
        docs.append({"key": "routes", "label": "终止调解告知书"})
    return docs

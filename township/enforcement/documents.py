"""执法文书 from templates, as PDF with the bureau's seal.

reportlab with the CID font STSong-Light (text extractable); the seal and font helpers are shared with the
certificates app (``township.certificates.pdf``). Each template is a title plus (label, value) rows built from the
case record, so the decision document carries every Art 59 element.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from township.certificates.pdf import _font, draw_seal
from township.core.errors import DomainError
from township.core.identifiers import mask_resident_id
from township.enforcement.errors import Code
from township.enforcement.models import CaseDocument, PenaltyCase, PenaltyType
from township.enforcement.services import CASE_ROLES, config_for, require_role

Rows = list[tuple[str, str]]


def _d(value: Any) -> str:
    if not value:
        return ""
    if hasattr(value, "strftime"):
        return f"{value:%Y年%m月%d日}"
    return str(value)


def _people(ids: list[int]) -> str:
    from township.enforcement.models import Credential

    rows = Credential.objects.filter(officer__user_id__in=ids).select_related("officer__user").order_by("officer_id")
    return "、".join(f"{c.officer.user.display_name}（执法证号{c.number}）" for c in rows)


def _party(pc: PenaltyCase) -> Rows:
    return [
        (_("当事人"), pc.party_name),
        (_("证件号码"), mask_resident_id(pc.party_id_number) if pc.party_kind == "person" else pc.party_id_number),
        (_("住所（地址）"), pc.party_address),
    ]


def _types(values: list[str]) -> str:
    return "、".join(str(PenaltyType(t).label) for t in values if t in PenaltyType.values)


def filing_approval(pc: PenaltyCase) -> Rows:
    clue = pc.clue
    return [
        (_("案由"), pc.case.title),
        *_party(pc),
        (_("案件来源"), clue.get_source_display() if clue else _("执法检查")),
        (_("违法行为发生日期"), _d(pc.act_date)),
        (_("简要案情"), pc.facts),
        (_("承办人"), _people(pc.investigators)),
        (_("立案批准人"), str(pc.filing_approved_by or "")),
        (_("立案日期"), _d(timezone.localtime(pc.filed_at))),
    ]


def inquiry_record(pc: PenaltyCase) -> Rows:
    act = pc.acts.filter(kind="inquiry").order_by("at").first() or pc.acts.order_by("at").first()
    if act is None:
        raise DomainError(Code.NO_ACT, _("尚无调查记录"))
    return [
        (_("时间"), f"{timezone.localtime(act.at):%Y年%m月%d日 %H:%M}"),
        (_("地点"), act.place),
        (_("执法人员"), _people(act.officers)),
        (_("出示证件"), "、".join(act.credential_numbers)),
        *_party(pc),
        (_("告知"), _("我们是执法人员，已向你出示执法证件。你有权申请回避，有如实回答询问的义务。")),
        (_("笔录内容"), act.summary),
    ]


def notice(pc: PenaltyCase) -> Rows:
    n = pc.notice
    rights = _("你（单位）有权进行陈述和申辩。")
    if "hearing" in n.get("rights", []):
        rights += _("你（单位）有权要求举行听证，请于收到本告知书之日起五个工作日内提出，逾期视为放弃。")
    return [
        *_party(pc),
        (_("违法事实"), n.get("facts", "")),
        (_("理由"), n.get("reasons", "")),
        (_("依据"), n.get("basis", "")),
        (_("拟作出的行政处罚"), f"{_types(n.get('types', []))}　{_('罚款')}{n.get('fine', '0')}{_('元')}"),
        (_("当事人权利"), rights),
        (_("送达日期"), _d(pc.notice_served_on)),
    ]


def hearing_notice(pc: PenaltyCase) -> Rows:
    return [
        *_party(pc),
        (_("听证时间"), _d(pc.hearing_on)),
        (_("听证地点"), pc.hearing_place),
        (_("主持人"), str(pc.hearing_chair or "")),
        (
            _("告知"),
            _(
                "听证公开举行（涉及国家秘密、商业秘密或者个人隐私的除外）；可委托一至二人代理；无正当理由拒不出席的，视为放弃听证权利；当事人不承担听证费用。"
            ),
        ),
        (_("通知日期"), _d(pc.hearing_notice_on)),
    ]


def review_opinion(pc: PenaltyCase) -> Rows:
    from township.enforcement.rules import LEGAL_REVIEW_GROUNDS

    return [
        (_("案件"), pc.case.number),
        (
            _("审核情形"),
            "；".join(LEGAL_REVIEW_GROUNDS.get(g, g) for g in pc.legal_review_grounds) or _("经过听证程序"),
        ),
        (_("审核人员"), str(pc.reviewer or "")),
        (_("审核意见"), pc.review_opinion),
        (_("审核结论"), _("通过") if pc.review_passed else _("不通过")),
        (_("审核日期"), _d(pc.reviewed_on)),
    ]


def decision(pc: PenaltyCase) -> Rows:
    d = pc.decision
    return [
        (_("当事人"), d.get("party_name", "")),
        (_("证件号码"), d.get("party_id_number", "")),
        (_("住所（地址）"), d.get("party_address", "")),
        (_("违法事实"), d.get("facts", "")),
        (_("证据"), "；".join(d.get("evidence", []))),
        (_("处罚种类"), "、".join(d.get("penalty_types", []))),
        (_("罚款金额"), f"{d.get('fine', '0')}{_('元')}"),
        (_("处罚依据"), d.get("legal_basis", "")),
        (_("履行方式和期限"), d.get("performance", "")),
        (_("救济途径和期限"), d.get("remedies", "")),
        (_("公示"), d.get("publication", "")),
        (_("行政机关"), d.get("agency", "")),
        (_("决定日期"), d.get("date", "")),
    ]


def service_receipt(pc: PenaltyCase) -> Rows:
    s = pc.services.filter(document="decision").order_by("-id").first() or pc.services.order_by("-id").first()
    if s is None:
        raise DomainError(Code.NO_SERVICE, _("尚无送达记录"))
    return [
        (_("送达文书"), _("行政处罚决定书") if s.document == "decision" else _("行政处罚事先告知书")),
        (_("文号"), pc.decision_number or pc.case.number),
        (_("受送达人"), s.recipient),
        (_("送达方式"), s.get_mode_display()),
        (_("送达（公告）日期"), _d(s.sent_on)),
        (_("视为送达日期"), _d(s.served_on)),
        (_("见证人"), s.witness),
    ]


def closing_report(pc: PenaltyCase) -> Rows:
    return [
        (_("案件"), pc.case.number),
        *_party(pc),
        (_("处罚决定"), f"{'、'.join(pc.decision.get('penalty_types', []))} {pc.fine}{_('元')}"),
        (_("缴款日期"), _d(pc.paid_on)),
        (_("已缴罚款"), f"{pc.paid_fine}{_('元')}"),
        (_("已缴加处罚款"), f"{pc.paid_late_fine}{_('元')}"),
        (_("结案报告"), pc.closed_report),
    ]


TEMPLATES: dict[str, tuple[str, Callable[[PenaltyCase], Rows]]] = {
    "filing_approval": ("立案审批表", filing_approval),
    "inquiry_record": ("询问笔录", inquiry_record),
    "notice": ("行政处罚事先告知书", notice),
    "hearing_notice": ("听证通知书", hearing_notice),
    "review_opinion": ("法制审核意见书", review_opinion),
    "decision": ("行政处罚决定书", decision),
    "service_receipt": ("送达回证", service_receipt),
    "closing_report": ("结案报告", closing_report),
}


def _local_day(value: Any) -> Any:
    return timezone.localtime(value).date() if value else None


def _inquiry_day(pc: PenaltyCase) -> Any:
    act = pc.acts.filter(kind="inquiry").order_by("at").first() or pc.acts.order_by("at").first()
    return _local_day(act.at) if act else None


# The day each document is signed: the day of the act it records, not the day it is printed.
DOCUMENT_DATES = {
    "filing_approval": lambda pc: _local_day(pc.filed_at),
    "inquiry_record": _inquiry_day,
    "notice": lambda pc: pc.notice_served_on,
    "hearing_notice": lambda pc: pc.hearing_notice_on,
    "review_opinion": lambda pc: pc.reviewed_on,
    "decision": lambda pc: pc.decided_on,
    "service_receipt": lambda pc: pc.served_on,
    "closing_report": lambda pc: _local_day(pc.case.closed_at),
}


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for para in str(text).splitlines() or [""]:
        cur = ""
        for ch in para:
            if stringWidth(cur + ch, font, size) > width:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        lines.append(cur)
    return lines


def render(pc: PenaltyCase, kind: str) -> tuple[str, bytes]:
    """The document as PDF bytes (A4, seal at the end)."""
    if kind not in TEMPLATES:
        raise DomainError(Code.DOCUMENT_KIND, _("未知的文书类别"), field="kind")
    title, builder = TEMPLATES[kind]
    rows = builder(pc)
    cfg = config_for(pc.jurisdiction_id)
    agency = cfg.bureau_name or f"{pc.jurisdiction.name}综合行政执法办公室"
    font = _font()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setTitle(f"{title} {pc.case.number}")
    c.setAuthor(agency)
    width, height = A4
    left, right = 25 * mm, width - 25 * mm
    y = height - 30 * mm
    c.setFont(font, 12)
    c.drawCentredString(width / 2, y, agency)
    y -= 12 * mm
    c.setFont(font, 20)
    c.drawCentredString(width / 2, y, title)
    y -= 8 * mm
    c.setFont(font, 10)
    c.drawCentredString(width / 2, y, pc.decision_number or pc.case.number)
    y -= 12 * mm
    label_w = 32 * mm
    for label, value in rows:
        lines = _wrap(value or "", font, 11, right - left - label_w)
        if y - 6 * mm * len(lines) < 50 * mm:
            c.showPage()
            y = height - 30 * mm
        c.setFont(font, 11)
        c.drawString(left, y, f"{label}：")
        for line in lines:
            c.drawString(left + label_w, y, line)
            y -= 6 * mm
        y -= 2 * mm
    seal_y = max(y - 25 * mm, 35 * mm)
    c.setFont(font, 11)
    c.drawRightString(right, seal_y - 5 * mm, agency)
    signed_on = DOCUMENT_DATES[kind](pc) or timezone.localdate()
    c.drawRightString(right, seal_y - 12 * mm, f"{signed_on:%Y年%m月%d日}")
    draw_seal(c, right - 25 * mm, seal_y, 20 * mm, agency, _("行政执法专用章"))
    c.showPage()
    c.save()
    return title, buffer.getvalue()


@transaction.atomic
def document_generate(*, penalty_case: PenaltyCase, kind: str, actor: Any) -> CaseDocument:
    """Render and store a document of the case. Errors: permission_denied, document_kind, no_act, no_service."""
    require_role(actor, penalty_case.jurisdiction_id, CASE_ROLES)
    title, pdf = render(penalty_case, kind)
    return CaseDocument.objects.create(
        jurisdiction_id=penalty_case.jurisdiction_id,
        penalty_case=penalty_case,
        kind=kind,
        title=title,
        number=penalty_case.decision_number or penalty_case.case.number,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        created_at=timezone.now(),
        created_by=actor,
    )

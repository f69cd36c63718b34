"""信用报告: a sealed, verifiable PDF of one subject's credit (the certificates' SM2 document seal and public check)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from township.core.errors import DomainError
from township.credit import selectors
from township.org.models import Department
from township.subjects.models import Subject

KIND = "credit.report"
ISSUER_KINDS = ("credit", "office", "approval", "enforcement")


def issuer_department(jurisdiction_id: str) -> Department:
    """The town's department that signs credit reports: a credit/office department with a valid USCC first."""
    from township.core.identifiers import is_valid_uscc

    depts = [d for d in Department.objects.filter(jurisdiction_id=jurisdiction_id, active=True) if d.uscc]
    depts.sort(key=lambda d: ISSUER_KINDS.index(d.kind) if d.kind in ISSUER_KINDS else len(ISSUER_KINDS))
    for dept in depts:
        if is_valid_uscc(dept.uscc):
            return dept
    raise DomainError("issuer_missing", _("本镇尚无登记统一社会信用代码的部门，无法出具加盖电子印章的信用报告"))


def report_content(subject: Subject, *, on: datetime.date | None = None) -> dict[str, Any]:
    """What the report says: grade and reason, listing, the records in force (public view, masked identifiers)."""
    day = on or timezone.localdate()
    grade = selectors.credit_grade(subject, day)
    paragraphs = [
        _("主体名称：%(n)s；证件号码：%(i)s。") % {"n": subject.masked_name, "i": subject.masked_identifier},
        _("信用等级：%(g)s类。%(r)s") % {"g": grade, "r": selectors.credit_grade_reason(subject, day)},
        _("严重失信主体名单：%(s)s。")
        % {"s": _("已列入") if selectors.credit_is_listed(subject, day) else _("未列入")},
    ]
    rows = list(selectors.records_in_force(day).filter(subject=subject).order_by("-valid_from", "-id")[:30])
    if not rows:
        paragraphs.append(_("截至报告日，无在有效期内的信用记录。"))
    for n, r in enumerate(rows, 1):
        tier = r.get_severity_display() if r.severity else _("守信")
        paragraphs.append(
            _("%(n)s. %(k)s（%(t)s）：%(reason)s；决定日期%(d)s；公示至%(u)s；文书%(no)s。")
            % {
                "n": n,
                "k": r.get_kind_display(),
                "t": tier,
                "reason": r.reason,
                "d": r.valid_from,
                "u": r.max_until or r.valid_until or _("长期"),
                "no": r.source_number or "—",
            }
        )
    paragraphs.append(_("本报告依据本平台归集的信用信息生成，仅反映报告日的情况。"))
    return {
        "title": _("信用报告"),
        "number": f"{subject.pk:08d}-{day:%Y%m%d}",
        "addressee": subject.masked_name,
        "date": day,
        "paragraphs": paragraphs,
    }


def report_pdf(subject: Subject, *, jurisdiction_id: str, verify_url: Any) -> bytes:
    """The PDF sealed with the town's SM2 document seal; ``verify_url(code)`` gives the public check's address."""
    from township.certificates.pdf import render_document
    from township.certificates.services import document_seal, is_official_language, official_language

    with official_language():  # the sealed report is the Chinese one (国家通用语言文字法第九条)
        official = report_content(subject)
        official_paragraphs = [str(p) for p in official["paragraphs"]]
        official_title = str(official["title"])
    sealed = document_seal(
        department=issuer_department(jurisdiction_id),
        kind=KIND,
        title=official_title,
        number=official["number"],
        addressee=official["addressee"],
        issued_on=official["date"],
        paragraphs=official_paragraphs,
    )
    content = official if is_official_language() else report_content(subject)
    return render_document(
        translation_of="" if content is official else sealed.code,
        title=str(content["title"]),
        unit_name=sealed.key.unit_name,
        paragraphs=[str(p) for p in content["paragraphs"]],
        doc_number=content["number"],
        addressee=content["addressee"],
        date=content["date"],
        seal_label=_("信用报告专用章"),
        verify=verify_url(sealed.code),
        footer=_("电子签章核验码：%(c)s（扫描二维码核验）") % {"c": sealed.code},
    )

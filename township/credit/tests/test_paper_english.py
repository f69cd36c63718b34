"""The credit report in English (issue 16, items 4 and 8): asked in English its labels, seal and fixed texts are
English; the subject's (masked) name and the unit's name stay as stored."""

from __future__ import annotations

from django.utils import translation

from township.certificates.tests.test_paper_english import cjk_labels, cjk_left
from township.certificates.tests.test_paper_layout import pdf_text
from township.credit.report import report_pdf
from township.credit.selectors import credit_grade_reason
from township.org.models import Department
from township.subjects.services import subject_get_or_create_person


def test_a_credit_report_prints_in_english(town_a):
    office = Department.objects.create(jurisdiction=town_a, name="党政办公室", kind="office", uscc="11500116MB1520388J")
    luo = subject_get_or_create_person(resident_id="500116198803150266", name="罗晓梅", registered_in=town_a)
    with translation.override("en"):
        text = pdf_text(report_pdf(luo, jurisdiction_id=town_a.pk, verify_url=lambda code: f"http://x/{code}"))
        # Left: the grade's reason is one Chinese sentence from township.credit.grading (also on the web pages), not
        # a label of the report; it is taken out here as data until grading translates it.
        reason = credit_grade_reason(luo)
    unit = f"{town_a.name}{office.name}"
    # printed in English: a translation, unsealed, naming the sealed Chinese original (国家通用语言文字法第九条)
    flat = " ".join(text.split())
    assert "Credit report seal" not in text and "Credit report" in text and "Scan to verify" in text
    assert "Translation for reference only, not sealed" in flat
    from township.certificates.models import SealedDocument

    sealed = SealedDocument.objects.get(kind="credit.report")
    assert sealed.code in flat and "信用" in sealed.content  # the sealed record is the Chinese report
    assert cjk_labels(text, [luo.masked_name]) == [], text
    assert cjk_left(text, [luo.masked_name, unit, reason], seal=[unit]) == [], text

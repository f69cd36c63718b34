"""The 信访 letters in English (issue 16, items 4 and 8): issued in an English request, the sealed letter's texts are
English (issued and sealed as written, like approval's letters); printed in English, the fixed texts of the paper
(the seal's label, the date, 扫码核验) are English. The petition's title and the names stay as typed."""

from __future__ import annotations

from django.test import RequestFactory
from django.utils import translation

from township.certificates.tests.test_paper_english import cjk_labels, cjk_left
from township.certificates.tests.test_paper_layout import pdf_text
from township.petitions import services
from township.petitions.models import PetitionDocument
from township.petitions.views import document_pdf_bytes


def test_letters_issued_and_printed_in_english(register, officer, office):
    p = register()
    with translation.override("en"):
        services.petition_accept(petition=p, actor=officer)
        services.petition_opinion(
            petition=p, actor=officer, outcome="support", facts="越界约三平方米", decision="恢复原状", basis="民法典"
        )
    docs = list(PetitionDocument.objects.filter(petition=p).select_related("sealed"))
    assert len(docs) == 2
    request = RequestFactory().get("/")
    for doc in docs:
        with translation.override("en"):
            text = pdf_text(document_pdf_bytes(request, doc))
        data = [doc.addressee, doc.unit_name, doc.number, p.title, p.request, "越界约三平方米", "恢复原状", "民法典"]
        assert cjk_labels(text, data) == [], text
        assert cjk_left(text, data, seal=[doc.unit_name]) == [], text
        assert "Letters and visits seal" in text and "Scan to verify" in text
    accept = " ".join(pdf_text(document_pdf_bytes(request, docs[0])).split())
    sealed = " ".join(docs[0].paragraphs)  # the sealed text, as issued
    assert "Article 34 of the Regulations on Letters and Visits Work" in sealed
    assert "信访专用章" in accept  # printed in Chinese: the paper's own texts are Chinese

"""The 信访 letters from an English page: issued, sealed and printed in Chinese, the official language (国家通用语言文字法
第九条) — the petitioner's letter is the sealed record, not a translation."""

from __future__ import annotations

from django.test import RequestFactory
from django.utils import translation

from township.certificates.tests.test_paper_layout import pdf_text
from township.petitions import services
from township.petitions.models import PetitionDocument
from township.petitions.views import document_pdf_bytes


def test_letters_are_issued_sealed_and_printed_in_chinese_from_an_english_page(register, officer, office):
    """国家通用语言文字法第九条: the letters go to the petitioner in Chinese, sealed as such, whatever the language of
    the officer's page; the paper's own texts too (the petitioner's copy)."""
    p = register()
    with translation.override("en"):
        services.petition_accept(petition=p, actor=officer)
        services.petition_opinion(
            petition=p, actor=officer, outcome="support", facts="越界约三平方米", decision="恢复原状", basis="民法典"
        )
    docs = list(PetitionDocument.objects.filter(petition=p).prefetch_related("sealed"))
    assert len(docs) == 2
    request = RequestFactory().get("/")
    for doc in docs:
        sealed = " ".join(doc.paragraphs)
        assert "Article" not in sealed and "信访工作条例" in sealed and doc.sealed.content_sha256
        with translation.override("en"):
            text = " ".join(pdf_text(document_pdf_bytes(request, doc)).split())
        assert "信访专用章" in text and "扫码核验" in text and "Scan to verify" not in text
    assert "第34条" in " ".join(docs[0].paragraphs)

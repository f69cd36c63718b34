"""No raw keys on paper: every PDF the product makes, rendered from the demo, has Chinese labels only.

The documents are enumerated from the models and registries (every certificate; every application's
``document_kinds``; every penalty case × ``enforcement.documents.TEMPLATES``; every petition document; every
mediation's ``document_list``; every sealed document such as credit reports), not from a hand list. The text is
extracted with pypdf and the test fails on an ASCII identifier followed by a colon (``item:``, ``case_number：``).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import Http404
from django.test import RequestFactory

from township.certificates import pdf
from township.certificates.tests.test_paper_layout import pdf_text, raw_keys
from township.core.errors import DomainError

# ---- every document of the demo ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    from township.grid import spatial

    with django_db_blocker.unblock(), transaction.atomic():
        spatial.clear()
        call_command("seed_demo", "--keep-demo-passwords", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
        spatial.clear()


def _documents() -> list[tuple[str, bytes]]:
    """(what, pdf bytes) for every document the demo holds, from the registries."""
    from township.approval import selectors as approval
    from township.approval.models import Application
    from township.certificates.models import Certificate, SealedDocument
    from township.enforcement import documents as enforcement_documents
    from township.enforcement.models import PenaltyCase
    from township.mediation import documents as mediation_documents
    from township.mediation import views as mediation_views
    from township.mediation.models import Mediation
    from township.petitions.models import PetitionDocument

    out: list[tuple[str, bytes]] = []
    for cert in Certificate.objects.select_related("holder"):
        out.append((f"certificate:{cert.type_name}", pdf.render_certificate(cert)))
    for app in Application.objects.select_related("case", "applicant", "jurisdiction"):
        for kind, _title in approval.document_kinds(app):
            c = approval.document_content(app, kind)
            body = pdf.render_document(
                title=c["title"],
                unit_name=app.jurisdiction.name,
                paragraphs=c["paragraphs"],
                doc_number=c["number"],
                addressee=c["addressee"],
                date=c["date"],
            )
            out.append((f"approval:{kind}", body))
    for pc in PenaltyCase.objects.select_related("case", "jurisdiction"):
        for kind in enforcement_documents.TEMPLATES:
            try:
                _title, body = enforcement_documents.render(pc, kind)
            except DomainError:
                continue  # the case has not reached that step
            out.append((f"enforcement:{kind}", body))
    for doc in PetitionDocument.objects.all():
        body = pdf.render_document(
            title=doc.title,
            unit_name=doc.unit_name,
            paragraphs=list(doc.paragraphs),
            doc_number=doc.number,
            addressee=doc.addressee,
            date=doc.issued_on,
        )
        out.append((f"petition:{doc.kind}", body))
    factory = RequestFactory()
    for m in Mediation.objects.select_related("case", "mediator"):
        if m.mediator is None:
            continue
        for d in mediation_documents.document_list(m):
            request = factory.get("/")
            request.user = m.mediator
            try:
                response = mediation_views.document_pdf.__wrapped__(request, m.case_id, d["key"])
            except Http404:  # a dossier the mediator cannot open is not a paper fault
                continue
            if response.status_code == 200 and response["Content-Type"] == "application/pdf":
                out.append((f"mediation:{d['key']}", response.content))
    for sealed in SealedDocument.objects.select_related("key"):
        content = json.loads(sealed.content)
        body = pdf.render_document(
            title=sealed.title,
            unit_name=sealed.key.unit_name,
            paragraphs=[str(p) for p in content.get("paragraphs", [])],
            doc_number=sealed.number,
            addressee=str(content.get("addressee", "")),
            date=sealed.issued_on,
        )
        out.append((f"sealed:{sealed.kind}", body))
    return out


@pytest.mark.slow
def test_every_document_of_the_demo_has_labels_only(demo_db, db):
    docs = _documents()
    kinds = Counter(what.split(":")[0] for what, _b in docs)
    # the probes can fail: the demo holds certificates (two from approval's issue, with ASCII data keys) and documents
    assert kinds["certificate"] >= 3 and kinds["approval"] >= 2 and kinds["enforcement"] >= 3, kinds
    found: dict[str, Any] = {}
    for what, body in docs:
        keys = raw_keys(pdf_text(body))
        if keys:
            found.setdefault(what, sorted(set(keys)))
    assert found == {}, found

"""Web pages: public verification (no login), my library, PDF downloads. Thin: selectors do the work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from township.certificates import pdf, selectors
from township.core.errors import NotFound


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    identifier = request.GET.get("identifier", "").strip()
    if identifier:
        return redirect("certificates:verify", identifier=identifier)
    return render(request, "certificates/verify.html", {"result": None})


@require_GET
def verify_page(request: HttpRequest, identifier: str) -> HttpResponse:
    result = selectors.certificate_verify(identifier)
    status = 404 if result["status"] in ("not_found", "malformed") else 200
    return render(request, "certificates/verify.html", {"result": result}, status=status)


@login_required
def my_library(request: HttpRequest) -> HttpResponse:
    subject, certificates, materials = selectors.my_library(actor=request.user)
    rows = [(c, c.effective_status()) for c in certificates]
    return render(
        request,
        "certificates/my_library.html",
        {"subject": subject, "certificates": rows, "materials": materials},
    )


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        cert = selectors.certificate_get_for_download(actor=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    body = pdf.render_certificate(cert, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{cert.identifier}.pdf"'
    return response


@login_required
def library_item_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.library_item_get_for_download(actor=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    if item.certificate_id:
        return redirect("certificates:pdf", pk=item.certificate_id)
    if not item.file:
        raise Http404
    response = HttpResponse(item.file.open("rb").read(), content_type=item.content_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{item.material_type_code}-{item.pk}"'
    return response


@login_required
def staff_subject_lookup(request: HttpRequest) -> HttpResponse:
    """Staff: type or scan a resident ID / USCC to open the subject's certificates and library."""
    from township.subjects.selectors import is_staff, subject_find

    if not is_staff(request.user):
        raise Http404
    identifier = request.GET.get("identifier", "").strip()
    not_found = False
    if identifier:
        subject = subject_find(identifier)
        if subject is not None:
            return redirect("certificates:staff_subject", pk=subject.pk)
        not_found = True
    from django.core.paginator import Paginator

    from township.subjects.models import CreditClass, SubjectKind
    from township.subjects.selectors import subject_list

    filters = {
        "q": request.GET.get("q", "").strip(),
        "kind": request.GET.get("kind", ""),
        "credit_class": request.GET.get("credit_class", ""),
    }
    page = Paginator(subject_list(actor=request.user, **filters), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/staff_subject.html",
        {
            "subject": None,
            "identifier": identifier,
            "not_found": not_found,
            "page": page,
            "filters": filters,
            "kinds": SubjectKind.choices,
            "classes": CreditClass.choices,
        },
    )


@login_required
def staff_subject(request: HttpRequest, pk: int) -> HttpResponse:
    from township.credit.selectors import credit_summary
    from township.subjects.models import Subject
    from township.subjects.selectors import is_staff

    if not is_staff(request.user):
        raise Http404
    subject = Subject.objects.filter(pk=pk).select_related("registered_in").first()  # shared reference row
    if subject is None:
        raise Http404
    certificates = [(c, c.effective_status()) for c in selectors.certificates_for_subject(subject)]
    materials = list(selectors.library_items_for(subject).filter(certificate__isnull=True))
    return render(
        request,
        "certificates/staff_subject.html",
        {
            "subject": subject,
            "certificates": certificates,
            "materials": materials,
            "credit": credit_summary(subject),
        },
    )


def verify_document(request: HttpRequest, code: str) -> HttpResponse:
    """Public check of a sealed letter by its code (printed with a QR code on the paper)."""
    result = selectors.sealed_document_verify(code)
    return render(
        request, "certificates/verify_document.html", {"result": result, "code": code}, status=200 if result else 404
    )

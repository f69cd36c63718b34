"""Web pages: public verification (no login), my library, PDF downloads. Thin: selectors do the work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from township.certificates import pdf, selectors
from township.core.errors import DomainError, NotFound


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
    """Staff: type or scan a resident ID / USCC to open the subject's certificates and library.

    Only subjects present in the staff member's reach are found or listed (an unknown identifier and one of
    another town read the same: "not found")."""
    from django.core.paginator import Paginator

    from township.subjects.models import CreditClass, SubjectKind
    from township.subjects.selectors import is_staff, subject_find_for, subject_list

    if not is_staff(request.user):
        raise Http404
    identifier = request.GET.get("identifier", "").strip()
    not_found = False
    if identifier:
        try:
            subject = subject_find_for(actor=request.user, identifier=identifier)
        except NotFound:
            not_found = True
        else:
            return redirect("certificates:staff_subject", pk=subject.pk)
    filters = {
        "q": request.GET.get("q", "").strip(),
        "kind": request.GET.get("kind", ""),
        "credit_class": request.GET.get("credit_class", ""),
    }
    subjects = subject_list(
        actor=request.user, q=filters["q"], kind=filters["kind"], credit_class=filters["credit_class"]
    )
    page = Paginator(subjects, 50).get_page(request.GET.get("page"))
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
    """One subject's certificates and library, personal data masked; 404 outside the staff member's scope.

    POST ``field=resident_id|phone`` is the 显示完整 action: the value in full, for a window clerk or an
    enforcement officer where the subject is present (or the explicit permission), logged each time."""
    from township.subjects.selectors import is_staff, may_reveal, subject_get
    from township.subjects.services import subject_reveal

    if not is_staff(request.user):
        raise Http404
    try:
        subject = subject_get(actor=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    revealed: dict[str, str] = {}
    reveal_error = ""
    if request.method == "POST":
        field = request.POST.get("field", "")
        try:
            revealed[field] = subject_reveal(
                subject=subject, field=field, actor=request.user, ip=request.META.get("REMOTE_ADDR")
            )
        except DomainError as exc:
            reveal_error = exc.message
    certificates = [(c, c.effective_status()) for c in selectors.certificates_for_subject(subject)]
    materials = list(selectors.library_items_for(subject).filter(certificate__isnull=True))
    return render(
        request,
        "certificates/staff_subject.html",
        {
            "subject": subject,
            "certificates": certificates,
            "materials": materials,
            "may_reveal": may_reveal(actor=request.user, subject=subject),
            "revealed": revealed,
            "reveal_error": reveal_error,
        },
        status=403 if reveal_error else 200,
    )


def verify_document(request: HttpRequest, code: str) -> HttpResponse:
    """Public check of a sealed letter by its code (printed with a QR code on the paper)."""
    result = selectors.sealed_document_verify(code)
    return render(
        request, "certificates/verify_document.html", {"result": result, "code": code}, status=200 if result else 404
    )

"""信访 pages: registration, list (search, pagination, masked Excel export), the item page (actions panel, links,
documents), document download (sealed PDF), the access log, the petitioner's messages and the public follow-up by
查询码. Thin: selectors and services do the work; every read of an item is logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.models import Warning
from township.core.errors import DomainError, NotFound
from township.org.models import User
from township.org.scoping import reach
from township.org.units import chosen_unit
from township.petitions import selectors, services
from township.petitions.export import petitions_xlsx
from township.petitions.forms import RegisterForm
from township.petitions.machine import OFFICERS, S
from township.petitions.models import AccessKind, Category, Channel, Petition, Source

PAGE = 50


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _petition_or_404(request: HttpRequest, pk: int) -> Petition:
    try:
        return selectors.petition_get(actor=request.user, pk=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404 from exc


def _filter(request: HttpRequest) -> selectors.PetitionFilter:
    g = request.GET
    return selectors.PetitionFilter(
        q=g.get("q", "").strip()[:100],
        state=g.get("state", "") if g.get("state", "") in S.values else "",
        category=g.get("category", "") if g.get("category", "") in Category.values else "",
        channel=g.get("channel", "") if g.get("channel", "") in Channel.values else "",
        source=g.get("source", "") if g.get("source", "") in Source.values else "",
        unit=chosen_unit(request),
    )


@login_required
def petition_list(request: HttpRequest) -> HttpResponse:
    f = _filter(request)
    before = request.GET.get("before") or ""
    rows = selectors.petition_list(actor=request.user, f=f, before_id=int(before) if before.isdigit() else None)  # type: ignore[arg-type]
    rows = list(rows)
    next_url = None
    if len(rows) == PAGE:
        params = request.GET.copy()
        params["before"] = str(rows[-1].pk)
        next_url = f"?{params.urlencode()}"
    export = request.GET.copy()
    export.pop("before", None)
    for key, value in (f.unit.params if f.unit else {}).items():  # the export follows the chosen unit
        export[key] = value
    return render(
        request,
        "petitions/list.html",
        {
            "rows": rows,
            "f": f,
            "states": S.choices,
            "categories": Category.choices,
            "channels": Channel.choices,
            "sources": Source.choices,
            "next_url": next_url,
            "export_query": export.urlencode(),
            "can_register": bool(reach(request.user, OFFICERS).codes),  # type: ignore[arg-type]
        },
    )


@login_required
def petition_export(request: HttpRequest) -> HttpResponse:
    """The list as Excel, personal data masked; each exported item is logged."""
    body = petitions_xlsx(actor=request.user, f=_filter(request), ip=_ip(request))  # type: ignore[arg-type]
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="petitions-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
def register(request: HttpRequest) -> HttpResponse:
    codes = sorted(reach(request.user, OFFICERS).codes)  # type: ignore[arg-type]
    if not codes:
        raise Http404
    unit = request.POST.get("unit") or request.GET.get("unit") or codes[0]
    if unit not in codes:
        unit = codes[0]
    form = RegisterForm(request.POST or None, departments=selectors.departments_of(unit))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            petition = services.petition_register(
                actor=request.user,  # type: ignore[arg-type]
                jurisdiction=unit,
                channel=d["channel"],
                source=d["source"],
                sender_body=d["sender_body"] or "",
                sender_deadline=d.get("sender_deadline"),
                category=d["category"],
                title=d["title"],
                request=d["request"] or "",
                description=d["description"] or "",
                anonymous=d["anonymous"],
                urgent=d["urgent"],
                accused_name=d["accused_name"] or "",
                accused_department=d.get("accused_department"),
                petitioners=form.petitioners(),
                received_at=form.received(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记：%(n)s") % {"n": petition.case.number})
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "petitions/register.html", {"form": form, "unit": unit, "units": codes})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    from township.cases.actions import panel

    petition = _petition_or_404(request, pk)
    services.access_log(
        petition=petition, actor=request.user, kind=AccessKind.VIEW, detail=_("查看事项页面"), ip=_ip(request)
    )
    return render(
        request,
        "petitions/detail.html",
        {
            "p": petition,
            "case": petition.case,
            "panel": panel(request, petition.case),
            "petitioners": list(petition.petitioners.all()),
            "documents": selectors.documents(petition=petition),
            "recusals": list(petition.recusals.select_related("user")),
            "notices": list(petition.notices.order_by("-created_at")[:20]),
            "can_read_log": selectors.may_read_log(request.user, petition),  # type: ignore[arg-type]
            "warning": petition.case.warning(),
            "warning_label": dict(Warning.choices).get(petition.case.warning(), ""),
        },
    )


@login_required
def case_redirect(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        petition = selectors.petition_for_case(actor=request.user, case_id=case_id)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404 from exc
    return redirect("petitions:detail", pk=petition.pk)


def document_pdf_bytes(request: HttpRequest, doc: Any) -> bytes:
    """The letter as issued and sealed: in the official language, whatever this page is in (the petitioner's copy)."""
    from township.certificates.pdf import render_document
    from township.certificates.services import official_language

    with official_language():
        return _document_pdf(request, doc, render_document)


def _document_pdf(request: HttpRequest, doc: Any, render_document: Callable[..., bytes]) -> bytes:
    sealed = doc.sealed
    return render_document(
        title=doc.title,
        unit_name=doc.unit_name,
        paragraphs=list(doc.paragraphs),
        doc_number=doc.number,
        addressee=doc.addressee,
        date=doc.issued_on,
        seal_label=_("信访专用章"),
        verify=request.build_absolute_uri(reverse("certificates:verify-document", args=[sealed.code])),
        footer=_("电子签章核验码：%(c)s（扫描二维码核验）") % {"c": sealed.code},
    )


@login_required
def document(request: HttpRequest, pk: int, doc_id: int) -> HttpResponse:
    try:
        doc = selectors.document_get(actor=request.user, petition_id=pk, doc_id=doc_id)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404 from exc
    services.access_log(
        petition=doc.petition,
        actor=request.user,
        kind=AccessKind.DOCUMENT,
        detail=f"{doc.title} {doc.number}",
        ip=_ip(request),
    )
    response = HttpResponse(document_pdf_bytes(request, doc), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{doc.number}.pdf"'
    return response


@login_required
def access_log(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    petition = _petition_or_404(request, pk) if pk is not None else None
    try:
        rows = selectors.access_log_list(actor=request.user, petition=petition)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404 from exc
    return render(request, "petitions/access_log.html", {"rows": rows, "p": petition})


@login_required
def my_notices(request: HttpRequest) -> HttpResponse:
    user = request.user if isinstance(request.user, User) else None
    return render(request, "petitions/notices.html", {"rows": selectors.notices_for(actor=user)})


def track(request: HttpRequest) -> HttpResponse:
    """Public: the petitioner follows the item by its 查询码 (state and notices only, no personal data)."""
    code = request.GET.get("code", "")
    found = selectors.track(code) if code else None
    return render(request, "petitions/track.html", {"code": code, "found": found, "searched": bool(code)})

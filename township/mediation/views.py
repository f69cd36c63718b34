"""Mediation pages: committees, the application form, the list (filters, search, pages, Excel), the case page with
its actions and links, the documents and the 司法确认 pack as PDFs, the dossier, statistics. Thin."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.models import Warning
from township.certificates.services import is_official_language
from township.core.errors import DomainError, NotFound
from township.core.identifiers import mask_phone, mask_resident_id
from township.mediation import documents, forms, selectors, services
from township.mediation.machine import MACHINE, S
from township.mediation.models import DisputeType, Mediation, Outcome, Source
from township.org.models import Jurisdiction, Level, Role, User
from township.org.scoping import has_role, reach
from township.org.units import chosen_unit

PAGE_SIZE = 30
EXPORT_MAX_ROWS = 20000


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _user(request: HttpRequest) -> Any:
    return request.user


def _mediation_by_case(request: HttpRequest, case_id: int) -> Mediation:
    found = selectors.mediation_qs(request.user).filter(case_id=case_id).first()
    if found is None:
        raise Http404
    return found


def _villages(request: HttpRequest) -> list[tuple[str, str]]:
    r = reach(_user(request), [Role.MEDIATOR, Role.LEADER, Role.ADMINISTRATOR])
    qs = Jurisdiction.objects.filter(level=Level.VILLAGE)
    codes = set(qs.filter(parent_id__in=sorted(r.codes)).values_list("code", flat=True)) | {v for _t, v in r.villages}
    return list(qs.filter(code__in=codes).order_by("code").values_list("code", "name"))


def _filters(request: HttpRequest) -> dict[str, Any]:
    g = request.GET
    return {
        "q": g.get("q", "").strip(),
        "state": g.get("state", ""),
        "village": g.get("village", ""),
        "dispute_type": g.get("dispute_type", ""),
        "source": g.get("source", ""),
        "outcome": g.get("outcome", ""),
        "start": _date(g.get("start")),
        "end": _date(g.get("end")),
        "unit": chosen_unit(request),  # the unit tree (组织机构) beside the list; the export follows it
    }


def _party_names(m: Mediation, masked: bool = True) -> str:
    from township.core.identifiers import mask_name

    return "、".join(f"{mask_name(p.name) if masked else p.name}（{p.get_side_display()}）" for p in m.parties.all())


@login_required
def mediation_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    qs = selectors.mediation_list(actor=request.user, **f).prefetch_related("parties")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    labels = dict(Warning.choices)
    rows = [
        {
            "m": m,
            "warning": m.case.warning(now),
            "warning_label": labels.get(m.case.warning(now), ""),
            "parties": _party_names(m),
        }
        for m in page
    ]
    query = urlencode({k: v for k, v in request.GET.items() if k != "page"} | f["unit"].params)
    return render(
        request,
        "mediation/list.html",
        {
            "rows": rows,
            "page": page,
            "query": query,
            "f": request.GET,
            "states": [(s.key, s.label) for s in MACHINE.states],
            "villages": _villages(request),
            "types": DisputeType.choices,
            "sources": Source.choices,
            "outcomes": Outcome.choices,
        },
    )


def append_row(ws: Any, values: list[Any]) -> None:
    """Append cells as plain text: a value like "=HYPERLINK(…)" must never become a formula."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for v in values:
        cell = WriteOnlyCell(ws, value=v)
        if isinstance(v, str) and v.startswith(("=", "+", "-", "@")):
            cell.data_type = "s"
        cells.append(cell)
    ws.append(cells)


@login_required
def mediation_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel; names and phones masked (个人信息保护法: minimum necessary)."""
    from openpyxl import Workbook

    f = _filters(request)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("调解案件"))
    ws.append(
        [
            _("编号"),
            _("村（社区）"),
            _("调解委员会"),
            _("来源"),
            _("纠纷类型"),
            _("当事人"),
            _("联系电话"),
            _("申请日期"),
            _("状态"),
            _("调解员"),
            _("调解结果"),
            _("终结日期"),
        ]
    )
    qs = selectors.mediation_list(actor=request.user, **f).prefetch_related("parties")[:EXPORT_MAX_ROWS]
    for m in qs.iterator(chunk_size=500):
        parties = list(m.parties.all())
        append_row(
            ws,
            [
                m.case.number,
                m.village.name,
                m.committee.name,
                m.get_source_display(),
                m.get_dispute_type_display(),
                _party_names(m),
                "、".join(mask_phone(p.phone) for p in parties if p.phone),
                m.received_on.isoformat(),
                str(m.case.state_label),
                m.mediator.get_full_name() if m.mediator else "",
                m.get_outcome_display(),
                m.ended_on.isoformat() if m.ended_on else "",
            ],
        )
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mediation.xlsx"'
    return response


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    from township.cases.actions import panel

    m = _mediation_by_case(request, case_id)
    parties = [{"p": p, "rid": mask_resident_id(p.resident_id), "phone": mask_phone(p.phone)} for p in m.parties.all()]
    agreement = selectors.agreement_of(m)
    pack_error = ""
    if m.case.state == S.EFFECTIVE and agreement is not None:
        try:
            services.confirmation_precheck(m)
        except DomainError as exc:
            pack_error = exc.message
    return render(
        request,
        "mediation/case.html",
        {
            "m": m,
            "case": m.case,
            "parties": parties,
            "agreement": agreement,
            "signatures": agreement.signatures.all() if agreement else [],
            "sessions": m.sessions.all(),
            "recusals": m.recusals.select_related("party", "mediator", "replacement"),
            "confirmation": selectors.confirmation_of(m),
            "panel": panel(request, m.case),
            "documents": documents.document_list(m),
            "pack_error": pack_error,
            "members": m.committee.members.filter(active=True).select_related("user"),
        },
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@login_required
def document_pdf(request: HttpRequest, case_id: int, key: str) -> HttpResponse:
    """One document of the dossier as a PDF (personal data masked; the full data only goes into the court pack)."""
    m = _mediation_by_case(request, case_id)
    agreement = selectors.agreement_of(m)
    if key == "registration":
        paras = documents.registration_paragraphs(m)
        return _pdf(documents.render(documents.title(key), m, paras, number=m.case.number), "registration")
    if key == "sessions":
        paras = documents.session_paragraphs(m)
        return _pdf(documents.render(documents.title(key), m, paras, number=m.case.number), "sessions")
    if key == "agreement" and agreement is not None:
        title = documents.title(key, agreement)
        verify = ""
        if agreement.sealed_document is not None:
            verify = request.build_absolute_uri(
                reverse("certificates:verify-document", args=[agreement.sealed_document.code])
            )
        paras = (
            documents.agreement_paragraphs(agreement, full=False)
            if agreement.form == "written"
            else documents.oral_agreement_paragraphs(agreement)
        )
        return _pdf(
            documents.render(
                title,
                m,
                paras,
                number=agreement.number,
                verify=verify,
                seal_label=_("人民调解委员会印章") if agreement.sealed_on else "",
                # printed in another language than the sealed Chinese original: a translation, not sealed
                translation_of=""
                if agreement.sealed_document is None or is_official_language()
                else agreement.sealed_document.code,
            ),
            "agreement",
        )
    if key == "routes" and m.routes_notice:
        return _pdf(
            documents.render(documents.title(key), m, documents.routes_notice_paragraphs(m), number=m.case.number),
            "routes",
        )
    raise Http404


@login_required
def confirmation_pack(request: HttpRequest, case_id: int) -> HttpResponse:
    """The 司法确认 application pack (rule 9), refused after 30 days, for oral agreements and for matters a court
    cannot confirm (the matter is asked in ?matter=)."""
    m = _mediation_by_case(request, case_id)
    if not has_role(_user(request), m.jurisdiction_id, (Role.MEDIATOR,), village=m.village_id):
        raise Http404
    try:
        matter = request.GET.get("matter")
        services.confirmation_precheck(m, matter=matter if matter else None)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("mediation:case", case_id)
    agreement = selectors.agreement_of(m)
    assert agreement is not None
    from township.cases.services import case_note

    case_note(case=m.case, actor=_user(request), name="pack", label=_("生成司法确认申请材料"))
    paras = documents.confirmation_pack_paragraphs(m, agreement, court=request.GET.get("court", ""))
    return _pdf(documents.render(documents.title("pack"), m, paras, number=agreement.number), "confirmation-pack")


@login_required
def dossier(request: HttpRequest, case_id: int) -> HttpResponse:
    """卷宗 (人民调解法第27条): every document and the timeline of the case."""
    from township.cases.selectors import case_timeline

    m = _mediation_by_case(request, case_id)
    return render(
        request,
        "mediation/dossier.html",
        {
            "m": m,
            "case": m.case,
            "documents": documents.document_list(m),
            "events": case_timeline(case=m.case),
            "confirmation": selectors.confirmation_of(m),
        },
    )


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    committees = [
        (c.pk, f"{c.name}（{c.village.name}）")
        for c in selectors.committee_list(
            actor=request.user,
        )
        if c.active
    ]
    form = forms.ApplicationForm(request.POST or None, committees=committees)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            committee = selectors.committee_get(actor=request.user, pk=d["committee"])
            m = services.mediation_register(
                actor=request.user,
                committee=committee,
                dispute_type=d["dispute_type"],
                summary=d["summary"],
                claims=d["claims"],
                source=d["source"],
                court_name=d["court_name"],
                received_on=d["received_on"],
                parties=[
                    {
                        "side": side,
                        "name": d[f"{side}_name"],
                        "resident_id": d[f"{side}_id"],
                        "phone": d[f"{side}_phone"],
                        "address": d[f"{side}_address"],
                    }
                    for side in ("applicant", "respondent")
                ],
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已登记调解申请 %(n)s，请征询双方当事人意愿") % {"n": m.case.number})
            return redirect("mediation:case", m.case_id)
    return render(request, "mediation/apply.html", {"form": form})


@login_required
def committee_list(request: HttpRequest) -> HttpResponse:
    form = forms.CommitteeForm(request.POST or None, villages=_villages(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = services.committee_create(actor=request.user, **d)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已设立 %(name)s") % {"name": c.name})
            return redirect("mediation:committee", c.pk)
    rows = selectors.committee_list(actor=request.user, village=request.GET.get("village") or None).prefetch_related(
        "members__user"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mediation/committees.html",
        {
            "page": page,
            "form": form,
            "villages": _villages(request),
            "f": request.GET,
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


@login_required
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        c = selectors.committee_get(actor=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    form = forms.MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
        current = [(cm.user, cm.title) for cm in c.members.filter(active=True).select_related("user")]
        try:
            if user is None or not has_role(user, c.jurisdiction_id, (Role.MEDIATOR,), village=c.village_id):
                raise DomainError("mediator_not_member", _("该账号不是本村（社区）的人民调解员"), field="username")
            current = [x for x in current if x[0].pk != user.pk] + [(user, form.cleaned_data["title"])]
            services.committee_set_members(actor=request.user, committee=c, members=current)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已更新成员"))
            return redirect("mediation:committee", c.pk)
    members = c.members.filter(active=True).select_related("user")
    cases = selectors.mediation_list(actor=request.user).filter(committee=c)[:20]
    return render(request, "mediation/committee.html", {"c": c, "members": members, "form": form, "cases": cases})


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    return render(
        request,
        "mediation/stats.html",
        {
            "s": selectors.statistics(actor=request.user, start=start, end=end),
            "f": request.GET,
        },
    )

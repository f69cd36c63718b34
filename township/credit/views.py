"""Credit pages: the workbench (records, lists, repairs, statistics), the case pages of a listing and a repair, the
per-subject page, the applicant's own credit with online repair, the public 信用公示 and the sealed report PDF.
Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from township.core.errors import DomainError, NotFound
from township.credit import forms, queries, selectors, services, workflows
from township.credit.machine import LISTING_MACHINE, REPAIR_MACHINE
from township.credit.models import CreditKind, CreditSeverity, CreditSource, OverrideStatus
from township.org.models import Role, User
from township.org.scoping import reach
from township.org.units import chosen_unit
from township.subjects.selectors import is_staff, subject_find_for, subject_for_user, subject_get

OFFICER = (Role.CREDIT_OFFICER,)


def _staff_or_404(request: HttpRequest) -> None:
    if not is_staff(request.user):
        raise Http404


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _officer_unit(request: HttpRequest) -> str | None:
    codes = sorted(reach(_user(request), OFFICER).codes)
    return codes[0] if codes else None


def _error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


@login_required
def workbench(request: HttpRequest) -> HttpResponseBase:
    """信用工作台: records with filters, search, pagination and an Excel export."""
    _staff_or_404(request)
    f = request.GET
    before = f.get("before", "")
    filters: dict[str, Any] = {k: f.get(k, "") for k in ("q", "kind", "severity", "source", "status")}
    unit = chosen_unit(request)  # the unit tree (组织机构) beside the list; the export follows it
    if f.get("format") == "xlsx":
        return _export(request, queries.record_list(actor=request.user, limit=5000, unit=unit, **filters))
    before_id = int(before) if before.isdigit() else None
    rows = list(queries.record_list(actor=request.user, before_id=before_id, unit=unit, **filters))
    next_url = None
    if len(rows) == queries.PAGE:
        params = f.copy()
        params["before"] = str(rows[-1].pk)
        next_url = f"?{params.urlencode()}"
    export = f.copy()
    export.pop("before", None)
    export["format"] = "xlsx"
    for key, value in unit.params.items():
        export[key] = value
    return render(
        request,
        "credit/workbench.html",
        {
            "rows": rows,
            "f": filters,
            "next_url": next_url,
            "export_url": f"?{export.urlencode()}",
            "kinds": CreditKind.choices,
            "severities": CreditSeverity.choices,
            "sources": CreditSource.choices,
            "record_form": forms.RecordForm() if _officer_unit(request) else None,
            "tab": "records",
        },
    )


def _export(request: HttpRequest, rows: Any) -> HttpResponseBase:
    from openpyxl import Workbook

    from township.core.excel import append_row, xlsx_response

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("信用记录"))
    append_row(
        ws,
        [
            _("主体"),
            _("证件号码"),
            _("类别"),
            _("失信程度"),
            _("来源"),
            _("事由"),
            _("文书编号"),
            _("记录单位"),
            _("决定日期"),
            _("最短公示期至"),
            _("最长公示期至"),
            _("停止公示"),
        ],
    )
    for r in rows:
        append_row(
            ws,
            [
                r.subject.masked_name,
                r.subject.masked_identifier,
                r.get_kind_display(),
                r.get_severity_display() if r.severity else _("守信"),
                r.get_source_display(),
                r.reason,
                r.source_number,
                r.jurisdiction.name,
                str(r.valid_from),
                str(r.min_until or ""),
                str(r.max_until or ""),
                r.get_publication_end_reason_display() if r.publication_end_reason else "",
            ],
        )
    return xlsx_response(wb, f"信用记录-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_POST
def record_create(request: HttpRequest) -> HttpResponse:
    form = forms.RecordForm(request.POST)
    unit = _officer_unit(request)
    if unit is None:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容"))
        return redirect("credit:workbench")
    d = form.cleaned_data
    try:
        subject = subject_find_for(actor=request.user, identifier=d["identifier"].strip().upper())
        services.credit_record_create(
            subject=subject,
            kind=d["kind"],
            reason=d["reason"],
            actor=request.user,
            jurisdiction=unit,
            severity=d["severity"] or None,
            source=d["source"],
            source_number=d["source_number"],
            valid_from=d["valid_from"],
        )
    except NotFound:
        messages.error(request, _("未找到该主体，请先在主体库登记"))
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("信用记录已保存，信用等级已重新计算"))
    return redirect("credit:workbench")


@login_required
def listings(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    state = request.GET.get("state", "")
    return render(
        request,
        "credit/listings.html",
        {
            "rows": list(queries.listing_list(actor=request.user, state=state, unit=chosen_unit(request))[:200]),
            "states": [(s.key, s.label) for s in LISTING_MACHINE.states],
            "state": state,
            "form": forms.ProposeListingForm() if _officer_unit(request) else None,
            "tab": "listings",
        },
    )


@login_required
@require_POST
def listing_propose(request: HttpRequest) -> HttpResponse:
    form = forms.ProposeListingForm(request.POST)
    unit = _officer_unit(request)
    if unit is None:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容"))
        return redirect("credit:listings")
    d = form.cleaned_data
    try:
        subject = subject_find_for(actor=request.user, identifier=d["identifier"].strip().upper())
        listing = workflows.listing_propose(
            subject=subject, facts=d["facts"], basis=d["basis"], actor=request.user, jurisdiction=unit
        )
    except NotFound:
        messages.error(request, _("未找到该主体，请先在主体库登记"))
        return redirect("credit:listings")
    except DomainError as exc:
        _error(request, exc)
        return redirect("credit:listings")
    return redirect("credit:listing", listing.case_id)


def _case_page(request: HttpRequest, template: str, record: Any, machine: Any) -> HttpResponse:
    from township.cases.actions import panel

    return render(
        request,
        template,
        {
            "r": record,
            "case": record.case,
            "panel": panel(request, record.case),
            "state_label": machine.state_label(record.case.state),
        },
    )


@login_required
def listing_page(request: HttpRequest, case_id: int) -> HttpResponse:
    listing = queries.listing_list(actor=request.user).filter(case_id=case_id).first()
    if listing is None:
        raise Http404
    return _case_page(request, "credit/listing.html", listing, LISTING_MACHINE)


@login_required
def repairs(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    state = request.GET.get("state", "")
    return render(
        request,
        "credit/repairs.html",
        {
            "rows": list(queries.repair_list(actor=request.user, state=state, unit=chosen_unit(request))[:200]),
            "states": [(s.key, s.label) for s in REPAIR_MACHINE.states],
            "state": state,
            "tab": "repairs",
        },
    )


@login_required
def repair_page(request: HttpRequest, case_id: int) -> HttpResponse:
    repair = queries.repair_list(actor=request.user).filter(case_id=case_id).first()
    if repair is None:
        repair = (
            queries.Repair.objects.select_related("case", "record", "subject")
            .filter(case_id=case_id, applicant_user=request.user)
            .first()
        )
    if repair is None:
        raise Http404
    return _case_page(request, "credit/repair.html", repair, REPAIR_MACHINE)


@login_required
def repair_apply(request: HttpRequest, record_id: int) -> HttpResponse:
    """Apply for repair: at the window by staff (record in reach), or online by the subject's own account."""
    from township.credit.models import CreditRecord

    record = CreditRecord.objects.select_related("subject").filter(pk=record_id).first()
    own = record is not None and (s := subject_for_user(request.user)) is not None and s.pk == record.subject_id
    if record is None or not (own or queries.record_list(actor=request.user, limit=None).filter(pk=record_id).exists()):
        raise Http404
    form = forms.RepairApplyForm(request.POST or None, initial={"record": record.pk})
    if request.method == "POST" and form.is_valid():
        try:
            repair = workflows.repair_apply(
                record=record,
                actor=request.user,
                performance=form.cleaned_data["performance"],
                pledge=form.cleaned_data["pledge"],
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("信用修复申请已提交"))
            return redirect("credit:repair", repair.case_id)
    return render(request, "credit/repair_apply.html", {"record": record, "form": form})


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    stats = queries.statistics(actor=request.user)
    sev = dict(CreditSeverity.choices)
    src = dict(CreditSource.choices)
    charts = {
        "severity": [{"name": str(sev.get(k, k)), "value": v} for k, v in stats["by_severity"].items() if k],
        "source": [{"name": str(src.get(k, k)), "value": v} for k, v in stats["by_source"].items()],
        "grades": {"names": [f"{g}类" for g in stats["grades"]], "values": list(stats["grades"].values())},
        "months": {"names": [m for m, _n in stats["months"]], "values": [n for _m, n in stats["months"]]},
    }
    return render(request, "credit/statistics.html", {"s": stats, "charts": charts, "tab": "statistics"})


@login_required
def subject_records(request: HttpRequest, subject_id: int) -> HttpResponse:
    _staff_or_404(request)
    try:
        subject = subject_get(actor=request.user, pk=subject_id)  # present in the actor's reach, else 404
    except NotFound as exc:
        raise Http404 from exc
    records = list(selectors.credit_records_for(subject, actor=request.user))
    summary = selectors.credit_summary(subject)
    unit = _officer_unit(request)
    overrides = list(subject.credit_overrides.filter(status=OverrideStatus.PROPOSED).select_related("proposed_by"))
    return render(
        request,
        "credit/subject_records.html",
        {
            "subject": subject,
            "records": records,
            "summary": summary,
            "elsewhere": summary["total"] - len(records),
            "history": queries.grade_history(subject, 20),
            "override_form": forms.OverrideProposeForm() if unit else None,
            "overrides": overrides,
            "decide_form": forms.OverrideDecideForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def override_propose(request: HttpRequest, subject_id: int) -> HttpResponse:
    _staff_or_404(request)
    try:
        subject = subject_get(actor=request.user, pk=subject_id)
    except NotFound as exc:
        raise Http404 from exc
    form = forms.OverrideProposeForm(request.POST)
    unit = _officer_unit(request)
    if form.is_valid() and unit:
        try:
            services.credit_grade_override_propose(
                subject=subject,
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                jurisdiction=unit,
                valid_until=form.cleaned_data["valid_until"],
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("调整建议已提交，须经另一人审批后生效"))
    else:
        messages.error(request, _("请检查填写的内容"))
    return redirect("credit:subject_records", subject.pk)


@login_required
@require_POST
def override_decide(request: HttpRequest, override_id: int) -> HttpResponse:
    from township.credit.models import CreditGradeOverride

    override = (
        CreditGradeOverride.objects.for_actor(request.user, services.OVERRIDE_APPROVERS).filter(pk=override_id).first()
    )
    if override is None:
        raise Http404
    form = forms.OverrideDecideForm(request.POST)
    if form.is_valid():
        try:
            services.credit_grade_override_decide(
                override=override,
                actor=request.user,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("已审批"))
    return redirect("credit:subject_records", override.subject_id)


@login_required
def report_pdf(request: HttpRequest, subject_id: int) -> HttpResponse:
    """The sealed, verifiable credit report of a subject in the actor's reach (or of the applicant's own subject)."""
    from township.credit.report import report_pdf as render_report

    own = subject_for_user(request.user)
    if own is not None and own.pk == subject_id:
        subject, unit = own, own.registered_in_id
    else:
        _staff_or_404(request)
        try:
            subject = subject_get(actor=request.user, pk=subject_id)
        except NotFound as exc:
            raise Http404 from exc
        codes = sorted(reach(_user(request)).codes)
        unit = subject.registered_in_id if subject.registered_in_id in codes else (codes[0] if codes else None)
    if not unit:
        raise Http404
    try:
        body = render_report(
            subject,
            jurisdiction_id=unit,
            verify_url=lambda code: request.build_absolute_uri(reverse("certificates:verify-document", args=[code])),
        )
    except DomainError as exc:
        _error(request, exc)
        return redirect("credit:mine" if own is not None and own.pk == subject_id else "credit:workbench")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="credit-report-{subject.pk}.pdf"'
    return response


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的信用: the applicant's own records, grade, and online repair."""
    subject = subject_for_user(request.user)
    records = list(selectors.credit_records_for(subject)) if subject is not None else []
    repairs_ = list(queries.Repair.objects.filter(subject=subject).select_related("case")) if subject else []
    return render(
        request,
        "credit/mine.html",
        {
            "subject": subject,
            "records": records,
            "repairs": repairs_,
            "grade": selectors.credit_grade(subject) if subject else "",
            "reason": selectors.credit_grade_reason(subject) if subject else "",
        },
    )


def public(request: HttpRequest) -> HttpResponse:
    """信用公示 (no login): records inside their publication period, found by code or organisation name; masked."""
    q = (request.GET.get("q") or "").strip()[:64]
    results = queries.public_search(q) if q else []
    return render(request, "credit/public.html", {"q": q, "results": results, "searched": bool(q)})

"""Staff pages and the public enforcement-information page. Thin: selectors read, services write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from township.cases import actions as case_actions
from township.cases.models import Warning
from township.cases.registry import machine_for
from township.cases.selectors import case_timeline
from township.core.errors import DomainError, NotFound
from township.enforcement import forms, inspection, selectors, services
from township.enforcement.errors import Code
from township.enforcement.machine import PENALTY_CASE, PenaltyState
from township.enforcement.models import CaseDocument, Clue, Domain, PenaltyCase
from township.org.models import Jurisdiction
from township.org.units import chosen_unit

# The engine's warning levels and their labels (正常, 黄牌预警, 红牌预警, 已超期, 超期办结 …), never a raw code.
WARNING_LABELS = {w.value: w.label for w in Warning if w not in (Warning.NONE, Warning.PAUSED)}


def _staff(request: HttpRequest) -> None:
    from township.org.scoping import reach

    if not reach(request.user, selectors.STAFF_ROLES).codes and not reach(request.user, selectors.STAFF_ROLES).villages:
        raise Http404


def _attempt(request: HttpRequest, call: Callable[[], Any], done: Callable[[Any], str]) -> None:
    """Run one service call of a POST button and tell the outcome in Chinese: ``done(result)`` on success, the
    service's refusal otherwise (nothing is written when it refuses)."""
    try:
        messages.success(request, done(call()))
    except DomainError as exc:
        messages.error(request, exc.message)


def _date_field(request: HttpRequest, name: str, *, required: bool) -> dt.date | None:
    """A date posted as YYYY-MM-DD. Errors: date_invalid."""
    raw = request.POST.get(name, "").strip()
    if not raw and not required:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise DomainError(Code.DATE_INVALID, _("日期格式应为 YYYY-MM-DD"), field=name) from None


def _get_or_404(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except NotFound:
        raise Http404 from None


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    f = {k: request.GET.get(k, "").strip() for k in ("state", "procedure", "domain", "warning", "q")}
    unit = chosen_unit(request)
    page = selectors.penalty_case_page(
        actor=request.user, filters=f, cursor=request.GET.get("cursor"), limit=50, unit=unit
    )
    today = timezone.localdate()
    machine = machine_for(PENALTY_CASE)
    rows = []
    for pc in page.rows:
        level = selectors.penalty_warning(pc, today)
        rows.append(
            {
                "pc": pc,
                "state_label": machine_for(pc.case.case_type).state_label(pc.case.state),
                "warning": level,
                "warning_label": WARNING_LABELS.get(level, ""),
            }
        )
    return render(
        request,
        "enforcement/case_list.html",
        {
            "rows": rows,
            "f": f,
            "next_cursor": page.next_cursor,
            "states": [(s.key, s.label) for s in machine.states],
            "domains": Domain.choices,
            "procedures": PenaltyCase.Procedure.choices,
            "warnings": list(WARNING_LABELS.items()),
            "late_count": selectors.penalty_late_count(actor=request.user, filters=f, unit=unit),
        },
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    pc = _get_or_404(selectors.penalty_case_get, actor=request.user, pk=pk)
    machine = machine_for(pc.case.case_type)
    events = []
    for ev in case_timeline(case=pc.case):
        events.append(
            {
                "ev": ev,
                "from_label": machine.state_label(ev.from_state) if ev.from_state else "",
                "to_label": machine.state_label(ev.to_state) if ev.to_state else "",
            }
        )
    schedule = services.penalty_late_fine(pc) if pc.payment_due else []
    return render(
        request,
        "enforcement/case_detail.html",
        {
            "pc": pc,
            "case": pc.case,
            "state_label": machine.state_label(pc.case.state),
            "warning": (level := selectors.penalty_warning(pc)),
            "warning_label": WARNING_LABELS.get(level, ""),
            "events": events,
            "acts": list(pc.acts.all()),
            "evidence": list(pc.evidence.all()),
            "services_done": list(pc.services.all()),
            "documents": list(pc.documents.defer("pdf")),
            "schedule": schedule,
            "late_total": schedule[-1].total if schedule else 0,
            "is_served": pc.case.state in (PenaltyState.SERVED, PenaltyState.OVERDUE),
            "panel": case_actions.panel(request, pc.case),
            "disclosure": services.disclosure_for(pc),
            "certificates": selectors.penalty_case_certificates(penalty_case=pc),
            "remedies": (remedies := selectors.remedy_list(penalty_case=pc)),
            "remedy_corrected": any(r.result in services.CORRECTED and not r.replaced for r in remedies),
            "corrected_results": [str(c) for c in services.CORRECTED],
        },
    )


@login_required
def case_by_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """The engine's link to a penalty case (我的待办, the generic page): on to the enforcement case page."""
    _staff(request)
    pc = _get_or_404(selectors.penalty_case_by_case, actor=request.user, case_id=case_id)
    return redirect("enforcement:case-detail", pk=pc.pk)


@login_required
def clue_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """立案 or 不予立案 for a clue."""
    clue = _get_or_404(selectors.clue_get, actor=request.user, pk=pk)
    form_class = {"file": forms.FileCaseForm, "reject": forms.RejectClueForm}.get(action)
    if form_class is None:
        raise Http404
    initial = {"party_name": clue.party_name, "party_kind": clue.party_kind}
    if clue.party_kind != "person":  # a USCC is public; a resident ID is not put in the page (left blank: the clue's)
        initial["party_id_number"] = clue.party_id_number
    if action == "file":  # the officer filing is one of the (at least two) investigators, ticked already
        initial["investigators"] = [request.user.pk]
    people = {"jurisdictions": [clue.jurisdiction_id]} if form_class is forms.FileCaseForm else {}
    form = form_class(request.POST or None, initial=initial, **people)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            if action == "file":
                pc = forms.file_from_clue(clue, request.user, form.cleaned_data)
                messages.success(request, _("已立案"))
                return redirect("enforcement:case-detail", pk=pc.pk)
            services.clue_reject(clue=clue, reason=form.cleaned_data["reason"], actor=request.user)
            messages.success(request, _("已决定不予立案"))
            return redirect("enforcement:clue-list")
        except DomainError as exc:
            error, status = exc.message, exc.status
    label = _("立案") if action == "file" else _("不予立案")
    return render(
        request,
        "enforcement/action_form.html",
        {"clue": clue, "form": form, "label": label, "error": error},
        status=status,
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    """New random-inspection plan (departments, items, period, ratios per credit class, inspectors per check)."""
    _staff(request)
    form = forms.PlanForm(request.POST or None, actor=request.user)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = inspection.inspection_plan_create(
                jurisdiction=d["jurisdiction"],
                name=d["name"],
                departments=list(d["departments"]),
                items=list(d["items"]),
                period_start=d["period_start"],
                period_end=d["period_end"],
                ratios={c: (d[f"ratio_{c}"] or 0) / 100 for c in "ABCD"},
                inspectors_per_check=d["inspectors_per_check"],
                actor=request.user,
            )
            return redirect("enforcement:plan-detail", pk=plan.pk)
        except DomainError as exc:
            error, status = exc.message, exc.status
    return render(
        request,
        "enforcement/action_form.html",
        {"form": form, "label": _("新建抽查计划"), "error": error},
        status=status,
    )


@login_required
def summary_create(request: HttpRequest) -> HttpResponse:
    """当场处罚 (简易程序): warning or fine ≤ 200 / 3,000 yuan with evidence; the caps are the law's guards."""
    _staff(request)
    form = forms.SummaryForm(request.POST or None, request.FILES or None, actor=request.user)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            pc = forms.summary_create(request.user, form.cleaned_data, request.FILES)
            messages.success(request, _("已当场作出处罚决定"))
            return redirect("enforcement:case-detail", pk=pc.pk)
        except DomainError as exc:
            error, status = exc.message, exc.status
    return render(
        request,
        "enforcement/action_form.html",
        {"form": form, "label": _("当场处罚（简易程序）"), "error": error},
        status=status,
    )


@login_required
def document_download(request: HttpRequest, pk: int, doc_id: int) -> HttpResponse:
    pc = _get_or_404(selectors.penalty_case_get, actor=request.user, pk=pk)
    doc = get_object_or_404(CaseDocument, jurisdiction_id=pc.jurisdiction_id, penalty_case=pc, pk=doc_id)
    response = HttpResponse(bytes(doc.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{doc.kind}-{pc.pk}.pdf"'
    return response


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    """执法队伍: brigades with zones and domains; officers with their credentials (expiring ones marked)."""
    _staff(request)
    today = timezone.localdate()
    officers = []
    for o in selectors.officer_list(actor=request.user):
        creds = sorted(o.credentials.all(), key=lambda c: c.valid_until, reverse=True)
        current = next((c for c in creds if not c.revoked and c.valid_from <= today <= c.valid_until), None)
        level = "overdue" if current is None else ("yellow" if (current.valid_until - today).days <= 30 else "normal")
        officers.append({"o": o, "credential": current, "warning": level})
    return render(
        request,
        "enforcement/team_list.html",
        {"teams": list(selectors.team_list(actor=request.user)), "officers": officers},
    )


CLUE_PAGE = 50


@login_required
def clue_list(request: HttpRequest) -> HttpResponse:
    """案源管理: tabs by 处理结果, search (来源, 关键字), pages of 50 (keyset), 导出 of what the filter shows."""
    from township.core.errors import BadInput
    from township.downloads.views import export_url
    from township.enforcement.exports import clue_filters, clue_queryset

    _staff(request)
    try:
        f = clue_filters(request.GET)
    except BadInput as exc:
        return render(request, "downloads/error.html", {"message": exc.message}, status=400)
    unit = chosen_unit(request)
    f.update(unit.params)
    qs = clue_queryset(request.user, f, unit)
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    clues = list(qs[: CLUE_PAGE + 1])
    today = timezone.localdate()
    rows = []
    for c in clues[:CLUE_PAGE]:
        level = services.clue_warning(c, today)
        rows.append({"clue": c, "warning": level, "warning_label": WARNING_LABELS.get(level, "")})
    next_url = ""
    if len(clues) > CLUE_PAGE:
        params = request.GET.copy()
        params["before"] = str(clues[CLUE_PAGE - 1].pk)
        next_url = "?" + params.urlencode()
    return render(
        request,
        "enforcement/clue_list.html",
        {
            "rows": rows,
            "decision": f.get("decision", "pending"),
            "f": f,
            "decisions": Clue.Decision.choices,
            "sources": Clue.Source.choices,
            "next_url": next_url,
            "paged": bool(before),
            "export_url": export_url("enforcement-clues", f),
        },
    )


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    plans = selectors.plan_list(actor=request.user, unit=chosen_unit(request))
    return render(request, "enforcement/plan_list.html", {"plans": list(plans[:200])})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    plan = _get_or_404(selectors.plan_get, actor=request.user, pk=pk)
    visits = list(selectors.visit_list(plan=plan)[:500])
    mine = selectors.officer_id_of(actor=request.user, jurisdiction=plan.jurisdiction_id)
    return render(
        request,
        "enforcement/plan_detail.html",
        {
            "plan": plan,
            "rows": [
                {"v": v, "mine": mine in v.inspectors, "label": inspection.RESULTS.get(v.result, "")} for v in visits
            ],
            "results": list(inspection.RESULTS.items()),
            "unpublished": sum(1 for v in visits if v.result and v.published_at is None),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def visit_result(request: HttpRequest, pk: int, visit_id: int) -> HttpResponse:
    """谁检查、谁录入: one of the visit's inspectors records the result."""
    plan = _get_or_404(selectors.plan_get, actor=request.user, pk=pk)
    visit = selectors.visit_list(plan=plan).filter(pk=visit_id).first()
    if visit is None:
        raise Http404
    _attempt(
        request,
        lambda: inspection.inspection_result_record(
            visit=visit,
            actor=request.user,
            result=request.POST.get("result", ""),
            checked_on=_date_field(request, "checked_on", required=True),
            findings=request.POST.get("findings", ""),
        ),
        lambda v: _("已录入检查结果：%(t)s") % {"t": v.target.name},
    )
    return redirect("enforcement:plan-detail", pk=plan.pk)


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """一公开: publish the recorded results (due within 20 working days of each check)."""
    plan = _get_or_404(selectors.plan_get, actor=request.user, pk=pk)
    _attempt(
        request,
        lambda: inspection.inspection_plan_publish(plan=plan, actor=request.user),
        lambda n: _("已公示 %(n)s 条检查结果") % {"n": n},
    )
    return redirect("enforcement:plan-detail", pk=plan.pk)


@login_required
@require_POST
def plan_draw(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_or_404(selectors.plan_get, actor=request.user, pk=pk)
    _attempt(
        request,
        lambda: inspection.inspection_plan_draw(plan=plan, actor=request.user),
        lambda _p: _("抽取完成，随机种子和名录库快照已记录"),
    )
    return redirect("enforcement:plan-detail", pk=plan.pk)


def public_info(request: HttpRequest, code: str) -> HttpResponse:
    """行政处罚法第39条: the agency, filing basis, procedures and remedies; published decisions (masked)."""
    jurisdiction = Jurisdiction.objects.filter(pk=code).first()
    if jurisdiction is None:
        raise Http404
    cfg = services.config_for(code)
    items = list(selectors.penalty_item_public(jurisdiction=code)[:500])
    return render(
        request,
        "enforcement/public_info.html",
        {
            "jurisdiction": jurisdiction,
            "agency": cfg.bureau_name or f"{jurisdiction.name}综合行政执法办公室",
            "cfg": cfg,
            "items": items,
            "disclosures": list(selectors.disclosure_public(jurisdiction=code)[:100]),
            "inspections": inspection.inspection_results_public(jurisdiction=code, limit=100),
        },
    )

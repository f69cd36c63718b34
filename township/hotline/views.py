"""12345 pages: list with filters and Excel export, operator intake, the order page, the import page with its
progress and row errors, statistics with the indicators, and the settings (periods, responsibility list).
Thin: selectors and services do the work."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from township.cases.models import Warning
from township.core.errors import DomainError, NotFound
from township.core.identifiers import mask_name, mask_phone
from township.hotline import selectors, services
from township.hotline.forms import DutyForm, ImportForm, IntakeForm, PeriodForm
from township.hotline.indicators import INDICATORS
from township.hotline.machine import CENTRE, S
from township.hotline.models import DutyItem, ImportJob, Kind, Order, PeriodSetting, Urgency
from township.hotline.periods import DEFAULTS
from township.hotline.services.config import settings_towns
from township.hotline.services.imports import INLINE_ROWS, count_rows
from township.org.models import Department, Jurisdiction, Level
from township.org.scoping import reach
from township.org.units import chosen_unit

PAGE = 50


def _me(request: HttpRequest) -> Any:
    """The signed-in user (the selectors and services take ``User | None``; an anonymous user reaches nothing)."""
    return request.user


def _towns(request: HttpRequest, roles: Any = CENTRE) -> list[str]:
    return sorted(reach(_me(request), roles).codes)


def _town_or_404(request: HttpRequest, roles: Any = CENTRE) -> str:
    towns = _towns(request, roles)
    wanted = request.GET.get("town") or request.POST.get("town") or ""
    if wanted in towns:
        return wanted
    if not towns:
        raise Http404
    return towns[0]


def _row(o: Order, now: datetime) -> dict[str, Any]:
    level = o.case.warning(now)
    return {"o": o, "warning": level, "warning_label": dict(Warning.choices).get(level, level)}


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    f = selectors.OrderFilter.from_query(request.GET)
    unit = chosen_unit(request)  # the unit tree (组织机构) beside the list
    qs = selectors.order_list(actor=_me(request), f=f, unit=unit)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    towns = sorted(reach(_me(request)).codes)
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in unit.params.items():  # the export (and the pages) follow the chosen unit
        params[key] = value
    return render(
        request,
        "hotline/list.html",
        {
            "rows": [_row(o, now) for o in page.object_list],
            "page": page,
            "f": request.GET,
            "query": params.urlencode(),
            "states": [("open", _("未办结")), ("done", _("已办结")), *((s.value, s.label) for s in S)],
            "kinds": Kind.choices,
            "urgencies": Urgency.choices,
            "departments": Department.objects.filter(jurisdiction_id__in=towns, active=True).order_by("sort", "id"),
            "villages": Jurisdiction.objects.filter(parent_id__in=towns, level=Level.VILLAGE).order_by("code"),
            "can_intake": bool(_towns(request)),
        },
    )


@login_required
def order_export(request: HttpRequest) -> Any:
    from openpyxl import Workbook

    from township.core.excel import append_row, xlsx_response

    f = selectors.OrderFilter.from_query(request.GET)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(_("12345工单")))
    append_row(
        ws,
        [
            _("工单编号"), _("案件编号"), _("来电时间"), _("来电人"), _("联系电话"), _("诉求类型"), _("紧急程度"),
            _("事项分类"), _("诉求内容"), _("地址"), _("所属村"), _("承办单位"), _("状态"), _("办理时限"),
            _("签收时间"), _("答复内容"), _("满意度"), _("重办次数"),
        ],
    )  # fmt: skip
    tz = timezone.get_current_timezone()
    for o in selectors.order_list(actor=_me(request), f=f, unit=chosen_unit(request))[:20000]:
        append_row(
            ws,
            [
                o.external_no,
                o.case.number,
                o.called_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                mask_name(o.caller_name) if o.caller_name else "",
                mask_phone(o.caller_phone) if o.caller_phone else "",
                o.get_kind_display(),
                o.get_urgency_display(),
                o.matter,
                o.content,
                o.address,
                o.village.name if o.village_id else "",  # type: ignore[union-attr]
                o.lead_unit_name,
                o.case.state_label,
                o.case.due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if o.case.due_at else "",
                o.signed_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if o.signed_at else "",
                o.reply,
                o.get_satisfaction_display(),
                o.rework_rounds,
            ],
        )
    return xlsx_response(wb, f"12345工单-{timezone.localdate():%Y%m%d}.xlsx")


def _villages(town: str) -> list[tuple[str, str]]:
    return list(
        Jurisdiction.objects.filter(parent_id=town, level=Level.VILLAGE).order_by("code").values_list("code", "name")
    )


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    town = _town_or_404(request)
    form = IntakeForm(request.POST or None, villages=_villages(town))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = services.order_create(
                jurisdiction=town,
                actor=_me(request),
                content=d["content"],
                kind=d["kind"],
                urgency=d["urgency"],
                matter=d["matter"],
                called_at=d["called_at"],
                caller_name=d["caller_name"],
                caller_phone=d["caller_phone"],
                address=d["address"],
                village=d["village"] or None,
                external_no=d["external_no"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("工单已受理：%(n)s") % {"n": order.case.number})
            return redirect("hotline:detail", pk=order.pk)
    return render(request, "hotline/intake.html", {"form": form, "town": town})


def _order_or_404(request: HttpRequest, pk: int) -> Order:
    try:
        return selectors.order_get(actor=_me(request), pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from township.cases.actions import panel
    from township.cases.models import Assignment

    order = _order_or_404(request, pk)
    assisting = list(
        Assignment.objects.filter(
            jurisdiction_id=order.jurisdiction_id, case_id=order.case_id, role="assist", ended_at__isnull=True
        ).values_list("department__name", flat=True)
    )
    level = order.case.warning()
    return render(
        request,
        "hotline/detail.html",
        {
            "order": order,
            "case": order.case,
            "panel": panel(request, order.case),
            "phone": mask_phone(order.caller_phone) if order.caller_phone else "",
            "name": mask_name(order.caller_name) if order.caller_name else "",
            "assisting": assisting,
            "callbacks": list(order.callbacks.all()),
            "warning": level,
            "warning_label": dict(Warning.choices).get(level, ""),
            "limit": _limit_text(order),
            "callback_due": _callback_due(order),
            "now": timezone.now(),
        },
    )


def _callback_due(order: Order) -> datetime | None:
    """回访时限: the local number of working days after 办结 (shown while the order waits for its 回访)."""
    if order.case.state != S.REPLIED or order.answered_at is None:
        return None
    from township.core.calendar import agency_due_datetime
    from township.hotline.periods import periods_for

    days = periods_for(order.jurisdiction_id, order.kind, order.urgency).callback_days
    return agency_due_datetime(order.answered_at, days, "working_days")[0]


def _limit_text(order: Order) -> str:
    """办理时限 in words: the period that applies to the current step."""
    case = order.case
    if not case.clock_unit or case.clock_limit is None:
        return ""
    unit = {
        "working_days": _("个工作日"),
        "natural_days": _("日"),
        "working_hours": _("个工作小时"),
        "natural_hours": _("小时"),
    }
    step = _("派单") if case.state == S.REGISTERED else _("办结")
    return f"{step}：{case.clock_limit}{unit.get(case.clock_unit, '')}"


@login_required
def case_redirect(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        order = selectors.order_by_case(actor=_me(request), case_id=case_id)
    except NotFound as exc:
        raise Http404 from exc
    return redirect("hotline:detail", pk=order.pk)


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    town = _town_or_404(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = upload.read()
            job = services.job_create(
                actor=_me(request),
                jurisdiction=town,
                filename=upload.name,
                content=content,
                mode=form.cleaned_data["mode"],
            )
            rows = count_rows(content)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if rows <= INLINE_ROWS:  # small files: at once, in this request
                claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
                    status=ImportJob.Status.VALIDATING
                )
                if claimed:
                    services.job_run(job)
            return redirect("hotline:import-detail", pk=job.pk)
    jobs = selectors.job_queryset(actor=_me(request)).select_related("created_by")[:20]
    return render(request, "hotline/imports.html", {"form": form, "jobs": jobs, "inline_rows": INLINE_ROWS})


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    from township.core.excel import XLSX_TYPE

    response = HttpResponse(services.template_xlsx(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''12345%E5%B7%A5%E5%8D%95%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


def _job_or_404(request: HttpRequest, pk: int) -> ImportJob:
    try:
        return selectors.job_get(actor=_me(request), pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    page = Paginator(job.errors or [], 100).get_page(request.GET.get("page"))
    return render(request, "hotline/import_detail.html", {"job": job, "errors": page})


@login_required
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    from django.db import OperationalError

    try:
        job = _job_or_404(request, pk)
    except OperationalError:  # SQLite while a large import holds the write lock: the page polls again
        return JsonResponse(
            {"code": "hotline_import_busy", "message": _("正在写入，请稍候"), "field": None}, status=503
        )
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "percent": job.percent,
            "total": job.total,
            "validated": job.validated,
            "written": job.written,
            "created": job.created_count,
            "errors": job.error_count,
            "message": job.message,
            "finished": job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED),
        }
    )


def _period(request: HttpRequest) -> tuple[datetime, datetime, date, date]:
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("start") or "")
    except ValueError:
        start = today.replace(day=1)
    try:
        end = date.fromisoformat(request.GET.get("end") or "")
    except ValueError:
        end = today
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
        start,
        end,
    )


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    towns = _towns(request, (*CENTRE, "leader"))
    if not towns:
        raise Http404
    start, end, d1, d2 = _period(request)
    figures = selectors.statistics(actor=_me(request), start=start, end=end)
    rates = []
    for ind in INDICATORS:
        num, den = ind.compute(towns, start, end)
        rates.append(
            {
                "label": ind.label,
                "num": num,
                "den": den,
                "rate": (100 * num / den) if den else None,
                "formula": ind.formula,
            }
        )
    states = dict(S.choices)
    kinds = dict(Kind.choices)
    return render(
        request,
        "hotline/stats.html",
        {
            "figures": figures,
            "by_state": [(states.get(k, k), n) for k, n in sorted(figures["by_state"].items())],
            "by_kind": [(kinds.get(k, k), n) for k, n in sorted(figures["by_kind"].items())],
            "rates": rates,
            "start": d1,
            "end": d2,
        },
    )


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    towns = sorted(set(_towns(request)) | set(settings_towns(_me(request))))
    if not towns:
        raise Http404
    wanted = request.GET.get("town") or ""
    town = wanted if wanted in towns else towns[0]
    can_edit = town in settings_towns(_me(request))
    period_form = PeriodForm(request.POST if request.POST.get("form") == "period" else None)
    duty_form = DutyForm(request.POST if request.POST.get("form") == "duty" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "period" and period_form.is_valid():
                d = dict(period_form.cleaned_data)
                kind, urgency = d.pop("kind") or "", d.pop("urgency") or ""
                services.period_save(actor=_me(request), jurisdiction=town, kind=kind, urgency=urgency, values=d)
                messages.success(request, _("办理时限设置已保存"))
                return redirect("hotline:settings")
            if request.POST.get("form") == "duty" and duty_form.is_valid():
                d = duty_form.cleaned_data
                services.duty_save(
                    actor=_me(request), jurisdiction=town, matter=d["matter"], level=d["level"], basis=d["basis"]
                )
                messages.success(request, _("事项清单已保存"))
                return redirect("hotline:settings")
        except DomainError as exc:
            messages.error(request, exc.message)
    defaults = []
    for (kind, urgency), p in DEFAULTS.items():
        defaults.append(
            {
                "kind": dict(Kind.choices).get(kind, _("全部")),
                "urgency": dict(Urgency.choices).get(urgency, _("全部")),
                "p": p,
            }
        )
    return render(
        request,
        "hotline/settings.html",
        {
            "town": town,
            "can_edit": can_edit,
            "periods": PeriodSetting.objects.filter(jurisdiction_id=town),
            "duties": DutyItem.objects.filter(jurisdiction_id=town),
            "period_form": period_form,
            "duty_form": duty_form,
            "defaults": defaults,
        },
    )


@login_required
@require_POST
def period_delete(request: HttpRequest, pk: int) -> HttpResponse:
    row = PeriodSetting.objects.filter(pk=pk, jurisdiction_id__in=settings_towns(_me(request))).first()
    if row is None:
        raise Http404
    services.period_delete(actor=_me(request), setting=row)
    messages.success(request, _("已删除"))
    return redirect("hotline:settings")


@login_required
@require_POST
def duty_delete(request: HttpRequest, pk: int) -> HttpResponse:
    row = DutyItem.objects.filter(pk=pk, jurisdiction_id__in=settings_towns(_me(request))).first()
    if row is None:
        raise Http404
    services.duty_delete(actor=_me(request), item=row)
    messages.success(request, _("已删除"))
    return redirect("hotline:settings")

"""Pages of the command center: 预警中心 (every case type), 督办, 站内通知. Thin: parse, call, render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from township.cases import selectors as case_selectors
from township.cases.models import Case
from township.cases.registry import all_machines
from township.command import selectors, services
from township.command.forms import AnswerForm, SuperviseForm
from township.command.present import LEVEL_LABELS, case_page, named, parse_filter, row, type_label, user_of
from township.command.selectors import LATE, LEVELS
from township.core.errors import DomainError, NotFound
from township.core.excel import append_row, xlsx_response
from township.org.models import Department, Level, Role, RoleGrant
from township.org.scoping import reach
from township.org.units import chosen_unit

PAGE_SIZE = 20
EXPORT_MAX_ROWS = 20000


def _require_leading(request: HttpRequest) -> None:
    r = reach(user_of(request), services.LEADING_ROLES)
    if not r.codes and not r.villages:
        raise PermissionDenied


def _unit_filter(request: HttpRequest) -> tuple[selectors.WarningFilter, dict[str, str]]:
    """The page's filter with the unit of the unit tree (组织机构): ``?unit=`` or the session's unit, validated against
    the user's reach (``chosen_unit``; a code outside it is ignored, never widens). A town or village sets the
    filter's town/village; a county narrows to its towns when the user reaches towns of another county too."""
    import dataclasses

    from township.command.services import LEADING_ROLES

    f, params = parse_filter(request.GET)
    unit = chosen_unit(request)
    params.pop("unit", None)
    if not unit:
        return dataclasses.replace(f, jurisdiction="", village=""), params
    params["unit"] = unit.code
    if unit.village or unit.level == Level.TOWN:
        return dataclasses.replace(f, jurisdiction=unit.town, village=unit.village), params
    towns = reach(user_of(request), LEADING_ROLES).codes
    inside = unit.codes(towns)
    scope = None if len(inside) == len(towns) else unit.q("jurisdiction", "village")
    return dataclasses.replace(f, jurisdiction="", village="", scope=scope), params


@login_required
def warnings(request: HttpRequest) -> HttpResponse:
    """预警中心: every visible case of every type at its warning level, by unit, department and person."""
    _require_leading(request)
    f, params = _unit_filter(request)
    now = timezone.now()
    cursor = request.GET.get("cursor") or None
    page = selectors.warning_list(actor=user_of(request), f=f, cursor=cursor, limit=PAGE_SIZE, now=now)
    summary = selectors.warning_summary(actor=user_of(request), f=f, now=now, limit=15)
    counts = summary.counts
    groups = [
        (by, label, named(summary.by[by], by))
        for by, label in (
            ("unit", _("按单位")),
            ("department", _("按承办部门")),
            ("person", _("按承办人")),
            ("case_type", _("按业务类型")),
        )
    ]
    base = {k: v for k, v in params.items() if k != "level"}
    return render(
        request,
        "command/warnings.html",
        {
            "f": f,
            "params": params,
            "kpis": [
                (level, LEVEL_LABELS[level], counts[level], "?" + urlencode({**base, "level": level}))
                for level in (*LEVELS, LATE)
            ],
            "groups": groups,
            "rows": [row(c, now) for c in page.items],
            "next_url": "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else "",
            "first_url": "?" + urlencode(params),
            "paged": bool(cursor),
            "export_url": reverse("command:warnings-export") + "?" + urlencode(params),
            "case_types": [(m.case_type, str(m.label)) for m in all_machines()],
            "levels": [(level, LEVEL_LABELS[level]) for level in (*LEVELS, LATE)],
            "departments": Department.objects.filter(
                jurisdiction_id__in=sorted(reach(user_of(request)).codes)
            ).order_by("jurisdiction_id", "sort", "id"),
        },
    )


@login_required
def warnings_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered warnings list as an Excel file (what the filter shows, at most EXPORT_MAX_ROWS rows)."""
    from openpyxl import Workbook

    _require_leading(request)
    f, _params = _unit_filter(request)
    now = timezone.now()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(_("预警中心")))
    append_row(
        ws,
        [
            _("预警"),
            _("编号"),
            _("标题"),
            _("业务类型"),
            _("状态"),
            _("单位"),
            _("村（社区）"),
            _("受理时间"),
            _("期限"),
            _("剩余/超期"),
        ],
    )
    cursor: str | None = None
    written = 0
    while written < EXPORT_MAX_ROWS:
        page = selectors.warning_list(actor=user_of(request), f=f, cursor=cursor, limit=500, now=now)
        for case in page.items:
            r = row(case, now)
            append_row(
                ws,
                [
                    str(r["warning_label"]),
                    case.number,
                    case.title,
                    r["type_label"],
                    r["state_label"],
                    case.jurisdiction.name,
                    case.village.name if case.village_id and case.village else "",
                    timezone.localtime(case.opened_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M") if case.due_at else "",
                    r["remaining"],
                ],
            )
            written += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    return xlsx_response(wb, f"warnings-{timezone.localtime(now):%Y%m%d%H%M}.xlsx")


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_POST
def supervise(request: HttpRequest, case_id: int) -> HttpResponse:
    """Issue a 督办 on a case from its page (the panel's form)."""
    try:
        case = case_selectors.case_get(actor=user_of(request), pk=case_id)
    except NotFound:
        raise Http404 from None
    back = _safe_next(request, case_page(case))
    form = SuperviseForm(request.POST, prefix="sup")
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        messages.error(request, _("督办未提交：%(e)s") % {"e": first})
        return redirect(back)
    try:
        s = services.supervision_issue(
            case=case,
            actor=user_of(request),
            instruction=form.cleaned_data["instruction"],
            due_at=form.cleaned_data["due_at"],
            url=case_page(case),
        )
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(back)
    messages.success(request, _("已督办，已通知 %(n)d 名责任人") % {"n": s.responsible.count()})
    return redirect(back)


@login_required
def supervisions(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    mine = request.GET.get("mine") == "1"
    qs = selectors.supervision_list(actor=user_of(request), status=status, overdue=overdue, mine=mine)
    unit = chosen_unit(request)  # the unit tree (组织机构) beside the list: the case's town / village
    if unit:
        # the case may lie in a town while the county supervises it: a subquery, not a join (Citus)
        qs = qs.filter(case_id__in=Case.objects.filter(unit.q("jurisdiction", "village")).values("pk"))
    from django.core.paginator import Paginator

    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {
        k: v for k, v in {"status": status, "overdue": "1" if overdue else "", "mine": "1" if mine else ""}.items() if v
    } | unit.params
    return render(
        request,
        "command/supervisions.html",
        {
            "page": page,
            "status": status,
            "overdue": overdue,
            "mine": mine,
            "now": timezone.now(),
            "query": urlencode(params),
        },
    )


@login_required
def supervision(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        s = selectors.supervision_get(actor=user_of(request), pk=pk)
    except NotFound:
        raise Http404 from None
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_answer(
                supervision=s,
                actor=user_of(request),
                answer=form.cleaned_data["answer"],
                url=reverse("command:supervision", args=[s.pk]),
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("已答复督办"))
            return redirect("command:supervision", pk=s.pk)
    return render(
        request,
        "command/supervision.html",
        {
            "s": s,
            "case_url": case_page(s.case),
            "responsible": list(s.responsible.all()),
            "may_answer": s.status == "open" and services.may_answer(s, user_of(request)),
            "form": form,
            "now": timezone.now(),
        },
    )


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    unread = request.GET.get("unread") == "1"
    page = Paginator(selectors.notices_for(user_of(request), unread=unread), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "command/notices.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        n = selectors.notice_get(actor=user_of(request), pk=pk)
    except NotFound:
        raise Http404 from None
    services.notice_mark_read(notice=n, actor=user_of(request))
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}):
        return redirect(n.url)
    return redirect("command:notices")


# --- 大屏 -----------------------------------------------------------------------------------------------------------


# --- 考核 -----------------------------------------------------------------------------------------------------------


def _eval_units(request: HttpRequest, roles: tuple[str, ...] = services.LEADING_ROLES) -> list[Any]:
    from township.org.models import Jurisdiction, Level

    codes = sorted(reach(user_of(request), roles).codes)
    return list(Jurisdiction.objects.filter(code__in=codes, level=Level.TOWN).order_by("code"))


@login_required
def evaluation(request: HttpRequest) -> HttpResponse:
    """考核: one town, one month — the town's figure, department and staff rankings for every indicator."""
    from township.command import evaluation as ev

    _require_leading(request)
    units = _eval_units(request)
    if not units:
        raise PermissionDenied
    code = request.GET.get("unit") or units[0].code
    unit = next((u for u in units if u.code == code), units[0])
    today = timezone.localdate()
    default_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    try:
        month = ev.parse_month(request.GET["month"]) if request.GET.get("month") else default_month
    except DomainError:
        month = default_month
    period = ev.period_find(actor=user_of(request), jurisdiction=unit.code, month=month)
    blocks: list[dict[str, Any]] = []
    if period is not None:
        by_key: dict[tuple[str, str], dict[str, Any]] = {}
        for s in ev.scores_of(period):
            b = by_key.setdefault(
                (s.case_type, s.indicator),
                {"label": s.label, "type": type_label(s.case_type), "unit": None, "groups": {}},
            )
            if s.group == "unit":
                b["unit"] = s
            else:
                b["groups"].setdefault(s.group, []).append(s)
        order = list(ev.GROUP_LABELS)  # 部门, 人员, 窗口, 网格 in this order
        for b in by_key.values():
            b["breakdowns"] = [
                {"label": ev.GROUP_LABELS[g], "rows": rows}
                for g, rows in sorted(
                    b.pop("groups").items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
                )
            ]
        blocks = list(by_key.values())
    return render(
        request,
        "command/evaluation.html",
        {
            "units": units,
            "unit": unit,
            "month": month,
            "month_value": month.strftime("%Y-%m"),
            "period": period,
            "blocks": blocks,
            "may_publish": period is not None and period.status == "draft" and month < today.replace(day=1),
        },
    )


@login_required
@require_POST
def evaluation_compute(request: HttpRequest) -> HttpResponse:
    from township.command import evaluation as ev
    from township.org.models import Jurisdiction

    unit = Jurisdiction.objects.filter(code=request.POST.get("unit", "")).first()
    back = (
        reverse("command:evaluation")
        + "?"
        + urlencode({"unit": request.POST.get("unit", ""), "month": request.POST.get("month", "")})
    )
    if unit is None:
        raise Http404
    try:
        ev.evaluation_compute(
            actor=user_of(request), jurisdiction=unit, month=ev.parse_month(request.POST.get("month", ""))
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已计算考核结果（草稿）"))
    return redirect(back)


@login_required
@require_POST
def evaluation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    from township.command import evaluation as ev

    try:
        period = ev.period_get(actor=user_of(request), pk=pk)
    except NotFound:
        raise Http404 from None
    try:
        ev.evaluation_publish(actor=user_of(request), period=period)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("考核结果已发布，不再随后续数据变化"))
    return redirect(
        reverse("command:evaluation")
        + "?"
        + urlencode({"unit": period.jurisdiction_id, "month": period.month.strftime("%Y-%m")})
    )


@login_required
def evaluation_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    from openpyxl import Workbook

    from township.command import evaluation as ev

    try:
        period = ev.period_get(actor=user_of(request), pk=pk)
    except NotFound:
        raise Http404 from None
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(_("考核结果")))
    append_row(
        ws,
        [
            _("业务类型"),
            _("指标"),
            _("考核对象类别"),
            _("考核对象"),
            _("分子"),
            _("分母"),
            _("比率（%）"),
            _("排名"),
            _("状态"),
        ],
    )
    status = str(period.get_status_display())
    for s in ev.scores_of(period):
        append_row(
            ws,
            [
                type_label(s.case_type),
                s.label,
                str(ev.GROUP_LABELS.get(s.group, s.group)),
                s.group_name,
                s.numerator,
                s.denominator,
                s.rate,
                s.rank,
                status,
            ],
        )
    return xlsx_response(wb, f"evaluation-{period.jurisdiction_id}-{period.month:%Y%m}.xlsx")


# --- 案卷评查 ---------------------------------------------------------------------------------------------------------


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    """案卷评查: the draws of the units the actor may see, and the form to draw a new one."""
    from django.core.paginator import Paginator

    from township.command import review as rv
    from township.command.forms import ReviewPlanForm

    units = _eval_units(request, services.LEADING_ROLES + (Role.LEGAL_REVIEWER,))
    form = ReviewPlanForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        from township.org.models import Jurisdiction

        d = form.cleaned_data
        try:
            plan = rv.review_plan_create(
                actor=user_of(request),
                jurisdiction=Jurisdiction.objects.get(code=d["unit"]),
                title=d["title"],
                case_type=d["case_type"],
                closed_from=d["closed_from"],
                closed_to=d["closed_to"],
                count=d["count"],
                reviewers_per_file=d["reviewers_per_file"],
                seed=d["seed"],
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("已随机抽取 %(n)d 份案卷") % {"n": plan.items.count()})
            return redirect("command:review", pk=plan.pk)
    page = Paginator(rv.plans_visible(user_of(request)).order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "command/reviews.html", {"page": page, "form": form, "may_draw": bool(units)})


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    from township.command import review as rv

    try:
        plan = rv.plan_get(actor=user_of(request), pk=pk)
    except NotFound:
        raise Http404 from None
    ok, problems = rv.review_verify(plan)
    # the county reviews its towns' files: each case read by id, not joined (Citus)
    items = list(plan.items.select_related("reviewed_by").prefetch_related("case", "reviewers").order_by("id"))
    rows = [
        {
            "item": i,
            "url": case_page(i.case),
            "grade": rv.grade_of(i.total),
            "mine": any(u.pk == user_of(request).pk for u in i.reviewers.all()) and i.reviewed_at is None,
        }
        for i in items
    ]
    return render(
        request,
        "command/review.html",
        {
            "plan": plan,
            "rows": rows,
            "verified": ok,
            "problems": problems,
            "checklist": rv.CHECKLIST,
            "type_label": type_label(plan.case_type),
        },
    )


@login_required
@require_POST
def review_item_score(request: HttpRequest, pk: int) -> HttpResponse:
    from township.command import review as rv

    try:
        item = rv.item_get(actor=user_of(request), pk=pk)
    except NotFound:
        raise Http404 from None
    scores = {key: request.POST.get(f"score_{key}", "") for key, _label, _points in rv.CHECKLIST}
    try:
        rv.review_score(
            item=item,
            actor=user_of(request),
            scores=scores,
            findings=request.POST.get("findings", ""),
            rectify=request.POST.get("rectify") == "on",
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已提交评查"))
    return redirect("command:review", pk=item.plan_id)


@login_required
@require_POST
def review_item_rectified(request: HttpRequest, pk: int) -> HttpResponse:
    from township.command import review as rv

    try:
        item = rv.item_get(actor=user_of(request), pk=pk)
    except NotFound:
        raise Http404 from None
    try:
        rv.review_rectified(item=item, actor=user_of(request), note=request.POST.get("note", ""))
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已记录整改情况"))
    return redirect("command:review", pk=item.plan_id)


# --- 问责 (accountability) ------------------------------------------------------------------------------------------


def _unit_month(request: HttpRequest) -> tuple[Any, Any, list[Any]]:
    from township.command import evaluation as ev

    units = _eval_units(request)
    if not units:
        raise PermissionDenied
    code = request.GET.get("unit") or units[0].code
    unit = next((u for u in units if u.code == code), units[0])
    today = timezone.localdate()
    try:
        month = ev.parse_month(request.GET["month"]) if request.GET.get("month") else today.replace(day=1)
    except DomainError:
        month = today.replace(day=1)
    return unit, month, units


@login_required
def accountability(request: HttpRequest) -> HttpResponse:
    """问责: every late, reworked or failed case of the month with who answers for it (责任清单), per department."""
    from township.command import accountability as acc
    from township.command.forms import ResponsibilityForm
    from township.command.models import Responsibility

    unit, month, units = _unit_month(request)
    form = ResponsibilityForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        Responsibility.objects.update_or_create(
            jurisdiction=unit,
            case_type=d["case_type"],
            department=d["department"],
            defaults={"section": d["section"], "person": d["person"], "duty": d["duty"]},
        )
        messages.success(request, _("已保存责任清单"))
        return redirect(
            reverse("command:accountability") + "?" + urlencode({"unit": unit.code, "month": month.strftime("%Y-%m")})
        )
    rows = acc.report(actor=user_of(request), unit=unit, month=month)
    return render(
        request,
        "command/accountability.html",
        {
            "unit": unit,
            "units": units,
            "month_value": month.strftime("%Y-%m"),
            "rows": [{"r": r, "url": case_page(r.case), "type": type_label(r.case.case_type)} for r in rows],
            "summary": acc.summary(rows),
            "listing": [
                {"type": type_label(line.case_type), "l": line}
                for line in Responsibility.objects.filter(jurisdiction=unit).select_related("department", "person")
            ],
            "form": form,
        },
    )


@login_required
def accountability_export(request: HttpRequest) -> HttpResponseBase:
    from openpyxl import Workbook

    from township.command import accountability as acc

    unit, month, _units = _unit_month(request)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(_("问责报告")))
    append_row(
        ws, [_("案件编号"), _("标题"), _("业务类型"), _("问题"), _("责任部门"), _("责任科室"), _("责任人"), _("依据")]
    )
    for r in acc.report(actor=user_of(request), unit=unit, month=month):
        append_row(
            ws,
            [
                r.case.number,
                r.case.title,
                type_label(r.case.case_type),
                r.reason_label,
                r.department,
                r.section,
                r.person,
                str(_("责任清单")) if r.source == "list" else str(_("承办指派")),
            ],
        )
    return xlsx_response(wb, f"accountability-{unit.code}-{month:%Y%m}.xlsx")


# --- 调度台 (dispatch board) ----------------------------------------------------------------------------------------


DISPATCH_ROLES = (Role.DISPATCHER, Role.HOTLINE_OPERATOR)


@login_required
def dispatch(request: HttpRequest) -> HttpResponse:
    """调度台: what waits for the center across every case type (events, clues, 12345 orders, 社情民意 …: the cases on
    which the center may act now), and the follow-up of what it has dispatched (open cases with an active 承办
    assignment made by the center), with their warnings."""
    from township.cases.models import Assignment

    r = reach(user_of(request), DISPATCH_ROLES + services.LEADING_ROLES)
    if not r.codes and not r.villages:
        raise PermissionDenied
    case_type = request.GET.get("case_type", "")
    case_type = case_type if any(m.case_type == case_type for m in all_machines()) else ""
    now = timezone.now()
    waiting = case_selectors.workbench_list(actor=user_of(request), case_type=case_type or None, limit=50, now=now)
    centre = set(
        RoleGrant.objects.filter(jurisdiction_id__in=sorted(r.codes), role__in=DISPATCH_ROLES).values_list(
            "user_id", flat=True
        )
    )
    followed = (
        Assignment.objects.filter(
            jurisdiction_id__in=sorted(r.codes),
            ended_at__isnull=True,
            role="lead",
            assigned_by_id__in=sorted(centre),
            case__closed_at__isnull=True,
        )
        .select_related("case", "case__jurisdiction", "department", "assignee")
        .order_by("case__due_at", "id")
    )
    # Only cases the actor may see (each case type's own 数据权限, e.g. grid events by department).
    followed = followed.filter(
        case_id__in=Case.objects.filter(case_selectors.case_visible_q(user_of(request))).values("pk")
    )
    if case_type:
        followed = followed.filter(case__case_type=case_type)
    follow_rows = [{"a": a, **row(a.case, now)} for a in followed[:50]]
    by_type: dict[str, int] = {}
    for c in waiting.items:
        by_type[c.case_type] = by_type.get(c.case_type, 0) + 1
    return render(
        request,
        "command/dispatch.html",
        {
            "waiting": [row(c, now) for c in waiting.items],
            "more_waiting": bool(waiting.next_cursor),
            "followed": follow_rows,
            "case_types": [(m.case_type, str(m.label)) for m in all_machines()],
            "case_type": case_type,
            "by_type": [(type_label(k), n) for k, n in sorted(by_type.items(), key=lambda kv: -kv[1])],
        },
    )


# --- 大屏 and 驾驶舱: one unit's figures (all case types, or a theme's), as a page or as the JSON the page polls ----


def _figures(request: HttpRequest, themed: bool) -> tuple[Any, dict[str, Any], str]:
    """(unit, its figures, theme): the unit the actor asked for and watches (403 otherwise)."""
    from township.command.screen import THEMES, resolve_grid, resolve_unit, screen_data, theme_case_types

    try:
        unit = resolve_unit(user_of(request), request.GET.get("unit"))
    except NotFound:
        raise PermissionDenied from None
    try:
        grid = resolve_grid(unit, request.GET.get("grid"))
    except NotFound:
        raise Http404 from None  # a grid not of this village
    if not themed:
        return unit, screen_data(actor=user_of(request), unit=unit, grid=grid), ""
    theme = request.GET.get("theme", "approval")
    theme = theme if theme in THEMES else "approval"
    types = theme_case_types(theme) or ("-",)  # a theme whose apps are not installed shows nothing
    return unit, screen_data(actor=user_of(request), unit=unit, case_types=types, grid=grid), theme


@login_required
def screen(request: HttpRequest) -> HttpResponse:
    """大屏 (1920×1080, dark): KPI cards, live map, trends, breakdowns, rankings; drill-down county → town → village.
    The page polls ``screen/data/`` every 30 s and redraws without reloading."""
    from township.command.screen import breadcrumb

    unit, data, _theme = _figures(request, themed=False)
    town = unit.code if unit.level == "town" else (str(unit.parent_id) if unit.level == "village" else "")
    feed = (
        reverse("command:screen-data")
        + "?"
        + urlencode({"unit": unit.code, **({"grid": data["grid"]["code"]} if data["grid"] else {})})
    )
    return render(
        request,
        "command/screen.html",
        {"unit": unit, "data": data, "crumbs": breadcrumb(unit, user_of(request)), "town": town, "feed": feed},
    )


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """驾驶舱: the 大屏's figures for a desk screen, one tab per theme (审批 / 执法 / 网格 / 信用 / 民生)."""
    from township.command.screen import THEMES, breadcrumb

    unit, data, theme = _figures(request, themed=True)
    return render(
        request,
        "command/cockpit.html",
        {
            "unit": unit,
            "data": data,
            "crumbs": breadcrumb(unit, user_of(request)),
            "theme": theme,
            "themes": [(k, v[0]) for k, v in THEMES.items()],
            "feed": reverse("command:cockpit-data")
            + "?"
            + urlencode(
                {"unit": unit.code, "theme": theme, **({"grid": data["grid"]["code"]} if data["grid"] else {})}
            ),
        },
    )


@login_required
def screen_feed(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse(_figures(request, themed=False)[1])


@login_required
def cockpit_feed(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse(_figures(request, themed=True)[1])

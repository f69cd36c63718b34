"""Web UI of approval: applicant portal, window workbench, approver queue, supervision, queue display.

Thin: every read goes through ``selectors``, every write through ``services``; DomainError messages are
shown as they are (Chinese).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from township.approval import selectors as sel
from township.approval import services as svc
from township.approval.forms import ApplicantLoginForm, RateForm, RegisterForm
from township.approval.machine import S
from township.approval.models import Channel, Kind, QueueCategory
from township.core.errors import DomainError, NotFound
from township.org.models import Role
from township.org.scoping import reach
from township.org.units import chosen_unit


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """Only same-site redirect targets (no open redirect)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


def _app_or_404(actor: Any, pk: int) -> Any:
    try:
        return sel.application_get(actor=actor, pk=pk)
    except NotFound:
        raise Http404 from None


def _home_town(actor: Any) -> str | None:
    r = reach(actor, (Role.WINDOW_CLERK, Role.APPROVER, Role.APPROVAL_HEAD, Role.VILLAGE_AGENT))
    if r.codes:
        return sorted(r.codes)[0]
    if r.villages:
        return sorted(r.villages)[0][0]
    return None


# ---- applicant side --------------------------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = svc.applicant_register(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
                identifier=form.cleaned_data["identifier"],
                phone=form.cleaned_data["phone"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            login(request, user)  # the one backend of AUTHENTICATION_BACKENDS (township.web.security.PolicyBackend)
            messages.success(request, _("注册成功"))
            return redirect("approval:portal")
    return render(request, "approval/register.html", {"form": form})


def applicant_login(request: HttpRequest) -> HttpResponse:
    form = ApplicantLoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        return redirect(_safe_next(request, reverse("approval:portal")))
    return render(request, "approval/login.html", {"form": form})


def portal(request: HttpRequest) -> HttpResponse:
    """我的办事 for a signed-in resident; a visitor lands on the public guide (not on the staff login)."""
    if not request.user.is_authenticated:
        return redirect("guide:index")
    from township.catalog.selectors import item_public_list

    apps = list(sel.my_applications(actor=request.user)[:50])
    online = [i for i in item_public_list().select_related("current_version") if i.channel_online or i.channel_no_visit]
    return render(
        request,
        "approval/portal.html",
        {"apps": apps, "online_items": online[:100], "unread": sel.unread_count(actor=request.user)},
    )


@login_required(login_url="approval:login")
def apply(request: HttpRequest, item_id: int) -> HttpResponse:
    from township.catalog.selectors import item_public_get, item_version_current
    from township.certificates.selectors import library_offer
    from township.subjects.selectors import subject_for_user

    try:
        item = item_public_get(pk=item_id)
    except NotFound:
        raise Http404 from None
    version = item_version_current(item)
    if version is None:
        raise Http404
    subject = subject_for_user(request.user, create=True)
    materials = version.snapshot.get("materials", [])
    offers = {li.material_type_code: li for li in library_offer(subject, [m["material_type_code"] for m in materials])}
    if request.method == "POST":
        uploads = {
            m["material_type_code"]: request.FILES[f"m_{m['material_type_code']}"]
            for m in materials
            if f"m_{m['material_type_code']}" in request.FILES
        }
        try:
            app = svc.application_submit(
                actor=request.user, item=item, applicant=subject, channel=Channel.ONLINE, uploads=uploads
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("申请已提交，办件编号 %(n)s") % {"n": app.case.number})
            return redirect("approval:detail", pk=app.pk)
    rows = [{**m, "offer": offers.get(m["material_type_code"])} for m in materials]
    return render(request, "approval/apply.html", {"item": item, "version": version, "rows": rows})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    rows = sel.notifications_for(actor=request.user)
    svc.notifications_mark_read(actor=request.user)
    return render(request, "approval/notifications.html", {"rows": rows})


def _steps(app: Any) -> list[dict[str, Any]]:
    order = [
        (S.SUBMITTED, _("提交申请")),
        (S.UNDER_REVIEW, _("受理审查")),
        (S.APPROVED, _("作出决定")),
        (S.ISSUED, _("制发证照")),
        (S.CLOSED, _("办结")),
    ]
    state = app.case.state
    rank = {
        S.SUBMITTED: 0,
        S.AWAITING_SUPPLEMENT: 0,
        S.UNDER_REVIEW: 1,
        S.SPECIAL_PROCEDURE: 1,
        S.APPROVED: 2,
        S.ISSUED: 3,
        S.CLOSED: 4,
        S.DENIED: 2,
        S.REFUSED: 0,
        S.WITHDRAWN: 0,
        S.DEEMED_WITHDRAWN: 0,
    }
    reached = rank.get(state, 0)
    return [
        {"label": label, "done": i < reached or state == S.CLOSED, "current": i == reached and state != S.CLOSED}
        for i, (_key, label) in enumerate(order)
    ]


@login_required
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case page of an application (the 我的待办 link, ``CaseType.page``): the application page."""
    app = sel.application_for_case(actor=request.user, case_id=case_id)
    if app is None:
        raise Http404
    return redirect("approval:detail", pk=app.pk)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The application page: its record, materials and timeline, and the steps the user may take now (the shared
    action panel of the case engine: offered by role and state, disabled with the reason when a fact is missing)."""
    from township.cases.actions import panel
    from township.cases.selectors import case_timeline

    app = _app_or_404(request.user, pk)
    children = sel.children_of(app) if app.kind == Kind.BUNDLE else []
    is_owner = app.applicant_user_id == request.user.pk
    ctx = {
        "app": app,
        "case": app.case,
        "warning": app.case.warning(),
        "warning_label": _warning_label(app.case.warning()),
        "children": children,
        "materials": sel.application_materials(app),
        "timeline": sel.with_reused_material_names(list(case_timeline(case=app.case))),
        "steps": _steps(app) if app.kind != Kind.BUNDLE else [],
        "notice": sel.open_notice(app),
        "is_owner": is_owner,
        "panel": panel(request, app.case),
        "rate_form": RateForm() if is_owner and app.case.closed_at and app.kind != Kind.BUNDLE else None,
        "rating": getattr(app, "rating", None) if hasattr(app, "rating") else None,
        "documents": sel.document_kinds(app),
        # the credit effects with their reasons, for staff (the applicant sees the outcome, not the grading)
        "credit": sel.application_credit_effects(app) if not is_owner and app.kind != Kind.BUNDLE else None,
    }
    return render(request, "approval/detail.html", ctx)


def _codes(request: HttpRequest, name: str) -> list[str]:
    return [c for c in request.POST.getlist(name) if c]


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """好差评 by the applicant once the application is finished (not a case step: the case is closed)."""
    app = _app_or_404(request.user, pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择评价等级"))
    else:
        try:
            svc.application_rate(
                application=app, actor=request.user, grade=form.cleaned_data["grade"], text=form.cleaned_data["text"]
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("感谢您的评价"))
    return redirect("approval:detail", pk=app.pk)


@login_required
def document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A decision letter or notice as PDF with the approval bureau's seal (一章审批)."""
    from township.certificates.pdf import render_document
    from township.certificates.services import is_official_language, official_language

    app = _app_or_404(request.user, pk)
    try:
        with official_language():  # the sealed letter is the Chinese one, whatever this page's language
            official = sel.document_content(app, kind)
        content = official if is_official_language() else sel.document_content(app, kind)
    except NotFound:
        raise Http404 from None
    unit_name, verify, footer, translation_of = app.jurisdiction.name, "", "", ""
    sealed = svc.document_seal_if_possible(app, kind, official)
    if sealed is not None:
        unit_name = sealed.key.unit_name
        verify = request.build_absolute_uri(reverse("certificates:verify-document", args=[sealed.code]))
        footer = _("电子签章核验码：%(c)s（扫描二维码核验）") % {"c": sealed.code}
        translation_of = "" if content is official else sealed.code
    body = render_document(
        translation_of=translation_of,
        verify=verify,
        footer=footer,
        title=content["title"],
        unit_name=unit_name,
        paragraphs=content["paragraphs"],
        doc_number=content["number"],
        addressee=content["addressee"],
        date=content["date"],
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{app.case.number}-{kind}.pdf"'
    return response


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    """办件查询: every application the user may see (staff by unit/village; agents their village)."""
    state = request.GET.get("state", "")
    q = request.GET.get("q", "")
    unit = chosen_unit(request)  # the unit tree (组织机构) beside the list
    apps = sel.application_list(actor=request.user, state=state, q=q, include_children=True)
    rows = list(apps.filter(unit.q("jurisdiction", "village"))[:100])
    from township.approval.machine import APPLICATION_MACHINE

    return render(
        request,
        "approval/list.html",
        {"rows": rows, "state": state, "q": q, "states": [(s.key, s.label) for s in APPLICATION_MACHINE.states]},
    )


# ---- staff side ------------------------------------------------------------------------------------------


# The window desk (综合窗口工作台) lives in ``window_views``.


@login_required
def review(request: HttpRequest) -> HttpResponse:
    unit = chosen_unit(request)  # the unit tree (组织机构) beside the list
    rows = list(sel.approver_queue(actor=request.user).filter(unit.q("jurisdiction", "village"))[:100])
    now = timezone.now()
    return render(request, "approval/review.html", {"rows": [(a, *_warning(a.case.warning(now))) for a in rows]})


def _warning_label(code: str) -> str:
    """The Chinese label of a warning code (黄牌预警, 已超期, 超期办结 …), from the engine's ``Warning`` choices."""
    from township.cases.models import Warning

    try:
        return str(Warning(code).label)
    except ValueError:
        return code


def _warning(code: str) -> tuple[str, str]:
    return code, _warning_label(code)


@login_required
def supervise(request: HttpRequest) -> HttpResponse:
    town = _home_town(request.user)
    now = timezone.now()
    show = "late" if request.GET.get("show") == "late" else "warnings"
    warning_rows = sel.warning_list(actor=request.user, now=now)
    late_count = sel.late_count(actor=request.user)
    if show == "late":  # 超期办结: decided after the due date, open or closed (行政许可法 Art 42)
        rows = [(a, *_warning(a.case.warning(now))) for a in sel.late_list(actor=request.user)]
    else:
        rows = [(a, *_warning(a.case.warning(now))) for a in warning_rows]
    tasks = list(svc.verification_tasks_open(actor=request.user, jurisdiction=town)) if town else []
    rect = list(sel.rectification_list(actor=request.user)[:100])
    stats = []
    if town:
        try:
            stats = sel.queue_stats(actor=request.user, jurisdiction=town)
        except NotFound:
            stats = []
    return render(
        request,
        "approval/supervise.html",
        {
            "rows": rows,
            "show": show,
            "warning_count": len(warning_rows),
            "late_count": late_count,
            "tasks": tasks,
            "rect": rect,
            "stats": stats,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def verification_complete(request: HttpRequest, pk: int) -> HttpResponse:
    from township.approval.models import VerificationTask

    town = _home_town(request.user)
    task = svc.verification_tasks_open(actor=request.user, jurisdiction=town or "").filter(pk=pk).first()
    if task is None or not isinstance(task, VerificationTask):
        raise Http404
    try:
        days = request.POST.get("rectify_days", "")
        svc.verification_task_complete(
            task=task,
            actor=request.user,
            outcome=request.POST.get("outcome", ""),
            rectify_days=int(days) if days.isdigit() else 0,
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        _error(request, exc)
    return redirect("approval:supervise")


@login_required
@require_POST
def rectification_callback(request: HttpRequest, pk: int) -> HttpResponse:
    task = sel.rectification_list(actor=request.user).filter(pk=pk).first()
    if task is None:
        raise Http404
    try:
        svc.rectification_callback(
            task=task, actor=request.user, note=request.POST.get("note", ""), result=request.POST.get("result", "")
        )
    except DomainError as exc:
        _error(request, exc)
    return redirect("approval:supervise")


# ---- queue -----------------------------------------------------------------------------------------------


def queue_take(request: HttpRequest, town: str) -> HttpResponse:
    ticket = None
    if request.method == "POST":
        try:
            from township.subjects.selectors import subject_find

            ident = (request.POST.get("id") or "").strip()
            subject = subject_find(ident) if ident else None
            ticket = svc.ticket_take(jurisdiction=town, category=request.POST.get("category", ""), subject=subject)
        except DomainError as exc:
            _error(request, exc)
    board = sel.queue_board(jurisdiction=town)
    return render(
        request,
        "approval/queue_take.html",
        {"town": town, "ticket": ticket, "categories": QueueCategory.choices, "board": board},
    )


def hall(request: HttpRequest, town: str) -> HttpResponse:
    """The hall display: refreshes itself every 5 seconds (meta refresh, no script needed)."""
    board = sel.queue_board(jurisdiction=town)
    labels = dict(QueueCategory.choices)
    waiting = [(labels.get(k, k), v) for k, v in sorted(board["waiting"].items())]
    return render(request, "approval/hall.html", {"board": board, "waiting": waiting, "town": town})


@login_required
@require_POST
def queue_call(request: HttpRequest) -> HttpResponse:
    town = _home_town(request.user)
    try:
        ticket = svc.ticket_call_next(
            actor=request.user,
            jurisdiction=town or "",
            window=int(request.POST.get("window") or 1),
            categories=_codes(request, "categories"),
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("输入有误")))
    else:
        if ticket is None:
            messages.info(request, _("当前无人等候"))
        else:
            messages.success(request, _("请 %(n)s 号到 %(w)s 号窗口") % {"n": ticket.number, "w": ticket.window})
    return redirect("approval:window")


@login_required
def ratings(request: HttpRequest) -> HttpResponse:
    """好差评分析: by item, channel, staff and month; bad ratings with what was said; rectification and call-back."""
    from datetime import date, datetime, time, timedelta

    from township.approval.ratings_analysis import VIEWER_ROLES, rating_analysis
    from township.org.scoping import reach

    units = sorted(reach(request.user, VIEWER_ROLES).codes)  # type: ignore[arg-type]
    if not units:
        raise PermissionDenied

    def day(name: str, default: date) -> date:
        try:
            return date.fromisoformat(request.GET.get(name, "")) if request.GET.get(name) else default
        except ValueError:
            return default

    today = timezone.localdate()
    start_day = day("from", today.replace(day=1) - timedelta(days=365))
    end_day = day("to", today)
    start = timezone.make_aware(datetime.combine(start_day, time.min))
    end = timezone.make_aware(datetime.combine(end_day, time.min)) + timedelta(days=1)
    return render(
        request,
        "approval/ratings.html",
        {"a": rating_analysis(units=units, start=start, end=end), "start": start_day, "end": end_day, "today": today},
    )

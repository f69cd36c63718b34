"""The web shell: sign-in, 我的待办, the generic case page, personal API tokens, the login log.

Views are thin: they call the case engine's services/selectors and the policy in ``security``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from township.cases import selectors as case_selectors
from township.cases import services as case_services
from township.cases.clock import remaining_text
from township.cases.models import Case, ClockUnit, EventKind, Warning
from township.cases.registry import all_machines, machine_for
from township.core.errors import DomainError, NotFound
from township.org.models import Role, User
from township.org.scoping import grants_of, reach, units_of
from township.org.services import api_token_create, api_token_revoke
from township.org.units import chosen_unit
from township.web import security
from township.web import selectors as web_selectors
from township.web.forms import AttachmentForm, LoginForm, TokenCreateForm, TransitionForm
from township.web.links import case_url, domain_case_url
from township.web.models import LoginLog

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Signed in, and no pending forced password change (first login or expired)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.session.get(security.SESSION_CHANGE_REQUIRED):
            return redirect("password_change")
        return view(request, *args, **kwargs)

    return wrapper


# --- sign-in -------------------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=False):
        return nxt
    return reverse("workbench")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Chinese sign-in: 5 failures lock the name for 30 minutes; one generic error for every refusal."""
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = security.sign_in(request, form.cleaned_data["username"], form.cleaned_data["password"])
        if result.user is None:
            error = result.error
        elif result.change_reason:
            if result.change_reason == "first_login":
                messages.warning(request, _("首次登录，请先修改初始密码"))
            else:
                messages.warning(
                    request,
                    _("密码已超过 %(n)d 天未修改，请先修改密码") % {"n": security.password_max_age_days()},
                )
            return redirect("password_change")
        else:
            changed = security.password_changed_at(result.user)
            if changed is not None:
                left = security.password_max_age_days() - (timezone.now() - changed).days
                if left <= 7:
                    messages.info(request, _("您的密码将在 %(n)d 天后过期，请及时修改") % {"n": max(left, 0)})
            return redirect(_safe_next(request))
    elif request.method == "POST":
        error = _("请输入用户名和密码")
    return render(
        request,
        "registration/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", ""), "lock_minutes": security.lock_minutes()},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        security.login_log_write(
            request, username=request.user.get_username(), result=LoginLog.Result.LOGOUT, user=request.user
        )
    logout(request)
    messages.info(request, _("您已安全退出"))
    return redirect("login")


@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        security.mark_password_changed(request, user)
        messages.success(request, _("密码已修改"))
        return redirect("workbench")
    return render(
        request,
        "registration/password_change_form.html",
        {"form": form, "forced": request.session.get(security.SESSION_CHANGE_REQUIRED, "")},
    )


# --- 我的待办 ------------------------------------------------------------------------------------

TABS = (("todo", gettext_lazy("我的待办")), ("done", gettext_lazy("已办")), ("mine", gettext_lazy("我发起")))
WARNING_CHOICES = [
    (Warning.NORMAL, Warning.NORMAL.label),
    (Warning.YELLOW, Warning.YELLOW.label),
    (Warning.RED, Warning.RED.label),
    (Warning.OVERDUE, Warning.OVERDUE.label),
    (Warning.PAUSED, Warning.PAUSED.label),
]
WARNING_LABELS = dict(Warning.choices)


def _machine_label(case_type: str) -> str:
    try:
        return str(machine_for(case_type).label)
    except LookupError:
        return case_type


def _state_label(case_type: str, state: str) -> str:
    try:
        return machine_for(case_type).state_label(state)
    except LookupError:
        return state


def _filters(request: HttpRequest) -> dict[str, Any]:
    g = request.GET
    u = chosen_unit(request)
    unit = u.code
    # Cases are keyed by their town; a village grant narrows further inside the engine's scoping.
    jurisdiction = u.town or None
    tab = g.get("tab", "todo")
    return {
        "tab": tab if tab in dict(TABS) else "todo",
        "case_type": g.get("case_type", "").strip(),
        "state": g.get("state", "").strip(),
        "warning": g.get("warning", "").strip(),
        "q": g.get("q", "").strip()[:100],
        "unit": unit,
        "jurisdiction": jurisdiction,
    }


def _page(request: HttpRequest, f: dict[str, Any], cursor: str | None, limit: int) -> case_selectors.Page:
    from township.web.exports import case_page

    return case_page(request.user, f, cursor, limit)


def _row(case: Case, now: Any) -> dict[str, Any]:
    level = case.warning(now)
    return {
        "remaining": remaining_text(case, now),
        "case": case,
        "url": case_url(case),
        "type_label": _machine_label(case.case_type),
        "state_label": _state_label(case.case_type, case.state),
        "warning": level,
        "warning_label": WARNING_LABELS.get(level, ""),
    }


def _state_choices(case_type: str) -> list[tuple[str, str]]:
    machines = all_machines()
    if case_type:
        machines = [m for m in machines if m.case_type == case_type]
    seen: dict[str, str] = {}
    for m in machines:
        for s in m.states:
            if s.terminal:
                continue
            seen.setdefault(s.key, str(s.label) if case_type else f"{s.label}")
    return list(seen.items())


PAGE_SIZE = 20

PHONE_UA = re.compile(r"Mobile|Android|iPhone")
SESSION_DESKTOP = "township_desktop"  # set by the field app's 电脑版 link (/?desktop=1); /?desktop=0 clears it


def _field_app_roles() -> tuple[str, ...]:
    """The roles the field app's menu entry is shown to (empty when the field app is not installed)."""
    from township.core.navigation import _MENU

    return next((tuple(e["roles"] or ()) for e in _MENU if e["url_name"] == "field:home"), ())


def _phone_landing(request: HttpRequest) -> bool:
    """A phone (narrow user agent) whose user holds a field-app role lands on /field/ unless they chose 电脑版."""
    desktop = request.GET.get("desktop")
    if desktop in ("0", "1"):
        request.session[SESSION_DESKTOP] = desktop == "1"
    if request.session.get(SESSION_DESKTOP) or not PHONE_UA.search(request.headers.get("User-Agent", "")):
        return False
    roles, user = set(_field_app_roles()), request.user
    return bool(roles) and isinstance(user, User) and any(g.role in roles for g in grants_of(user))


@staff_required
def workbench(request: HttpRequest) -> HttpResponse:
    """我的待办 (and 已办 / 我发起): sorted by due time, warning colours, filters, keyset pages."""
    if _phone_landing(request):
        return redirect("field:home")
    f = _filters(request)
    cursor = request.GET.get("cursor") or None
    page = _page(request, f, cursor, PAGE_SIZE)
    now = timezone.now()
    params = {k: f[k] for k in ("tab", "case_type", "state", "warning", "q", "unit") if f[k]}
    next_url = "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else ""
    return render(
        request,
        "township/workbench.html",
        {
            "f": f,
            "rows": [_row(c, now) for c in page.items],
            "next_url": next_url,
            "first_url": "?" + urlencode(params) if params else "?",
            "paged": bool(cursor),
            "export_url": reverse("workbench-export") + "?" + urlencode(params),
            "tabs": [(key, str(label), "?" + urlencode({**params, "tab": key})) for key, label in TABS],
            "case_types": [(m.case_type, str(m.label)) for m in all_machines()],
            "states": _state_choices(f["case_type"]),
            "warnings": WARNING_CHOICES,
            "units": units_of(request.user),
        },
    )


@staff_required
def workbench_export(request: HttpRequest) -> HttpResponse:
    """导出 of the list as the filter shows it: through the 下载中心 (kind "cases"; large lists become a job there)."""
    from township.downloads.views import export

    return export(request, "cases")


# --- the case page -------------------------------------------------------------------------------

DATA_LABELS = {
    "clock_effect": gettext_lazy("计时"),
    "due_at": gettext_lazy("期限"),
    "pause_reason": gettext_lazy("暂停原因"),
    "attachment": gettext_lazy("附件编号"),
    "name": gettext_lazy("文件名"),
    "sha256": gettext_lazy("SHA-256"),
    "size": gettext_lazy("大小"),
    "type": gettext_lazy("类型"),
    "purpose": gettext_lazy("用途"),
    "reason": gettext_lazy("理由"),
    "assignee": gettext_lazy("承办人编号"),
    "assignee_name": gettext_lazy("承办人"),
    "department": gettext_lazy("部门编号"),
    "department_name": gettext_lazy("承办部门"),
    "role": gettext_lazy("职责"),
}


def _case_or_404(request: HttpRequest, pk: int) -> Case:
    try:
        return case_selectors.case_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404() from None


def _event_rows(case: Case) -> list[dict[str, Any]]:
    rows = []
    for ev in case_selectors.case_timeline(case=case):
        data = [(str(DATA_LABELS[k]) if k in DATA_LABELS else k, v) for k, v in (ev.data or {}).items()]
        rows.append(
            {
                "ev": ev,
                "kind_label": EventKind(ev.kind).label if ev.kind in EventKind.values else ev.kind,
                "from_label": _state_label(case.case_type, ev.from_state) if ev.from_state else "",
                "to_label": _state_label(case.case_type, ev.to_state) if ev.to_state else "",
                "data": data,
            }
        )
    return rows


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    error: str = "",
    error_transition: str = "",
    error_field: str = "",
    comment: str = "",
    data: dict[str, str] | None = None,
    attach_form: AttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    level = case.warning(now)
    extra_field = error_field if error_field and error_field not in ("comment", "file", "version") else ""
    from township.cases.actions import panel

    transitions = [
        {"t": t, "label": str(t.label), "failed": t.name == error_transition}
        for t in case_services.available_transitions(case, request.user)
    ]
    return render(
        request,
        "township/case_detail.html",
        {
            "case": case,
            "domain_url": domain_case_url(case),
            "type_label": _machine_label(case.case_type),
            "state_label": _state_label(case.case_type, case.state),
            "warning": level,
            "warning_label": WARNING_LABELS.get(level, ""),
            "remaining": remaining_text(case, now),
            "clock_unit_label": ClockUnit(case.clock_unit).label if case.clock_unit in ClockUnit.values else "",
            "events": _event_rows(case),
            "transitions": transitions,
            "panel": panel(request, case),
            "attachments": list(web_selectors.case_attachments(case=case)),
            "pauses": list(web_selectors.case_pauses(case=case)),
            "assignments": list(web_selectors.case_assignments(case=case)),
            "error": error,
            "error_transition": error_transition,
            "extra_field": extra_field,
            "extra_label": str(DATA_LABELS.get(extra_field, extra_field)),
            "extra_value": (data or {}).get(extra_field, ""),
            "comment": comment,
            "data": data or {},
            "attach_form": attach_form or AttachmentForm(),
        },
        status=status,
    )


@staff_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The generic case page: header, clock, timeline, the transitions the user may fire, attachments."""
    return _render_case(request, _case_or_404(request, pk))


@staff_required
@require_POST
def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Fire a transition (button). A refusal shows its Chinese message and keeps the input."""
    case = _case_or_404(request, pk)
    form = TransitionForm(request.POST)
    data = {k[5:]: v for k, v in request.POST.items() if k.startswith("data_") and v.strip()}
    if not form.is_valid():
        return _render_case(request, case, error=_("提交的内容有误，请重试"), status=400)
    name = form.cleaned_data["name"]
    comment = form.cleaned_data["comment"]
    version = form.cleaned_data.get("version")
    try:
        if version is not None and version != case.version:
            from township.cases.errors import ConcurrentTransition

            raise ConcurrentTransition()
        event = case_services.case_transition(case=case, name=name, actor=request.user, data=data, comment=comment)
    except DomainError as exc:
        case.refresh_from_db()
        return _render_case(
            request,
            case,
            error=exc.message,
            error_transition=name,
            error_field=exc.field or "",
            comment=comment,
            data=data,
            status=409,
        )
    messages.success(request, _("已执行“%(label)s”") % {"label": event.label})
    return redirect("case-detail", pk=case.pk)


@staff_required
@require_POST
def case_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take an action of the case's type (the one UI URL shape for every case type): on success back to the page it
    came from with a message; a refusal goes back too, with its Chinese message beside the action and the input kept."""
    from township.cases import actions as case_actions

    case = _case_or_404(request, pk)
    target = _safe_next(request) if request.POST.get("next") else case_url(case)
    try:
        case_actions.act(case, name, request.user, request.POST, request.FILES)
    except DomainError as exc:
        case_actions.flash_refusal(request, case, name, exc, request.POST)
        return redirect(target)
    ct_action = case_actions.case_type_for(case.case_type).action(name)
    label = str(ct_action.label) if ct_action else name
    success = str(ct_action.success) if ct_action and ct_action.success else _("“%(label)s”已办理") % {"label": label}
    messages.success(request, success)
    return redirect(target)


@staff_required
@require_POST
def case_attach(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_case(request, case, attach_form=form, status=400)
    try:
        case_services.case_attach(
            case=case, actor=request.user, uploaded_file=form.cleaned_data["file"], purpose=form.cleaned_data["purpose"]
        )
    except DomainError as exc:
        form.add_error("file" if exc.field in (None, "file") else None, exc.message)
        return _render_case(request, case, attach_form=form, status=exc.status)
    messages.success(request, _("附件已上传"))
    return redirect("case-detail", pk=case.pk)


@staff_required
def case_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Download: only for users who may see the case (else 404, no leaking)."""
    case = _case_or_404(request, pk)
    try:
        att = web_selectors.attachment_get(actor=request.user, case=case, pk=attachment_id)
    except NotFound:
        raise Http404() from None
    return FileResponse(att.file.open("rb"), content_type=att.content_type, as_attachment=True, filename=att.name)


# --- personal API tokens ---------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List, create (the secret is shown once) and revoke personal API tokens."""
    secret = ""
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                token_id = int(request.POST["revoke"])
            except ValueError:
                token_id = 0
            if api_token_revoke(user=request.user, token_id=token_id):
                messages.success(request, _("令牌已撤销"))
            return redirect("api-tokens")
        if form.is_valid():
            _token, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
            form = TokenCreateForm()
    return render(
        request,
        "township/api_tokens.html",
        {"form": form, "secret": secret, "tokens": list(web_selectors.api_token_list(user=request.user))},
    )


# --- 用户管理 (read-only) ---------------------------------------------------------------------------


def _mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else ("*" * len(phone))


@staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """用户管理: who holds which role in which of my units (administrators, security admins, auditors)."""
    r = reach(request.user, web_selectors.STAFF_ADMIN_ROLES)
    if not r.codes and not r.villages:
        raise PermissionDenied
    search = request.GET.get("q", "").strip()[:64]
    role = request.GET.get("role", "").strip()
    if role not in Role.values:
        role = ""
    units = [u for u in units_of(request.user) if u.code in r.codes]
    unit = request.GET.get("unit", "").strip()
    cursor = request.GET.get("cursor") or None
    page = web_selectors.staff_list(
        actor=request.user, search=search or None, role=role or None, unit=unit or None, cursor=cursor
    )
    params = {k: v for k, v in (("q", search), ("role", role), ("unit", unit)) if v}
    rows = [
        {
            "user": u,
            "phone": _mask_phone(u.phone) if u.phone else "",
            "grants": u.visible_grants,
        }
        for u in page.items
    ]
    return render(
        request,
        "township/staff_list.html",
        {
            "rows": rows,
            "q": search,
            "role": role,
            "unit": unit,
            "roles": Role.choices,
            "units": units,
            "next_url": "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else "",
            "first_url": "?" + urlencode(params),
            "paged": bool(cursor),
            "export_url": reverse("downloads:export", args=["users"]) + ("?" + urlencode(params) if params else ""),
        },
    )


# --- 登录日志 -------------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def login_log(request: HttpRequest) -> HttpResponse:
    """登录日志 (security administrator, auditor). Read-only: no delete, no clear."""
    r = reach(request.user, web_selectors.LOG_ROLES)
    if not r.codes and not r.villages:
        raise PermissionDenied
    username = request.GET.get("username", "").strip()[:150]
    result = request.GET.get("result", "").strip()
    if result not in LoginLog.Result.values:
        result = ""
    if request.method == "POST":
        name = request.POST.get("unlock", "")
        if name in web_selectors.locked_names(actor=request.user):
            security.unlock(name)
            security.login_log_write(
                request, username=name, result=LoginLog.Result.UNLOCKED, user=web_selectors.user_by_username(name)
            )
            messages.success(request, _("已解锁账户 %(name)s") % {"name": name})
        return redirect("login-log")
    cursor = request.GET.get("cursor") or None
    page = web_selectors.login_log_list(actor=request.user, username=username, result=result, cursor=cursor)
    params = {k: v for k, v in (("username", username), ("result", result)) if v}
    return render(
        request,
        "township/login_log.html",
        {
            "rows": page.items,
            "locked": web_selectors.locked_names(actor=request.user),
            "username": username,
            "result": result,
            "results": LoginLog.Result.choices,
            "next_url": "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else "",
            "first_url": "?" + urlencode(params),
            "paged": bool(cursor),
        },
    )


def idle_timeout_minutes() -> int:
    return int(timedelta(seconds=settings.SESSION_COOKIE_AGE).total_seconds() // 60)

"""Pages of 社情民意: list (filters, search, pages, Excel), the case page, the staff intake form, statistics, and
the public side (submit on the portal, follow by the code)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from township.core.errors import DomainError, NotFound
from township.core.excel import append_row, xlsx_response
from township.opinions import selectors, services, throttle
from township.opinions.forms import CollectForm, PublicForm
from township.opinions.machine import COLLECTORS, HANDLERS, S
from township.opinions.models import Category, Channel
from township.org.models import Jurisdiction, Level, User
from township.org.scoping import reach
from township.org.units import chosen_unit

PAGE_SIZE = 20
EXPORT_MAX_ROWS = 20_000


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filter(request: HttpRequest) -> selectors.OpinionFilter:
    g = request.GET
    return selectors.OpinionFilter(
        state=g.get("state", "") if g.get("state", "") in S.values else "",
        category=g.get("category", "") if g.get("category", "") in Category.values else "",
        channel=g.get("channel", "") if g.get("channel", "") in Channel.values else "",
        village=g.get("village", "")[:12],
        date_from=_date(g.get("date_from")),
        date_to=_date(g.get("date_to")),
        q=g.get("q", "")[:100],
        unit=chosen_unit(request),
    )


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@login_required
@require_GET
def opinion_list(request: HttpRequest) -> HttpResponse:
    f = _filter(request)
    page = Paginator(selectors.opinion_list(actor=_user(request), f=f), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in (f.unit.params if f.unit else {}).items():  # the export follows the chosen unit
        params[key] = value
    return render(
        request,
        "opinions/list.html",
        {
            "page": page,
            "f": request.GET,
            "query": params.urlencode(),
            "states": S.choices,
            "categories": Category.choices,
            "channels": Channel.choices,
            "villages": selectors.opinion_villages(actor=_user(request)),
        },
    )


@login_required
@require_GET
def opinion_export(request: HttpRequest) -> FileResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(_("社情民意")))
    heads = [
        "编号",
        "标题",
        "内容",
        "类型",
        "分类",
        "渠道",
        "所在村",
        "反映人",
        "联系电话",
        "收集时间",
        "状态",
        "办理结果",
        "答复内容",
    ]
    ws.append([str(_(h)) for h in heads])
    rows = selectors.opinion_list(actor=_user(request), f=_filter(request))[:EXPORT_MAX_ROWS]
    for o in rows:
        append_row(
            ws,
            [
                o.case.number,
                o.title,
                o.content,
                o.get_kind_display(),
                o.get_category_display() if o.category else "",
                o.get_channel_display(),
                o.village.name if o.village else "",
                o.reporter_masked,
                o.phone_masked,
                timezone.localtime(o.collected_at).strftime("%Y-%m-%d %H:%M"),
                o.case.state_label,
                o.get_outcome_display() if o.outcome else "",
                o.public_reply,
            ],
        )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return xlsx_response(wb, f"opinions-{stamp}.xlsx")


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    from township.cases.actions import panel

    try:
        o = selectors.opinion_by_case(actor=_user(request), case_id=case_id)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "opinions/detail.html",
        {"o": o, "panel": panel(request, o.case), "notices": list(o.notices.all())},
    )


def collect_villages(actor: User | None) -> list[tuple[str, str]]:
    """The villages where the actor may collect (village-limited grants included)."""
    r = reach(actor, COLLECTORS)
    q = Q(parent_id__in=sorted(r.codes)) | Q(pk__in=sorted(v for _t, v in r.villages))
    rows = Jurisdiction.objects.filter(level=Level.VILLAGE, active=True).filter(q).select_related("parent")
    return [(j.pk, f"{j.parent.name if j.parent else ''} / {j.name}") for j in rows.order_by("code")[:2000]]


@login_required
def collect(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    villages = collect_villages(actor)
    form = CollectForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            o = services.opinion_collect(
                actor=actor,
                village=d["village"],
                channel=d["channel"],
                kind=d["kind"],
                category=d["category"],
                title=d["title"],
                content=d["content"],
                location=d["location"],
                anonymous=d["anonymous"],
                reporter_name=d["reporter_name"],
                reporter_phone=d["reporter_phone"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记：%(n)s") % {"n": o.case.number})
            return redirect("opinions:case", case_id=o.case_id)
    return render(request, "opinions/collect.html", {"form": form, "can_collect": bool(villages)})


@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    f = _filter(request)
    st = selectors.opinion_stats(actor=_user(request), f=f)
    return render(
        request,
        "opinions/stats.html",
        {"st": st, "f": request.GET, "handler": bool(reach(_user(request), HANDLERS).codes)},
    )


# --- public side ----------------------------------------------------------------------------------------------


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "opinions/rate_limited.html", status=429)


def public_villages() -> list[tuple[str, str]]:
    rows = Jurisdiction.objects.filter(level=Level.VILLAGE, active=True, parent__level=Level.TOWN).select_related(
        "parent"
    )
    return [(j.pk, f"{j.parent.name if j.parent else ''} / {j.name}") for j in rows.order_by("code")[:3000]]


def public_submit(request: HttpRequest) -> HttpResponse:
    """群众提交意见建议或投诉: no sign-in needed (CSRF like every form); answers with the follow-up code."""
    villages = public_villages()
    form = PublicForm(request.POST or None, villages=villages)
    if request.method == "POST":
        if throttle.passed(request, throttle.SUBMIT):
            return _too_many(request)
        if form.is_valid():
            d = form.cleaned_data
            try:
                o = services.opinion_submit_public(
                    actor=_user(request),
                    village=d["village"],
                    kind=d["kind"],
                    title=d["title"],
                    content=d["content"],
                    anonymous=d["anonymous"],
                    reporter_name=d["reporter_name"],
                    reporter_phone=d["reporter_phone"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                request.session["opinions_new_code"] = o.track_code
                return redirect(reverse("opinions:track") + "?new=1")
    return render(request, "opinions/public_submit.html", {"form": form})


def public_track(request: HttpRequest) -> HttpResponse:
    """按查询码查看办理进度: status, public reply, notices and the forwarded item's status — nothing internal."""
    code = ""
    new = False
    if request.GET.get("new") == "1" and request.session.get("opinions_new_code"):
        code = request.session.pop("opinions_new_code")
        new = True
    elif request.method == "POST":
        code = (request.POST.get("code") or "").strip()
    view = None
    status = 200
    if code:
        if not new and throttle.passed(request, throttle.TRACK):
            return _too_many(request)
        try:
            view = selectors.opinion_track(code=code)
        except NotFound:
            messages.error(request, _("查询码不存在，请核对后重试"))
            status = 404
    return render(
        request,
        "opinions/public_track.html",
        {"view": view, "code": code if view else "", "new": new},
        status=status,
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """我的意见建议: a signed-in resident's submissions with their status, replies and notices."""
    return render(request, "opinions/mine.html", {"views": selectors.opinions_of_resident(actor=_user(request))})

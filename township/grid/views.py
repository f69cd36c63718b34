"""Grid pages: dispatcher desk, map, mobile report, event detail with its steps, grids, evaluation,
handovers; the public report and tracking pages. Thin: selectors and services do the work."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from township.cases.models import Warning
from township.core.errors import DomainError, NotFound
from township.grid import evaluation, selectors, services
from township.grid.demo import BAISHA_BOUNDS
from township.grid.machine import OPEN_STATES, S
from township.grid.models import GridLevel, Source
from township.org.models import GRID_ROLES, Department, Role, User
from township.org.scoping import has_role, reach, scope_labels, units_of
from township.org.units import chosen_unit

INCOMING = [S.REPORTED, S.VERIFYING, S.VERIFIED]
AWAITING_DISPATCH = [S.REGISTERED]


def _event_or_404(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.event_get(actor=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


def _rows(events: list[Any]) -> list[dict[str, Any]]:
    now = timezone.now()
    labels = dict(Warning.choices)
    out = []
    for e in events:
        level = e.case.warning(now)
        out.append({"e": e, "warning": level, "warning_label": labels.get(level, level)})
    return out


def _departments(request: HttpRequest) -> list[Department]:
    codes = reach(request.user, [Role.DISPATCHER]).codes
    return list(
        Department.objects.filter(jurisdiction_id__in=sorted(codes), active=True).order_by(
            "jurisdiction_id", "sort", "id"
        )
    )


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """调度台: incoming reports, waiting for dispatch (with the suggested department), overdue, filters."""
    state = request.GET.get("state") or ""
    grid = request.GET.get("grid") or ""
    grid_id = int(grid) if grid.isdigit() else None
    filtered = None
    if state or grid_id:
        filtered = _rows(selectors.event_list(actor=request.user, state=state or None, grid=grid_id, limit=100))
    incoming = _rows(selectors.event_list(actor=request.user, state=INCOMING, limit=50))
    waiting = _rows(selectors.event_list(actor=request.user, state=AWAITING_DISPATCH, limit=50))
    overdue = _rows(selectors.event_list(actor=request.user, overdue=True, limit=50))
    departments = _departments(request)
    by_name = {(d.jurisdiction_id, d.name): d for d in departments}
    for row in waiting:
        e = row["e"]
        name = e.event_class.department_name
        row["suggested"] = by_name.get((e.jurisdiction_id, name)) or next(
            (d for d in departments if d.jurisdiction_id == e.jurisdiction_id and name[:4] and name[:4] in d.name),
            None,
        )
    context = {
        "incoming": incoming,
        "waiting": waiting,
        "overdue": overdue,
        "filtered": filtered,
        "departments": departments,
        "states": [(s.value, s.label) for s in S],
        "f": {"state": state, "grid": grid},
        "grids": selectors.grid_list(actor=request.user, level=3)[:500],
    }
    return render(request, "grid/desk.html", context)


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """网格事件: search (关键字, 状态), keyset pages, 导出 of what the filter shows (through the 下载中心)."""
    from township.core.errors import BadInput
    from township.downloads.views import export_url
    from township.grid.exports import event_filters

    try:
        f = event_filters(request.GET)
    except BadInput as exc:
        return render(request, "downloads/error.html", {"message": exc.message}, status=400)
    unit = chosen_unit(request)
    f.update(unit.params)
    before = request.GET.get("before") or ""
    rows = selectors.event_list(
        actor=request.user,
        state=f.get("state") or None,
        before_id=int(before) if before.isdigit() else None,
        q=f.get("q", ""),
        unit=unit,
        limit=50,
    )
    next_url = None
    if len(rows) == 50:
        params = request.GET.copy()
        params["before"] = rows[-1].pk
        next_url = f"?{params.urlencode()}"
    return render(
        request,
        "grid/event_list.html",
        {
            "rows": _rows(rows),
            "states": [(s.value, s.label) for s in S],
            "f": request.GET,
            "next_url": next_url,
            "export_url": export_url("grid-events", f),
            "scope": scope_labels(request.user if isinstance(request.user, User) else None),
        },
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    from township.cases.actions import panel

    duplicates = []
    if event.case.state in (S.REPORTED, S.VERIFIED, S.VERIFYING):
        duplicates = services.event_duplicates_find(
            event_class=event.event_class,
            lon=event.lon,
            lat=event.lat,
            at=event.reported_at,
            jurisdiction=event.jurisdiction_id,
            exclude=event.pk,
        )
    photos = list(event.photos.select_related("attachment"))
    suggested = services.department_suggest(event=event)
    departments = [d for d in _departments(request) if d.jurisdiction_id == event.jurisdiction_id]
    return render(
        request,
        "grid/event_detail.html",
        {
            "event": event,
            "panel": panel(request, event.case),
            "duplicates": duplicates,
            "photos": photos,
            "suggested": suggested,
            "departments": departments,
            "assisting": selectors.event_assisting_departments(event=event),
            "escalations": list(event.escalations.all()),
            "handovers": list(event.handovers.select_related("actor")),
            "warning": event.case.warning(),
            "warning_label": dict(Warning.choices).get(event.case.warning(), ""),
        },
    )


@login_required
def case_redirect(request: HttpRequest, case_id: int) -> HttpResponse:
    """From a case (我的待办) to its grid event page."""
    event = selectors.event_queryset(actor=request.user).filter(case_id=case_id).only("id").first()
    if event is None:
        raise Http404
    return redirect("grid:event-detail", pk=event.pk)


def _map_center(request: HttpRequest) -> list[float]:
    first = selectors.grid_list(actor=request.user, level=None).first()
    if first:
        return [first.center_lat, first.center_lon]
    return [(BAISHA_BOUNDS[1] + BAISHA_BOUNDS[3]) / 2, (BAISHA_BOUNDS[0] + BAISHA_BOUNDS[2]) / 2]


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    """网格地图: grids by level drawn from their own GeoJSON (no internet tiles), events clustered by status."""
    return render(
        request,
        "grid/map.html",
        {
            "levels": GridLevel.choices,
            "states": [(s.value, s.label) for s in S],
            "open_states": list(OPEN_STATES),
            "classes": selectors.event_class_list(),
            "center": json.dumps(_map_center(request)),
        },
    )


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    """网格员上报 (mobile): photo, location (GPS or map pick), class, description; duplicates offered."""
    if request.method == "POST":
        link = request.POST.get("link_to") or ""
        try:
            original = selectors.event_get(actor=request.user, pk=int(link)) if link.isdigit() else None
            event = services.event_report(
                actor=request.user,
                event_class=request.POST.get("event_class", ""),
                lon=request.POST.get("lon"),
                lat=request.POST.get("lat"),
                crs=request.POST.get("crs", "wgs84"),
                description=request.POST.get("description", ""),
                address=request.POST.get("address", ""),
                source=Source.PATROL,
                photos=request.FILES.getlist("photos"),
                link_to=original,
            )
            messages.success(request, _("上报成功，编号 %(n)s") % {"n": event.case.number})
            return redirect("grid:event-detail", pk=event.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "grid/report.html",
        {
            "classes": selectors.event_class_list(),
            "center": json.dumps(_map_center(request)),
            "form": request.POST,
            # Units where the user patrols (a village grant patrols inside its town).
            "units": [
                u
                for u in units_of(request.user)
                if has_role(request.user, u.tenant_code, GRID_ROLES, u.code if u.level == "village" else None)
            ],
        },
    )


GRID_PAGE = 20


@login_required
def grid_list(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level") or ""
    unit = chosen_unit(request)
    grids = selectors.grid_list(actor=request.user, level=int(level) if level.isdigit() else None, unit=unit)
    if request.GET.get("format") == "geojson":
        data = services.grid_export_geojson(grids=grids)
        resp = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/geo+json")
        resp["Content-Disposition"] = 'attachment; filename="grids.geojson"'
        return resp
    if request.method == "POST" and request.FILES.get("file"):
        try:
            saved = services.grid_import_geojson(
                data=request.FILES["file"].read(), actor=request.user, update=bool(request.POST.get("update"))
            )
            messages.success(request, _("已导入 %(n)d 个网格") % {"n": len(saved)})
        except services.GridImportError as exc:
            for line in exc.errors[:50]:
                messages.error(request, line)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("grid:grids")
    q = request.GET.get("q", "").strip()[:64]
    if q:
        grids = grids.filter(Q(code__contains=q) | Q(name__contains=q))
    page = Paginator(grids, GRID_PAGE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    staff = selectors.grid_staff_by_grid(grids=listed)
    for g in listed:
        g.staff_list = staff.get(g.pk, [])
    params = {k: v for k, v in (("level", level), ("q", q)) if v}
    params.update(unit.params)
    return render(
        request,
        "grid/grid_list.html",
        {
            "grids": listed,
            "page": page,
            "total": page.paginator.count,
            "levels": GridLevel.choices,
            "f": {"level": level, "q": q},
            "query": urlencode(params),
        },
    )


@login_required
def evaluation_page(request: HttpRequest) -> HttpResponse:
    by = request.GET.get("by") or "grid"
    if by not in evaluation.DIMENSIONS:
        by = "grid"
    end = timezone.now()
    rows = evaluation.evaluate_for(request.user, by=by, end=end)
    total = evaluation.evaluate_for(request.user, end=end)[0]
    # 巡查 this month, by grid or by person, beside the event figures (issue 15: patrol logs feed the evaluation)
    patrols = None
    if by in ("grid", "reporter", "handler"):
        from township.grid.patrol_stats import BY_GRID, BY_PERSON, patrol_stats

        month = timezone.localtime(end).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        patrols = patrol_stats(actor=request.user, start=month, end=end, by=BY_GRID if by == "grid" else BY_PERSON)
    return render(
        request,
        "grid/evaluation.html",
        {
            "rows": rows,
            "total": total,
            "by": by,
            "dimensions": [
                ("town", _("乡镇")),
                ("village", _("村社区")),
                ("grid", _("网格")),
                ("department", _("部门")),
                ("reporter", _("上报人（岗位）")),
                ("handler", _("处置人")),
            ],
            "count_labels": evaluation.COUNT_LABELS,
            "rate_labels": evaluation.RATE_LABELS,
            "patrols": patrols,
        },
    )


@login_required
def handover_list(request: HttpRequest) -> HttpResponse:
    return render(request, "grid/handover_list.html", {"rows": selectors.handover_list(actor=request.user)})


# escalation progress → (tag class, label) for the page
ESCALATION_PROGRESS = {
    "closed": ("normal", _lazy("已办结")),
    "moved_on": ("state", _lazy("已进入下一环节")),
    "still_late": ("overdue", _lazy("仍超期")),
    "extended": ("yellow", _lazy("期限已延长")),
}


@login_required
def escalation_inbox(request: HttpRequest) -> HttpResponse:
    """超期督办: escalations addressed to me, with the step that ran late and whether it still does."""
    status = request.GET.get("status", "open")
    if status not in selectors.ESCALATION_STATUSES:
        status = "open"
    before = request.GET.get("before", "")
    rows = selectors.escalation_inbox(
        actor=request.user, status=status, before_id=int(before) if before.isdigit() else None, limit=51
    )
    more = len(rows) > 50
    rows = rows[:50]
    now = timezone.now()
    return render(
        request,
        "grid/escalation_list.html",
        {
            "rows": [
                {
                    "x": x,
                    "state_label": dict(S.choices).get(x.state, x.state),
                    "progress": ESCALATION_PROGRESS[selectors.escalation_progress(x, now)],
                }
                for x in rows
            ],
            "status": status,
            "statuses": [
                ("open", _("待督办（%(n)s）") % {"n": selectors.escalation_open_count(actor=request.user)}),
                ("supervised", _("已督办")),
                ("all", _("全部")),
            ],
            "next_before": rows[-1].pk if more else None,
        },
    )


@login_required
@require_POST
def escalation_supervise(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        escalation = selectors.escalation_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    try:
        services.escalation_supervise(
            escalation=escalation, actor=request.user, instruction=request.POST.get("instruction", "")
        )
        messages.success(request, _("已督办：%(n)s") % {"n": escalation.case.number})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('grid:escalations')}?status={request.POST.get('status', 'open')}")


# --- public (portal) ---------------------------------------------------------------------------


def public_report(request: HttpRequest) -> HttpResponse:
    """群众上报: photo, map pick, class, contact; answers with a ticket to track it."""
    if request.method == "POST":
        try:
            event = services.event_report(
                actor=request.user if request.user.is_authenticated else None,
                event_class=request.POST.get("event_class", ""),
                lon=request.POST.get("lon"),
                lat=request.POST.get("lat"),
                crs=request.POST.get("crs", "wgs84"),
                description=request.POST.get("description", ""),
                address=request.POST.get("address", ""),
                source=Source.PUBLIC,
                photos=request.FILES.getlist("photos"),
                contact_name=request.POST.get("contact_name", ""),
                contact_phone=request.POST.get("contact_phone", ""),
            )
            return redirect(f"{reverse('grid:public-track')}?ticket={event.ticket}&new=1")
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "grid/public_report.html",
        {
            "classes": selectors.event_class_list(public_only=True),
            "center": json.dumps(
                [(BAISHA_BOUNDS[1] + BAISHA_BOUNDS[3]) / 2, (BAISHA_BOUNDS[0] + BAISHA_BOUNDS[2]) / 2]
            ),
            "form": request.POST,
        },
    )


def public_track(request: HttpRequest) -> HttpResponse:
    ticket = (request.GET.get("ticket") or "").strip()
    event = None
    if ticket:
        try:
            event = selectors.event_get_by_ticket(ticket=ticket)
        except NotFound:
            messages.error(request, _("查询码不存在"))
    return render(
        request, "grid/public_track.html", {"event": event, "ticket": ticket, "new": request.GET.get("new") == "1"}
    )


def public_grids(request: HttpRequest) -> HttpResponse:
    """Grid outlines for the public map pick (no personal data)."""
    level = request.GET.get("level") or "3"
    grids = selectors.grid_public_list(
        jurisdiction=request.GET.get("jurisdiction") or None, level=int(level) if level.isdigit() else None
    )
    data = services.grid_export_geojson(grids=grids.select_related("parent")[:3000])
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/geo+json")

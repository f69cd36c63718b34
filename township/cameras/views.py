"""Pages of the camera registry (issue 15): list with search and filters, Excel import/export, the camera page
(HLS in the browser's <video>, 抓拍为证据, video call with an officer). Thin: parse, call, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from township.cameras import selectors, services
from township.cameras.models import CameraNetwork, CameraStatus, SnapshotTarget
from township.core.errors import DomainError, NotFound
from township.core.excel import append_row, xlsx_response
from township.org.models import Jurisdiction, Level, Role, RoleGrant, User
from township.org.units import UnitChoice, chosen_unit

PAGE_SIZE = 20


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_view(request: HttpRequest) -> None:
    if not selectors.may_view(_me(request)):
        raise PermissionDenied


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:64] for k in ("q", "village", "status", "network")}


def _cameras(request: HttpRequest, f: dict[str, str], unit: UnitChoice) -> Any:
    return selectors.camera_list(
        actor=_me(request), unit=unit, q=f["q"], village=f["village"], status=f["status"], network=f["network"]
    )


@login_required
def camera_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    f = _filters(request)
    unit = chosen_unit(request)  # the unit tree (组织机构) beside the list; the export follows it
    qs = _cameras(request, f, unit)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    towns = selectors.manage_towns(_me(request))
    villages = Jurisdiction.objects.filter(parent_id__in=sorted({c.jurisdiction_id for c in page}) or towns)
    return render(
        request,
        "cameras/list.html",
        {
            "page": page,
            "f": f,
            "query": urlencode({k: v for k, v in f.items() if v} | unit.params),
            "statuses": CameraStatus.choices,
            "networks": CameraNetwork.choices,
            "villages": villages.filter(level=Level.VILLAGE).order_by("code"),
            "manage_towns": Jurisdiction.objects.filter(pk__in=towns),
        },
    )


def export_response(qs: Any) -> HttpResponseBase:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(_("摄像头")))
    append_row(ws, services.COLUMNS)
    for c in qs[:20000]:
        append_row(
            ws,
            [
                c.device_id,
                c.name,
                c.lon,
                c.lat,
                c.village.name if c.village_id else "",
                c.grid.code if c.grid_id else "",
                c.address,
                c.get_network_display(),
                c.get_stream_kind_display(),
                c.stream_url,
                c.snapshot_url,
                c.owner_unit,
                c.get_status_display(),
            ],
        )
    return xlsx_response(wb, "cameras.xlsx")


@login_required
def camera_export(request: HttpRequest) -> HttpResponseBase:
    _require_view(request)
    return export_response(_cameras(request, _filters(request), chosen_unit(request)))


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        services.import_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="camera-import-template.xlsx"'
    return response


@login_required
@require_POST
def camera_import(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择Excel文件"))
        return redirect("cameras:list")
    try:
        result = services.camera_import(
            actor=_me(request), jurisdiction=request.POST.get("jurisdiction", ""), content=upload.read()
        )
    except services.ImportRefused as exc:
        for e in exc.errors[:20]:
            messages.error(
                request, _("第%(row)s行“%(col)s”：%(msg)s") % {"row": e.row, "col": e.column, "msg": e.message}
            )
        messages.error(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("导入完成：新增 %(c)d 个，更新 %(u)d 个") % {"c": result.created, "u": result.updated}
        )
    return redirect("cameras:list")


def _callees(town: str) -> list[tuple[int, str]]:
    rows = (
        RoleGrant.objects.filter(Q(jurisdiction_id=town) | Q(jurisdiction__parent_id=town))
        .filter(role__in=services.CALLEE_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("role", "user_id")[:300]
    )
    seen: dict[int, str] = {}
    for g in rows:
        seen.setdefault(g.user_id, f"{g.user.display_name}（{g.get_role_display()}）")
    return list(seen.items())


def _camera_texts() -> dict[str, str]:
    """The strings camera.js shows, in the request's language."""
    return {
        "webrtc": _("WebRTC 流请在视频平台中打开：%s"),
        "streamError": _("视频流无法播放，请检查摄像头状态。"),
        "noHls": _("此浏览器不能播放 HLS 视频流。"),
        "streamFatal": _("视频流无法播放（%s）"),
        "playerFailed": _("播放组件加载失败，请刷新页面重试。"),
        "callFailed": _("无法发起通话"),
        "callWith": _("与 %(name)s 通话：%(url)s"),
    }


@login_required
def camera_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        camera = selectors.camera_get(actor=_me(request), pk=pk)
    except NotFound:
        raise Http404 from None
    may_call = selectors.may_call(_me(request)) and bool(getattr(settings, "TOWNSHIP_VIDEO_CALL_URL", ""))
    return render(
        request,
        "cameras/detail.html",
        {
            "camera": camera,
            "snapshots": selectors.snapshot_list(camera=camera, limit=20),
            "targets": SnapshotTarget.choices,
            "may_call": may_call,
            "callees": _callees(camera.jurisdiction_id) if may_call else [],
            "role_labels": dict(Role.choices),
            "camera_texts": _camera_texts(),
        },
    )


@login_required
@require_POST
def camera_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    """抓拍为证据 from the camera page (the form, or its script with the player's frame): the target named by its case
    number or id; the outcome (with the hash) shown as a message on the camera page."""
    try:
        camera = selectors.camera_get(actor=_me(request), pk=pk)
    except NotFound:
        raise Http404 from None
    target = request.POST.get("target", "")
    try:
        target_id = selectors.snapshot_target_id(
            actor=_me(request), camera=camera, target=target, ref=request.POST.get("target_id", "")
        )
    except NotFound:
        messages.error(request, _("未找到该编号的事件或案件，或不在您的权限范围内"))
        return redirect("cameras:detail", pk=pk)
    try:
        snap = services.camera_snapshot_attach(
            camera=camera,
            actor=_me(request),
            target=target,
            target_id=target_id,
            image=request.FILES.get("image"),
        )
    except NotFound:
        messages.error(request, _("未找到该编号的事件或案件，或不在您的权限范围内"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("已抓拍并作为证据附入 %(n)s，SHA-256：%(h)s") % {"n": snap.case_number, "h": snap.sha256}
        )
    return redirect("cameras:detail", pk=pk)

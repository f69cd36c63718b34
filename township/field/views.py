"""Field app pages (/field/, issue 15): a phone-first home (我的待办, 上报, 巡查, 附近事件), the officer's cases with the
legal review opinion and field evidence, and the PWA files (manifest, service worker). Thin: selectors do the reads;
writes go through /api/v1/field/ from the device's offline queue."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from township.core.errors import NotFound
from township.field import pwa, selectors
from township.grid import selectors as grid_selectors
from township.org.models import GRID_ROLES
from township.org.scoping import has_role, units_of

DEFAULT_CENTER = (29.07, 106.13)  # [lat, lon] of the demo town, when the user sees no grid


def _center(request: HttpRequest) -> list[float]:
    first = grid_selectors.grid_list(actor=request.user, level=None).first()
    if first:
        return [first.center_lat, first.center_lon]
    return list(DEFAULT_CENTER)


def _texts() -> dict[str, str]:
    """The Chinese strings the page scripts show (one place, through gettext)."""
    return {
        "online": _("在线"),
        "offline": _("离线"),
        "pending": _("%n 条待同步"),
        "synced": _("已全部同步"),
        "failed": _("%n 条失败"),
        "failedOne": _("发送失败"),
        "syncing": _("同步中…"),
        "waiting": _("待同步"),
        "discard": _("删除"),
        "login": _("登录已过期，请重新登录后自动同步"),
        "noGps": _("此设备不支持定位"),
        "gpsError": _("无法获取定位，请在手机设置中允许定位"),
        "located": _("已定位：纬度 %lat，经度 %lon，精度约 %acc 米"),
        "needPhoto": _("请至少拍摄一张现场照片"),
        "needClass": _("请选择类别"),
        "needText": _("请填写问题描述"),
        "needGps": _("尚未获取到定位，请稍候"),
        "needFile": _("请拍摄照片或视频"),
        "needOnline": _("需要联网才能开始或结束巡查"),
        "storeFailed": _("无法保存到手机存储"),
        "reportLabel": _("上报："),
        "evidenceLabel": _("取证："),
        "sending": _("已保存，正在发送…"),
        "savedOffline": _("当前离线：已保存在手机上，联网后自动上报"),
        "reported": _("已上报，案件编号 %s"),
        "evidenceSaved": _("证据已上传并记入案件"),
        "fileType": _("此文件不能作为证据，请拍摄照片或MP4视频"),
        "fileTooLarge": _("文件超过 %s MB，请拍摄更短的视频"),
        "patrolling": _("巡查中"),
        "notStarted": _("未开始"),
        "patrolEnded": _("巡查已结束"),
        "patrolFailed": _("无法开始巡查"),
        "trackUnsent": _("轨迹尚未全部发送，请在网络恢复后再结束巡查"),
        "overdue": _("超期"),
        "distance": _("距离约 %d 米"),
        "noneNearby": _("附近没有未办结事件"),
    }


def _ctx(request: HttpRequest, tab: str, **extra: Any) -> dict[str, Any]:
    tiles = None
    if getattr(settings, "TOWNSHIP_MAP_TILE_URL", ""):
        tiles = {
            "url": settings.TOWNSHIP_MAP_TILE_URL,
            "subdomains": getattr(settings, "TOWNSHIP_MAP_TILE_SUBDOMAINS", "") or "abc",
            "attribution": getattr(settings, "TOWNSHIP_MAP_TILE_ATTRIBUTION", ""),
        }
    return {
        "tab": tab,
        "field_worker": selectors.is_field_worker(request.user),
        "officer": selectors.is_officer(request.user),
        "field_config": {"center": _center(request), "tiles": tiles, "text": _texts()},
        **extra,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The phone home: 我的待办 first (cached for offline reading), then the four actions."""
    return render(request, "field/home.html", _ctx(request, "home", tasks=selectors.my_tasks(actor=request.user)))


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    return render(
        request, "field/tasks.html", _ctx(request, "tasks", tasks=selectors.my_tasks(actor=request.user, limit=100))
    )


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """上报: photos, the device's position on a map (never typed), class, description; queued on the device."""
    return render(request, "field/report.html", _ctx(request, "report", classes=grid_selectors.event_class_list()))


@login_required
def patrol(request: HttpRequest) -> HttpResponse:
    """巡查: start/stop; the track goes in batches to the positions API and the patrol."""
    units = [
        u
        for u in units_of(request.user)
        if has_role(request.user, u.tenant_code, GRID_ROLES, u.code if u.level == "village" else None)
    ]
    recent = grid_selectors.patrol_list(actor=request.user, mine_only=True, limit=10)
    return render(request, "field/patrol.html", _ctx(request, "patrol", units=units, recent=recent))


@login_required
def nearby(request: HttpRequest) -> HttpResponse:
    return render(request, "field/nearby.html", _ctx(request, "nearby"))


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    """执法队员: my open penalty cases, with the legal review opinion when there is one."""
    return render(
        request, "field/cases.html", _ctx(request, "cases", rows=selectors.my_penalty_cases(actor=request.user))
    )


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """A penalty case on the phone: the reviewer's opinion, the evidence, and 现场取证 (queued like reports)."""
    try:
        pc = selectors.penalty_case_for_field(actor=request.user, case_id=case_id)
    except NotFound as exc:
        raise Http404 from exc
    ctx = _ctx(request, "cases", pc=pc, evidence=list(pc.evidence.all()))
    ctx["field_config"]["evidence"] = _evidence_limits()
    return render(request, "field/case.html", ctx)


# What a phone may capture as evidence (photos and short videos) — checked on the phone before it is queued, so that
# nothing is kept for days only to be refused at sync; the server checks again (case_attach sniffs the bytes).
EVIDENCE_TYPES = ("image/jpeg", "image/png", "image/webp", "video/mp4", "video/quicktime")


def _evidence_limits() -> dict[str, Any]:
    limit = int(settings.TOWNSHIP_ATTACHMENT_MAX_BYTES)
    allowed = set(settings.TOWNSHIP_ATTACHMENT_TYPES)
    return {
        "types": [t for t in EVIDENCE_TYPES if t in allowed],
        "maxBytes": limit,
        "maxMB": limit // (1024 * 1024),
    }


@login_required
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "field/offline.html", _ctx(request, "home"))


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest (installability: name, icons, start_url, scope, display)."""
    data = pwa.manifest(static)
    resp = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    resp["Content-Type"] = "application/manifest+json; charset=utf-8"
    resp["Cache-Control"] = "no-cache"
    return resp


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /field/ so that its scope is /field/ (and said so in a header)."""
    body = pwa.service_worker(static, debug=settings.DEBUG)
    resp = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    resp["Service-Worker-Allowed"] = "/field/"
    return resp

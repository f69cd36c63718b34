"""API of cameras (issue 15): the registry (list, create, change, Excel import/export, GeoJSON for the map),
抓拍为证据 (snapshot → evidence with SHA-256 on a grid event or a penalty case), the video-call room of an officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from township.cameras import selectors, services
from township.cameras.models import Camera
from township.core.errors import PermissionRefused
from township.org.models import User

router = Router(tags=["cameras"])


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_view(request: HttpRequest) -> None:
    from django.utils.translation import gettext as _

    if not selectors.may_view(_actor(request)):
        raise PermissionRefused("permission_denied", _("您没有查看视频监控的权限"))


class CameraIn(Schema):
    jurisdiction: str = ""
    device_id: str
    name: str
    lon: float
    lat: float
    village: str = ""
    grid: str = ""
    address: str = ""
    network: str = ""
    stream_kind: str = ""
    stream_url: str = ""
    snapshot_url: str = ""
    owner_unit: str = ""
    status: str = ""


class CameraOut(Schema):
    id: int
    jurisdiction: str
    device_id: str
    name: str
    network: str
    village: str | None
    village_name: str
    grid: str | None
    grid_name: str
    lon: float
    lat: float
    address: str
    stream_kind: str
    stream_url: str
    snapshot_url: str
    owner_unit: str
    status: str
    status_label: str


class CameraPage(Schema):
    items: list[CameraOut]
    count: int
    page: int
    pages: int


def out(c: Camera) -> dict[str, Any]:
    return {
        "id": c.pk,
        "jurisdiction": c.jurisdiction_id,
        "device_id": c.device_id,
        "name": c.name,
        "network": c.network,
        "village": c.village_id,
        "village_name": c.village.name if c.village_id else "",
        "grid": c.grid.code if c.grid_id else None,
        "grid_name": c.grid.name if c.grid_id else "",
        "lon": c.lon,
        "lat": c.lat,
        "address": c.address,
        "stream_kind": c.stream_kind,
        "stream_url": c.stream_url,
        "snapshot_url": c.snapshot_url,
        "owner_unit": c.owner_unit,
        "status": c.status,
        "status_label": c.get_status_display(),
    }


def _data(payload: CameraIn) -> services.CameraData:
    fields = payload.dict()
    fields.pop("jurisdiction", None)
    return services.CameraData(**fields)


@router.get("/", response=CameraPage, summary="摄像头列表（检索、筛选、分页）")
def camera_list(
    request: HttpRequest,
    q: str = "",
    village: str = "",
    grid: int | None = None,
    status: str = "",
    network: str = "",
    jurisdiction: str = "",
    page: int = 1,
    page_size: int = 50,
) -> Any:
    """Cameras the actor sees (dispatcher, leader, grid roles, officers, handlers of the town). ``q`` matches the
    name, the address or the start of the device id. ``page_size`` at most 200."""
    _require_view(request)
    from django.core.paginator import Paginator

    qs = selectors.camera_list(
        actor=_actor(request),
        q=q,
        village=village,
        grid=grid,
        status=status,
        network=network,
        jurisdiction=jurisdiction,
    )
    pager = Paginator(qs, max(1, min(page_size, 200)))
    current = pager.get_page(page)
    return {
        "items": [out(c) for c in current],
        "count": pager.count,
        "page": current.number,
        "pages": pager.num_pages,
    }


@router.post("/", response={201: CameraOut}, summary="登记摄像头")
def camera_create(request: HttpRequest, payload: CameraIn) -> Any:
    """Register a camera in a town (``jurisdiction``; administrator or dispatcher there). Errors: device_id_invalid
    (GB/T 28181: 20 digits, first 6 the county, a video type code), device_id_taken, location_invalid,
    village_invalid, grid_invalid, url_invalid, choice_invalid, permission_denied (403), town_invalid (400)."""
    camera = services.camera_create(actor=_actor(request), jurisdiction=payload.jurisdiction, data=_data(payload))
    return Status(201, out(selectors.camera_get(actor=_actor(request), pk=camera.pk)))


@router.get("/geojson", summary="摄像头图层（GeoJSON）")
def camera_geojson(request: HttpRequest, jurisdiction: str = "") -> Any:
    """Points of the cameras the actor sees, for the map layer (empty for anyone else)."""
    return selectors.camera_features(actor=_actor(request), jurisdiction=jurisdiction)


@router.get("/export", response={200: None}, summary="导出摄像头（Excel）")
def camera_export(request: HttpRequest, q: str = "", village: str = "", status: str = "") -> HttpResponse:
    _require_view(request)
    from township.cameras.views import export_response

    return export_response(selectors.camera_list(actor=_actor(request), q=q, village=village, status=status))


@router.get("/import/template", response={200: None}, summary="摄像头导入模板（Excel）")
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        services.import_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="camera-import-template.xlsx"'
    return response


class CameraImportOut(Schema):
    created: int
    updated: int


@router.post("/import", response={200: CameraImportOut, 400: dict}, summary="Excel导入摄像头")
def camera_import(request: HttpRequest, file: File[UploadedFile], jurisdiction: Form[str]) -> Any:
    """Every row or none; a known device id updates its camera. Errors: import_rows_invalid (400, ``errors``: row,
    column, message), import_header_invalid, import_file_invalid, import_empty, permission_denied (403)."""
    try:
        result = services.camera_import(actor=_actor(request), jurisdiction=jurisdiction, content=file.read())
    except services.ImportRefused as exc:
        return Status(400, exc.as_dict() | {"errors": [e.__dict__ for e in exc.errors]})
    return {"created": result.created, "updated": result.updated}


class CallOut(Schema):
    room: str
    url: str
    officer_id: int
    officer_name: str


@router.get("/call", response=CallOut, summary="与队员视频通话（房间地址）")
def video_call(request: HttpRequest, officer: int, jurisdiction: str = "") -> Any:
    """The room URL of a video call with an officer or grid worker (a standard WebRTC service such as a Jitsi
    deployment, ``TOWNSHIP_VIDEO_CALL_URL``; no media server of our own). For dispatchers and leaders of the
    officer's town. Errors: video_call_unconfigured (409), permission_denied (403), not_found (404)."""
    room = services.video_call_room(actor=_actor(request), officer_id=officer, jurisdiction=jurisdiction or None)
    return room.__dict__


@router.get("/{camera_id}", response=CameraOut, summary="摄像头详情")
def camera_detail(request: HttpRequest, camera_id: int) -> Any:
    return out(selectors.camera_get(actor=_actor(request), pk=camera_id))


@router.put("/{camera_id}", response=CameraOut, summary="修改摄像头")
def camera_update(request: HttpRequest, camera_id: int, payload: CameraIn) -> Any:
    camera = selectors.camera_get(actor=_actor(request), pk=camera_id)
    services.camera_update(actor=_actor(request), camera=camera, data=_data(payload))
    return out(selectors.camera_get(actor=_actor(request), pk=camera_id))


class SnapshotOut(Schema):
    id: int
    camera: int
    target: str
    target_id: int
    case_number: str
    attachment: int
    sha256: str
    taken_at: dt.datetime
    taken_by: str


def snapshot_out(s: Any) -> dict[str, Any]:
    return {
        "id": s.pk,
        "camera": s.camera_id,
        "target": s.target,
        "target_id": s.target_id,
        "case_number": s.case_number,
        "attachment": s.attachment_id,
        "sha256": s.sha256,
        "taken_at": s.taken_at,
        "taken_by": s.taken_by.display_name,
    }


@router.post("/{camera_id}/snapshot", response={201: SnapshotOut}, summary="抓拍为证据")
def camera_snapshot(
    request: HttpRequest,
    camera_id: int,
    target: Form[str],
    target_id: Form[int],
    image: UploadedFile | None = File(None),  # noqa: B008 - ninja's parameter marker
) -> Any:
    """Attach a snapshot (``image`` from the player canvas; without it, fetched from the camera's snapshot URL) to a
    grid event (``target=event``) or a penalty case (``target=penalty``) as evidence: SHA-256 and a timeline record
    on the case. Errors: snapshot_target_invalid (400), not_found (404), snapshot_unavailable (422), case_closed,
    attachment_type, attachment_too_large (409, from the engine), permission_denied (403)."""
    camera = selectors.camera_get(actor=_actor(request), pk=camera_id)
    snap = services.camera_snapshot_attach(
        camera=camera, actor=_actor(request), target=target, target_id=target_id, image=image
    )
    return Status(201, snapshot_out(snap))


@router.get("/{camera_id}/snapshots", response=list[SnapshotOut], summary="摄像头的抓拍记录")
def camera_snapshots(request: HttpRequest, camera_id: int) -> Any:
    camera = selectors.camera_get(actor=_actor(request), pk=camera_id)
    return [snapshot_out(s) for s in selectors.snapshot_list(camera=camera)]

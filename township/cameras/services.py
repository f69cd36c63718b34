"""Camera services (issue 15): the registry (create, update, Excel import), snapshots as evidence, video calls.

Every public function is ``<entity>_<verb>(*, …, actor)``; views and the API only call these. Snapshots are attached
through the owning apps' services (``township.grid.services.camera_evidence``,
``township.enforcement.services.camera_evidence``): the evidence, its SHA-256 and its timeline record live on the
target case; a ``Snapshot`` row keeps the camera's side.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.cameras.models import Camera, CameraNetwork, CameraStatus, Snapshot, SnapshotTarget, StreamKind
from township.core.errors import BadInput, DomainError, NotFound, PermissionRefused
from township.org.models import GRID_ROLES, Jurisdiction, Level, Role, RoleGrant, User
from township.org.scoping import has_role, reach

# Who sees the registry and plays the video: the command center, the grid force, the officers.
VIEW_ROLES = (
    Role.DISPATCHER,
    Role.LEADER,
    Role.ENFORCEMENT_OFFICER,
    Role.LEGAL_REVIEWER,
    Role.HANDLER,
    Role.ADMINISTRATOR,
    *GRID_ROLES,
)
# Who keeps the registry (adds, edits, imports): the system administrator and the command center's dispatcher.
MANAGE_ROLES = (Role.ADMINISTRATOR, Role.DISPATCHER)
# Who opens a video call with an officer, and whom they may call.
CALL_ROLES = (Role.DISPATCHER, Role.LEADER)
CALLEE_ROLES = (Role.ENFORCEMENT_OFFICER, Role.HANDLER, *GRID_ROLES)

# GB/T 28181-2016 Appendix D type codes of front-end video devices: 131 摄像机, 132 网络摄像机 (IPC); 111 DVR,
# 112 视频服务器, 113 编码器, 118 NVR (their channels are registered as cameras too).
CAMERA_TYPES = {"111", "112", "113", "118", "131", "132"}
DEVICE_ID = re.compile(r"^\d{20}$")
URL = re.compile(r"^(https?|wss?|rtsp|webrtc)://[^\s\"'<>]+$", re.I)
SNAPSHOT_MAX_BYTES = 8 * 1024 * 1024


def _refuse(code: str, message: str, field_name: str | None = None) -> DomainError:
    return DomainError(code, message, field=field_name)


def device_id_check(device_id: str, town: str) -> str:
    """A GB/T 28181 device id: 20 digits, the first 6 the county (区县) of ``town``, a video-device type code
    (digits 11–13). Returns the cleaned id or raises ``device_id_invalid`` (422, field ``device_id``)."""
    value = (device_id or "").strip()
    if not DEVICE_ID.match(value):
        raise _refuse("device_id_invalid", _("设备编码应为GB/T 28181规定的20位数字"), "device_id")
    if value[:6] != town[:6]:
        raise _refuse(
            "device_id_invalid",
            _("设备编码前6位应为所在区县的行政区划代码（%(code)s）") % {"code": town[:6]},
            "device_id",
        )
    if value[10:13] not in CAMERA_TYPES:
        raise _refuse(
            "device_id_invalid",
            _("设备编码第11–13位（类型编码）应为视频设备类型：%(types)s") % {"types": "、".join(sorted(CAMERA_TYPES))},
            "device_id",
        )
    return value


def _require(actor: User | None, town: str, roles: tuple[str, ...]) -> None:
    if not has_role(actor, town, roles):
        raise PermissionRefused("permission_denied", _("您在该单位没有执行此操作的权限"))


def _town(code: str) -> Jurisdiction:
    unit = Jurisdiction.objects.filter(pk=code).first()
    if unit is None or unit.level != Level.TOWN:
        raise BadInput("town_invalid", _("请选择乡镇（街道）"), field="jurisdiction")
    return unit


def _float(value: Any, name: str, low: float, high: float, label: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _refuse("location_invalid", _("%(label)s无效") % {"label": label}, name) from None
    if not low <= number <= high:
        raise _refuse("location_invalid", _("%(label)s超出范围") % {"label": label}, name)
    return number


def _url(value: str, name: str) -> str:
    value = (value or "").strip()
    if value and not URL.match(value):
        raise _refuse("url_invalid", _("地址格式无效，应以 http(s):// 开头"), name)
    return value[:500]


def _choice(value: str, choices: Any, default: str, name: str) -> str:
    value = (value or "").strip() or default
    if value in choices.values:
        return value
    for key, label in choices.choices:
        if value == str(label):
            return key
    raise _refuse("choice_invalid", _("取值无效：%(value)s") % {"value": value}, name)


def _village_and_grid(town: Jurisdiction, village: str, grid: str, lon: float, lat: float) -> tuple[Any, Any]:
    from township.grid.selectors import grid_public_list

    v = None
    if village:
        v = (
            Jurisdiction.objects.filter(parent=town, level=Level.VILLAGE).filter(pk=village).first()
            or Jurisdiction.objects.filter(parent=town, level=Level.VILLAGE, name=village).first()
        )
        if v is None:
            raise _refuse("village_invalid", _("村（社区）不属于该乡镇"), "village")
    g = None
    grids = grid_public_list(jurisdiction=town.code)
    if grid:
        g = grids.filter(code=grid).first()
        if g is None:
            raise _refuse("grid_invalid", _("网格编码不存在于该乡镇"), "grid")
    else:  # the smallest grid whose box holds the point
        g = (
            grids.filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)
            .order_by("-level", "code")
            .first()
        )
    if v is None and g is not None and g.village_id:
        v = g.village
    return v, g


@dataclass
class CameraData:
    device_id: str
    name: str
    lon: Any
    lat: Any
    village: str = ""
    grid: str = ""
    address: str = ""
    network: str = ""
    stream_kind: str = ""
    stream_url: str = ""
    snapshot_url: str = ""
    owner_unit: str = ""
    status: str = ""


def _clean(data: CameraData, town: Jurisdiction) -> dict[str, Any]:
    name = (data.name or "").strip()
    if not name:
        raise _refuse("name_required", _("请填写名称"), "name")
    lon = _float(data.lon, "lon", 73, 136, _("经度"))
    lat = _float(data.lat, "lat", 3, 54, _("纬度"))
    village, grid = _village_and_grid(town, (data.village or "").strip(), (data.grid or "").strip(), lon, lat)
    return {
        "device_id": device_id_check(data.device_id, town.code),
        "name": name[:100],
        "lon": lon,
        "lat": lat,
        "village": village,
        "grid": grid,
        "address": (data.address or "").strip()[:200],
        "network": _choice(data.network, CameraNetwork, CameraNetwork.SHARP_EYES, "network"),
        "stream_kind": _choice(data.stream_kind, StreamKind, StreamKind.HLS, "stream_kind"),
        "stream_url": _url(data.stream_url, "stream_url"),
        "snapshot_url": _url(data.snapshot_url, "snapshot_url"),
        "owner_unit": (data.owner_unit or "").strip()[:100],
        "status": _choice(data.status, CameraStatus, CameraStatus.ONLINE, "status"),
    }


@transaction.atomic
def camera_create(*, actor: User | None, jurisdiction: str, data: CameraData) -> Camera:
    """Register a camera in a town. Errors: permission_denied (403), town_invalid (400), device_id_invalid,
    device_id_taken, name_required, location_invalid, village_invalid, grid_invalid, url_invalid, choice_invalid."""
    town = _town(jurisdiction)
    _require(actor, town.code, MANAGE_ROLES)
    values = _clean(data, town)
    if Camera.objects.filter(jurisdiction=town, device_id=values["device_id"]).exists():
        raise _refuse("device_id_taken", _("该设备编码已登记"), "device_id")
    return Camera.objects.create(jurisdiction=town, **values)


@transaction.atomic
def camera_update(*, actor: User | None, camera: Camera, data: CameraData) -> Camera:
    """Change a camera (same errors as ``camera_create``)."""
    _require(actor, camera.jurisdiction_id, MANAGE_ROLES)
    values = _clean(data, camera.jurisdiction)
    if (
        Camera.objects.filter(jurisdiction_id=camera.jurisdiction_id, device_id=values["device_id"])
        .exclude(pk=camera.pk)
        .exists()
    ):
        raise _refuse("device_id_taken", _("该设备编码已登记"), "device_id")
    for key, value in values.items():
        setattr(camera, key, value)
    camera.save()
    return camera


# --- Excel import -----------------------------------------------------------------------------------------------

COLUMNS = (
    "设备编码",
    "名称",
    "经度",
    "纬度",
    "村（社区）",
    "网格编码",
    "安装位置",
    "所属系统",
    "流类型",
    "视频流地址",
    "抓图地址",
    "权属单位",
    "状态",
)
_KEYS = (
    "device_id",
    "name",
    "lon",
    "lat",
    "village",
    "grid",
    "address",
    "network",
    "stream_kind",
    "stream_url",
    "snapshot_url",
    "owner_unit",
    "status",
)
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


class ImportRefused(DomainError):
    """The file was refused as a whole; ``errors`` lists every row error."""

    status = 400

    def __init__(self, errors: list[RowError]) -> None:
        first = errors[0]
        super().__init__(
            "import_rows_invalid",
            _("导入文件有 %(n)s 处错误，未导入任何记录（第%(row)s行“%(col)s”：%(msg)s）")
            % {"n": len(errors), "row": first.row, "col": first.column, "msg": first.message},
            field="file",
        )
        self.errors = errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read(content: bytes) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable upload is the same refusal
        raise DomainError(
            "import_file_invalid", _("无法读取该文件，请使用下载的Excel模板（.xlsx）"), field="file"
        ) from exc
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    if header[: len(COLUMNS)] != list(COLUMNS):
        raise DomainError(
            "import_header_invalid", _("表头与模板不一致，应为：%(cols)s") % {"cols": "、".join(COLUMNS)}, field="file"
        )
    out = []
    for number, values in enumerate(rows, start=2):
        cells = [_text(v) for v in (values or ())][: len(COLUMNS)]
        if not any(cells):
            continue
        cells += [""] * (len(COLUMNS) - len(cells))
        out.append((number, dict(zip(_KEYS, cells, strict=True))))
        if len(out) > MAX_ROWS:
            raise DomainError(
                "import_too_many_rows", _("一次最多导入%(n)s行，请分批导入") % {"n": MAX_ROWS}, field="file"
            )
    if not out:
        raise DomainError("import_empty", _("文件中没有数据行"), field="file")
    return out


def import_template_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = str(_("摄像头登记"))
    ws.append(list(COLUMNS))
    ws.append(
        [
            "13092610001320000001",
            "尚村镇政府门口",
            "116.05",
            "38.35",
            "",
            "",
            "镇政府大门",
            "雪亮工程",
            "HLS",
            "https://video.example/live/1.m3u8",
            "",
            "肃宁县公安局",
            "在线",
        ]
    )
    for cell in ws["A"]:
        cell.number_format = "@"  # a 20-digit code must not become a number
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


@transaction.atomic
def camera_import(*, actor: User | None, jurisdiction: str, content: bytes) -> ImportResult:
    """Excel 导入 (columns ``COLUMNS``): every row or none. A known device id updates its camera. Errors:
    import_rows_invalid (400, with ``errors``), import_header_invalid, import_file_invalid, import_empty,
    permission_denied (403)."""
    town = _town(jurisdiction)
    _require(actor, town.code, MANAGE_ROLES)
    rows = _read(content)
    col = dict(zip(_KEYS, COLUMNS, strict=True))
    errors: list[RowError] = []
    cleaned: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        try:
            values = _clean(CameraData(**row), town)
        except DomainError as exc:
            errors.append(RowError(number, col.get(exc.field or "", ""), exc.message))
            continue
        if values["device_id"] in seen:
            errors.append(
                RowError(number, col["device_id"], _("与第%(row)s行设备编码重复") % {"row": seen[values["device_id"]]})
            )
            continue
        seen[values["device_id"]] = number
        cleaned.append(values)
    if errors:
        raise ImportRefused(errors)
    existing = {c.device_id: c for c in Camera.objects.filter(jurisdiction=town, device_id__in=list(seen))}
    new = [Camera(jurisdiction=town, **v) for v in cleaned if v["device_id"] not in existing]
    Camera.objects.bulk_create(new, batch_size=500)
    updated = 0
    for values in cleaned:
        camera = existing.get(values["device_id"])
        if camera is not None:
            for key, value in values.items():
                setattr(camera, key, value)
            camera.save()
            updated += 1
    return ImportResult(created=len(new), updated=updated)


# --- snapshots as evidence --------------------------------------------------------------------------------------


def _fetch_snapshot(url: str) -> bytes:
    """GET the camera's snapshot URL (short timeout, size limit). Replaced in tests."""
    if not url.lower().startswith(("http://", "https://")):
        raise _refuse("snapshot_unavailable", _("抓图地址须为 http(s) 地址"), "image")
    request = urllib.request.Request(url, headers={"User-Agent": "township-cameras"})  # noqa: S310 - http(s) only
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - URL checked at registration
            data = response.read(SNAPSHOT_MAX_BYTES + 1)
    except Exception as exc:  # noqa: BLE001 - any network failure is the same refusal
        raise _refuse("snapshot_unavailable", _("无法从摄像头获取抓图，请在播放画面中抓拍后上传"), "image") from exc
    if len(data) > SNAPSHOT_MAX_BYTES:
        raise _refuse("snapshot_unavailable", _("抓图过大"), "image")
    return data


@transaction.atomic
def camera_snapshot_attach(
    *,
    camera: Camera,
    actor: User,
    target: str,
    target_id: int,
    image: Any = None,
    taken_at: datetime | None = None,
) -> Snapshot:
    """抓拍为证据: attach a snapshot of ``camera`` (the uploaded ``image``, else fetched from its snapshot URL) to a
    grid event or a penalty case the actor may see, with its SHA-256 and a timeline record on that case.

    Errors: snapshot_target_invalid (400), not_found (404: the target is outside the actor's reach),
    snapshot_unavailable, permission_denied (403), case_closed, attachment_type, attachment_too_large."""
    taken_at = taken_at or timezone.now()
    if image is None:
        if not camera.snapshot_url:
            raise _refuse("snapshot_unavailable", _("该摄像头未配置抓图地址，请在播放画面中抓拍后上传"), "image")
        image = SimpleUploadedFile(f"{camera.device_id}.jpg", _fetch_snapshot(camera.snapshot_url))
    place = f"{camera.name}（{camera.address or camera.device_id}，{camera.lon:.6f},{camera.lat:.6f}）"
    if target == SnapshotTarget.EVENT:
        from township.grid.selectors import event_get
        from township.grid.services.camera_evidence import event_camera_snapshot_attach

        event = event_get(actor=actor, pk=target_id)
        if event.jurisdiction_id != camera.jurisdiction_id:
            raise NotFound()
        attachment = event_camera_snapshot_attach(
            event=event,
            actor=actor,
            image=image,
            camera_name=camera.name,
            device_id=camera.device_id,
            taken_at=taken_at,
            lon=camera.lon,
            lat=camera.lat,
        )
        number, attachment_id, sha = event.case.number, attachment.pk, attachment.sha256
    elif target == SnapshotTarget.PENALTY:
        from township.enforcement.selectors import penalty_case_get
        from township.enforcement.services.camera_evidence import penalty_camera_snapshot_attach

        pc = penalty_case_get(actor=actor, pk=target_id)
        if pc.jurisdiction_id != camera.jurisdiction_id:
            raise NotFound()
        evidence = penalty_camera_snapshot_attach(
            penalty_case=pc,
            actor=actor,
            image=image,
            camera_name=camera.name,
            device_id=camera.device_id,
            place=place,
            taken_at=taken_at,
        )
        number, attachment_id, sha = pc.case.number, int(evidence.attachment_id or 0), evidence.sha256
    else:
        raise BadInput("snapshot_target_invalid", _("请选择网格事件或执法案件"), field="target")
    return Snapshot.objects.create(
        jurisdiction_id=camera.jurisdiction_id,
        camera=camera,
        target=target,
        target_id=target_id,
        case_number=number,
        attachment_id=attachment_id,
        sha256=sha,
        taken_at=taken_at,
        taken_by=actor,
    )


# --- video calls ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallRoom:
    room: str
    url: str
    officer_id: int
    officer_name: str


def video_call_room(*, actor: User, officer_id: int, jurisdiction: str | None = None) -> CallRoom:
    """The room of a video call between ``actor`` (dispatcher, leader) and an officer of a town the actor watches,
    on the configured WebRTC service (``settings.TOWNSHIP_VIDEO_CALL_URL``, ``{room}`` replaced). The room name
    is a keyed hash (not guessable), the same for the pair all day. Errors: video_call_unconfigured (409),
    permission_denied (403), not_found (404)."""
    template = str(getattr(settings, "TOWNSHIP_VIDEO_CALL_URL", "") or "")
    if not template:
        exc = DomainError("video_call_unconfigured", _("未配置视频通话服务（TOWNSHIP_VIDEO_CALL_URL）"))
        exc.status = 409
        raise exc
    towns = sorted(reach(actor, CALL_ROLES).codes)
    if jurisdiction:
        towns = [t for t in towns if t == jurisdiction]
    if not towns:
        raise PermissionRefused("permission_denied", _("只有指挥中心调度员和领导可以发起视频通话"))
    grant = (
        RoleGrant.objects.filter(user_id=officer_id, role__in=CALLEE_ROLES, user__is_active=True)
        .filter(jurisdiction_id__in=towns)
        .select_related("user")
        .first()
    )
    if grant is None:
        grant = (
            RoleGrant.objects.filter(user_id=officer_id, role__in=CALLEE_ROLES, user__is_active=True)
            .filter(jurisdiction__parent_id__in=towns)
            .select_related("user")
            .first()
        )
    if grant is None:
        raise NotFound()
    day = timezone.localdate().isoformat()
    key = str(settings.SECRET_KEY).encode()
    token = hmac.new(key, f"{actor.pk}:{officer_id}:{day}".encode(), hashlib.sha256).hexdigest()[:16]
    room = f"township-{grant.jurisdiction_id}-{token}"
    return CallRoom(
        room=room,
        url=template.replace("{room}", room),
        officer_id=officer_id,
        officer_name=grant.user.display_name,
    )

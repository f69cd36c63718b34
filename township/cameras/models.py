"""Cameras of 天网 / 雪亮工程 on the grid (issue 15): a registry per town, grid and village, and the snapshots
taken from them as evidence.

Device ids follow GB/T 28181-2016 Appendix D (20 digits: center code 8 = division 6 + unit 2, industry 2, type 3,
network 1, serial 6); ``township.cameras.services.device_id_check`` validates them. Business rows carry the tenant
key ``jurisdiction`` (the town).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.tenancy import JurisdictionScoped


class CameraNetwork(models.TextChoices):
    SKYNET = "skynet", _("天网工程")
    SHARP_EYES = "sharp_eyes", _("雪亮工程")
    OTHER = "other", _("其他")


class StreamKind(models.TextChoices):
    HLS = "hls", _("HLS")
    WEBRTC = "webrtc", _("WebRTC")


class CameraStatus(models.TextChoices):
    ONLINE = "online", _("在线")
    OFFLINE = "offline", _("离线")
    FAULT = "fault", _("故障")


class Camera(JurisdictionScoped):
    """A camera: where it is, how its video is played and who owns it."""

    device_id = models.CharField(_("设备编码"), max_length=20, help_text=_("GB/T 28181 20位编码"))
    name = models.CharField(_("名称"), max_length=100)
    network = models.CharField(
        _("所属系统"), max_length=16, choices=CameraNetwork.choices, default=CameraNetwork.SHARP_EYES
    )
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "grid.Grid", verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lon = models.FloatField(_("经度（WGS-84）"))
    lat = models.FloatField(_("纬度（WGS-84）"))
    address = models.CharField(_("安装位置"), max_length=200, blank=True)
    stream_kind = models.CharField(_("流类型"), max_length=8, choices=StreamKind.choices, default=StreamKind.HLS)
    stream_url = models.CharField(_("视频流地址"), max_length=500, blank=True)
    snapshot_url = models.CharField(_("抓图地址"), max_length=500, blank=True)
    owner_unit = models.CharField(_("权属单位"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=CameraStatus.choices, default=CameraStatus.ONLINE)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["jurisdiction_id", "device_id"]
        verbose_name = _("摄像头")
        verbose_name_plural = _("摄像头")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "device_id"], name="cameras_camera_unique_device")
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "village", "id"], name="cameras_camera_village"),
            models.Index(fields=["jurisdiction", "grid"], name="cameras_camera_grid"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.device_id}）"


class SnapshotTarget(models.TextChoices):
    EVENT = "event", _("网格事件")
    PENALTY = "penalty", _("执法案件")


class Snapshot(JurisdictionScoped):
    """A snapshot taken from a camera and attached as evidence: the camera's side of the record (the evidence and
    its timeline record live on the target case)."""

    camera = models.ForeignKey(Camera, verbose_name=_("摄像头"), on_delete=models.PROTECT, related_name="snapshots")
    target = models.CharField(_("取证对象"), max_length=8, choices=SnapshotTarget.choices)
    target_id = models.BigIntegerField(_("对象编号"))
    case_number = models.CharField(_("案件编号"), max_length=64, blank=True)
    attachment_id = models.BigIntegerField(_("附件编号"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    taken_at = models.DateTimeField(_("抓拍时间"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抓拍人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = _("抓拍记录")
        verbose_name_plural = _("抓拍记录")
        indexes = [models.Index(fields=["jurisdiction", "camera", "taken_at"], name="cameras_snapshot_camera")]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.sha256[:12]}"

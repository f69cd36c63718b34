"""The 下载中心: one row per export a user asked for (issue 16, item 6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.tenancy import JurisdictionScoped


class ExportJob(JurisdictionScoped):
    """An export of one list, built in the background (large) or at once (small), kept until ``expires_at``.

    ``params`` holds the list's filter exactly as the page showed it; the rows are read again, as ``user``, when the
    job is built, so the file never holds more than the user may see at that time. ``cursor`` and ``part_bytes``
    let the worker resume a half-built job (the rows written so far are in ``<file>.part``).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("排队")
        RUNNING = "running", _("生成中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("导出类型"), max_length=64)
    label = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    total = models.PositiveIntegerField(_("预计行数"), null=True, blank=True)
    cursor = models.CharField(_("续写位置"), max_length=200, blank=True, default="")
    part_bytes = models.BigIntegerField(_("已写字节"), default=0)
    unmasked = models.BooleanField(_("含未脱敏数据"), default=False)
    file = models.CharField(_("文件"), max_length=300, blank=True, default="")
    size = models.BigIntegerField(_("文件大小"), default=0)
    error = models.TextField(_("错误"), blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)
    purged = models.BooleanField(_("文件已删除"), default=False)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        indexes = [
            models.Index(fields=["user", "-id"], name="downloads_job_user"),
            models.Index(fields=["state", "id"], name="downloads_job_state"),
        ]

    def __str__(self) -> str:
        return f"{self.label} #{self.pk}"

    @property
    def filename(self) -> str:
        stamp = self.created_at.strftime("%Y%m%d%H%M") if self.created_at else ""
        return f"{self.kind.replace('.', '-')}-{stamp}-{self.pk}.xlsx"

"""What the field app stores on the server: the idempotency key of each submission a device sent (a report or a
piece of evidence), so that a queue flushed twice creates one event (or one evidence) per key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.tenancy import JurisdictionScoped


class Submission(JurisdictionScoped):
    """One submission from a device's offline queue, by its client-generated key (unique per unit)."""

    class Kind(models.TextChoices):
        REPORT = "report", _("事件上报")
        EVIDENCE = "evidence", _("现场取证")

    key = models.CharField(_("幂等键"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    device_time = models.DateTimeField(_("设备时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("外勤提交")
        verbose_name_plural = _("外勤提交")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "key"], name="field_submission_unique_key")]
        indexes = [models.Index(fields=["user", "key"], name="field_submission_user_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"

"""Credit entries (信用记录): false commitments, blacklistings, penalty decisions, positive records.

The foundation of the credit capability (SPEC §3.8): who wrote what about which subject, when,
why, from which case, valid until when, and whether it was repaired (信用修复). Each entry carries
the writer's tenant key (``jurisdiction``); readers such as approval look across jurisdictions
because a subject's credit is the same everywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.core.tenancy import JurisdictionScoped


class CreditKind(models.TextChoices):
    FALSE_COMMITMENT = "false_commitment", _("虚假承诺")
    BLACKLIST = "blacklist", _("严重失信主体名单")
    PENALTY = "penalty", _("行政处罚")
    POSITIVE = "positive", _("守信激励")

    @classmethod
    def negative(cls) -> tuple[str, ...]:
        return (cls.FALSE_COMMITMENT, cls.BLACKLIST, cls.PENALTY)


class CreditRecord(JurisdictionScoped):
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="credit_records"
    )
    kind = models.CharField(_("类别"), max_length=24, choices=CreditKind.choices)
    reason = models.TextField(_("事由"))
    source_app = models.CharField(_("来源业务"), max_length=32, blank=True, help_text=_("如 approval / enforcement"))
    source_case = models.ForeignKey(
        "cases.Case", verbose_name=_("来源案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_number = models.CharField(_("来源编号"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("空表示长期有效"))
    repaired_at = models.DateTimeField(_("信用修复时间"), null=True, blank=True)
    repaired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修复经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    repair_reason = models.TextField(_("修复理由"), blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        indexes = [
            models.Index(fields=["subject", "kind", "valid_from"], name="credit_subject_kind"),
            models.Index(fields=["jurisdiction", "recorded_at", "id"], name="credit_jur_recorded"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject_id}"

    def is_active(self, on=None) -> bool:  # type: ignore[no-untyped-def]
        """In force on ``on`` (default today, Asia/Shanghai): started, not expired, not repaired."""
        day = on or timezone.localdate()
        if self.valid_from > day:
            return False
        if self.valid_until is not None and self.valid_until < day:
            return False
        return not (self.repaired_at is not None and timezone.localtime(self.repaired_at).date() <= day)

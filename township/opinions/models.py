"""社情民意 (public opinion items): what is collected, from whom, by which channel, and how it ended.

The state lives only on the engine's ``Case``; ``Opinion`` holds the domain facts. The reporter's phone is SM4
encrypted at rest with a keyed blind index (个人信息保护法: minimum necessary), shown masked everywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from township.core.identifiers import mask_name, mask_phone
from township.core.tenancy import JurisdictionScoped


class Channel(models.TextChoices):
    VILLAGE_AGENT = "village_agent", _("村代办员收集")
    GRID = "grid", _("网格员收集")
    WINDOW = "window", _("便民服务中心窗口")
    PORTAL = "portal", _("门户网站（群众提交）")


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", _("意见建议")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("反映情况")


class Category(models.TextChoices):
    LIVELIHOOD = "livelihood", _("民生诉求")
    SUGGESTION = "suggestion", _("意见建议")
    DISPUTE = "dispute", _("矛盾纠纷")
    POLICY = "policy", _("政策咨询")
    SAFETY = "safety", _("安全隐患")
    OTHER = "other", _("其他")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("已答复")
    FORWARDED = "forwarded", _("已转办")
    ARCHIVED = "archived", _("已存档")


class Opinion(JurisdictionScoped, BlindIndexedModel):
    case = models.OneToOneField("cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="opinion")
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("收集渠道"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.REPORT)
    category = models.CharField(_("分类"), max_length=16, choices=Category.choices, blank=True)
    title = models.CharField(_("标题"), max_length=120)
    content = models.TextField(_("内容"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    reporter_name = models.CharField(_("反映人"), max_length=64, blank=True)
    reporter_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)  # SM4 at rest
    reporter_phone_index = BlindIndexField(_("联系电话索引"), source="reporter_phone")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交群众账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收集人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    collected_at = models.DateTimeField(_("收集时间"))
    track_code = models.CharField(_("查询码"), max_length=16, unique=True)
    # How it ended (every item ends with one): the kind, the public reply and the internal record.
    outcome = models.CharField(_("办理结果"), max_length=16, choices=Outcome.choices, blank=True)
    public_reply = models.TextField(_("答复内容（群众可见）"), blank=True)
    internal_note = models.TextField(_("内部意见（不公开）"), blank=True)
    forwarded_type = models.CharField(_("转办类型"), max_length=32, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("研判人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        ordering = ["-collected_at", "-id"]
        verbose_name = _("社情民意")
        verbose_name_plural = _("社情民意")
        indexes = [
            models.Index(fields=["jurisdiction", "-collected_at"], name="opinion_jur_collected"),
            models.Index(fields=["jurisdiction", "category"], name="opinion_jur_category"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.title}" if self.case_id else self.title

    @property
    def reporter_masked(self) -> str:
        if self.anonymous or not self.reporter_name:
            return str(_("匿名"))
        return mask_name(self.reporter_name)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.reporter_phone) if self.reporter_phone else ""


class Notice(JurisdictionScoped):
    """A message to the reporter (答复, 转办告知): shown on the public tracking page; never an internal note."""

    opinion = models.ForeignKey(Opinion, verbose_name=_("社情民意"), on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("答复通知")
        verbose_name_plural = _("答复通知")

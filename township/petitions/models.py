"""信访事项 (信访工作条例 2022): the item, its petitioners, its written documents, recusals, the access log and the
notices sent to the petitioner. The state lives on ``cases.Case`` only (the engine); these are the domain facts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from township.core.identifiers import mask_name, mask_phone, mask_resident_id
from township.core.tenancy import JurisdictionScoped


class Channel(models.TextChoices):
    """信访形式 (Art 17): 网络、书信、电话、传真、走访; plus the leaders' mailbox and items from above."""

    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    ONLINE = "online", _("网上信访")
    PHONE = "phone", _("电话")
    MAILBOX = "mailbox", _("领导信箱")
    FROM_ABOVE = "from_above", _("上级转送/交办")
    FORWARDED = "forwarded", _("本镇其他渠道转入")


class Source(models.TextChoices):
    """Direct submission, or an item sent by a higher body (Art 22, 23)."""

    DIRECT = "direct", _("直接提出")
    TRANSFERRED = "transferred", _("上级转送")
    ASSIGNED = "assigned", _("上级交办")


class Category(models.TextChoices):
    """Three handling classes of Art 29–31, plus 其他."""

    CLAIM = "claim", _("申诉求决类")
    SUGGESTION = "suggestion", _("建议意见类")
    ACCUSATION = "accusation", _("检举揭发类")
    OTHER = "other", _("其他")


class Level(models.TextChoices):
    ORIGINAL = "original", _("初次办理")
    REVIEW = "review", _("复查")
    RE_REVIEW = "re_review", _("复核")


class Outcome(models.TextChoices):
    """Art 32: 支持 / 解释说明 / 不予支持 (复查、复核: 维持 / 撤销 / 变更)."""

    SUPPORT = "support", _("支持")
    EXPLAIN = "explain", _("解释说明")
    REJECT = "reject", _("不予支持")
    UPHOLD = "uphold", _("维持")
    REVOKE = "revoke", _("撤销")
    CHANGE = "change", _("变更")


class Petition(JurisdictionScoped):
    case = models.OneToOneField("cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="petition")
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("信访形式"), max_length=16, choices=Channel.choices)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.DIRECT)
    sender_body = models.CharField(_("转送/交办机关"), max_length=100, blank=True)
    sender_deadline = models.DateField(_("交办要求办结期限"), null=True, blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    title = models.CharField(_("信访事项"), max_length=200)
    matter_key = models.CharField(_("事项识别码"), max_length=200, db_index=True)
    description = models.TextField(_("事实和理由"), blank=True)
    request = models.TextField(_("信访请求"), blank=True)
    anonymous = models.BooleanField(_("匿名或姓名住址不清"), default=False)
    urgent = models.BooleanField(_("重大紧急"), default=False)
    accused_name = models.CharField(_("被检举人/单位"), max_length=100, blank=True)
    accused_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("被检举部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accused_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被检举人（本系统用户）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handling_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    petitioner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("信访人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    follow_code = models.CharField(_("查询码"), max_length=16, unique=True)
    received_at = models.DateTimeField(_("收到时间"))
    level = models.CharField(_("办理层级"), max_length=16, choices=Level.choices, default=Level.ORIGINAL)
    outcome = models.CharField(_("处理意见"), max_length=16, choices=Outcome.choices, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    objection_reason = models.TextField(_("异议理由"), blank=True)
    transfer_to = models.CharField(_("转送/交办至"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        indexes = [models.Index(fields=["jurisdiction", "category", "id"], name="petition_jur_cat")]

    def __str__(self) -> str:
        return self.title


class Petitioner(BlindIndexedModel, JurisdictionScoped):
    """One petitioner of an item (several for a joint or group item; Art 20: ≤ 5 representatives)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="petitioners")
    name = models.CharField(_("姓名/名称"), max_length=64)
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    phone_index = BlindIndexField(_("电话索引"), source="phone", db_index=True)
    resident_id = EncryptedCharField(_("身份证号"), max_length=18, blank=True)
    resident_id_index = BlindIndexField(_("身份证号索引"), source="resident_id", db_index=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("信访人")
        verbose_name_plural = _("信访人")

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_resident_id(self) -> str:
        return mask_resident_id(self.resident_id)


class DocKind(models.TextChoices):
    ACCEPT = "accept", _("受理告知书")
    REFUSE = "refuse", _("不予受理告知书")
    TRANSFER = "transfer", _("转送告知书")
    OBJECTION = "objection", _("异议函")
    EXTENSION = "extension", _("延期办理告知书")
    OPINION = "opinion", _("信访处理意见书")
    REVIEW = "review", _("复查意见书")
    RE_REVIEW = "re_review", _("复核意见书")


class PetitionDocument(JurisdictionScoped):
    """A written document of the item, sealed with the unit's SM2 key (public verification code)."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("文书"), max_length=16, choices=DocKind.choices)
    number = models.CharField(_("文号"), max_length=64)
    title = models.CharField(_("标题"), max_length=100)
    addressee = models.CharField(_("收件人"), max_length=100, blank=True)
    paragraphs = models.JSONField(_("正文"), default=list)
    issued_on = models.DateField(_("日期"))
    sealed = models.ForeignKey(
        "certificates.SealedDocument", verbose_name=_("电子签章"), on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("出具单位"), max_length=100)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    delivery_method = models.CharField(_("送达方式"), max_length=32, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("出具时间"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("信访文书")
        verbose_name_plural = _("信访文书")

    def __str__(self) -> str:
        return f"{self.title} {self.number}"


class Recusal(JurisdictionScoped):
    """回避 (Art 46): a staff member with a direct interest neither sees nor handles the item."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="recusals")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回避人员"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("回避理由"), max_length=300)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(_("声明时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回避声明")
        verbose_name_plural = _("回避声明")
        constraints = [models.UniqueConstraint(fields=["petition", "user"], name="petitions_recusal_once")]


class AccessKind(models.TextChoices):
    VIEW = "view", _("查看页面")
    API = "api", _("接口读取")
    DOCUMENT = "document", _("下载文书")
    EXPORT = "export", _("导出列表")
    ACT = "act", _("办理")


class AccessLog(JurisdictionScoped):
    """Every access to an item: who, when, what (Art 46(5) 保密; shown to the head and the auditor)."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    kind = models.CharField(_("操作"), max_length=16, choices=AccessKind.choices)
    detail = models.CharField(_("内容"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("信访查阅记录")
        verbose_name_plural = _("信访查阅记录")
        indexes = [models.Index(fields=["jurisdiction", "-at"], name="petition_access_at")]


class PetitionNotice(JurisdictionScoped):
    """A reply or notice sent to the petitioner (in-app message to the account, or shown under the 查询码)."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("信访回复通知")
        verbose_name_plural = _("信访回复通知")

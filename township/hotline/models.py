"""12345 hotline work orders (12345工单, DOMAIN2 §2): the order record beside its case, the per-locality period
settings (DOMAIN2 §2.3), the responsibility list (事项清单, rule 7), 回访 records and Excel import jobs.

The state, clock and timeline of an order live on its ``cases.Case`` (the engine); this app keeps only the facts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from township.core.tenancy import JurisdictionScoped


class Kind(models.TextChoices):
    """诉求类型 (the caller's request type, as in hotline exports)."""

    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Channel(models.TextChoices):
    OPERATOR = "operator", _("话务受理")
    API = "api", _("接口推送")
    IMPORT = "import", _("工单导入")
    FORWARDED = "forwarded", _("社情民意转办")


class Level(models.TextChoices):
    """Which level owns a matter (事项清单)."""

    COUNTY = "county", _("县级部门")
    TOWN = "town", _("乡镇")
    VILLAGE = "village", _("村（社区）")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ClockUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    NATURAL_DAYS = "natural_days", _("自然日")
    WORKING_HOURS = "working_hours", _("工作小时")
    NATURAL_HOURS = "natural_hours", _("小时（连续计算）")


class DutyItem(JurisdictionScoped):
    """One line of the town's responsibility list (事项清单): which level owns a matter category.

    Dispatching an order of a county-level matter to the town's units, or a matter not listed for villages to a
    village, is refused (潍坊 Art 24; 北京 Art 17)."""

    matter = models.CharField(_("事项分类"), max_length=40)
    level = models.CharField(_("责任层级"), max_length=12, choices=Level.choices)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("事项清单")
        verbose_name_plural = _("事项清单")
        ordering = ["jurisdiction_id", "matter"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "matter"], name="hotline_duty_unique")]

    def __str__(self) -> str:
        return f"{self.matter}（{self.get_level_display()}）"


class PeriodSetting(JurisdictionScoped):
    """The periods of one locality × 诉求类型 × 紧急程度 (blank = any); the most specific row wins, then the
    defaults of DOMAIN2 §2.3 (``township.hotline.periods.DEFAULTS``)."""

    kind = models.CharField(_("诉求类型"), max_length=12, choices=Kind.choices, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, blank=True)
    instant_answer = models.BooleanField(_("允许即时答复"), default=True)
    dispatch_hours = models.PositiveSmallIntegerField(_("派单时限（工作小时）"), default=2)
    sign_hours = models.PositiveSmallIntegerField(_("签收时限（工作小时）"), default=2)
    return_hours = models.PositiveSmallIntegerField(_("退回时限（工作小时）"), default=16)
    handle_amount = models.PositiveSmallIntegerField(_("办结时限"), default=5)
    handle_unit = models.CharField(
        _("办结时限单位"), max_length=16, choices=ClockUnit.choices, default=ClockUnit.WORKING_DAYS
    )
    statutory_days = models.PositiveSmallIntegerField(
        _("法定办理期限（工作日）"), null=True, blank=True, help_text=_("法律法规规定的期限更长的，从其规定")
    )
    extension_max_days = models.PositiveSmallIntegerField(_("延期上限（工作日）"), default=10)
    extension_max_count = models.PositiveSmallIntegerField(_("延期次数上限"), default=1)
    callback_days = models.PositiveSmallIntegerField(_("回访时限（工作日）"), default=1)
    max_rework = models.PositiveSmallIntegerField(_("重办次数上限"), default=2)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("办理时限设置")
        verbose_name_plural = _("办理时限设置")
        ordering = ["jurisdiction_id", "kind", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "kind", "urgency"], name="hotline_period_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display() or '全部'}/{self.get_urgency_display() or '全部'}"


class ImportJob(JurisdictionScoped):
    """An Excel import of a hotline export, run as a background job (``manage.py worker``) with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        WRITING = "writing", _("写入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入（有错误）")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("全部正确才导入")
        VALID_ONLY = "valid", _("仅导入正确的行")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT)
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"))
    mode = models.CharField(_("导入方式"), max_length=8, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    validated = models.PositiveIntegerField(_("已校验"), default=0)
    written = models.PositiveIntegerField(_("已写入"), default=0)
    created_count = models.PositiveIntegerField(_("新建工单数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("行错误"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工单导入")
        verbose_name_plural = _("工单导入")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="hotline_job_status")]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        """Progress: validation is the first half, writing the second (all-or-nothing runs both)."""
        if self.status in (self.Status.DONE, self.Status.FAILED):
            return 100
        if not self.total:
            return 0
        return min(99, int(50 * self.validated / self.total + 50 * self.written / self.total))


class Order(BlindIndexedModel, JurisdictionScoped):
    """A 12345 work order (12345工单). State, 办理时限 and timeline live on ``case``."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="hotline_order")
    village = models.ForeignKey(
        "org.Jurisdiction",
        verbose_name=_("所属村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    external_no = models.CharField(_("工单编号"), max_length=40, blank=True)
    channel = models.CharField(_("来源"), max_length=12, choices=Channel.choices, default=Channel.OPERATOR)
    called_at = models.DateTimeField(_("来电时间"))
    caller_name = models.CharField(_("来电人"), max_length=40, blank=True)
    caller_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)  # SM4 at rest
    caller_phone_index = BlindIndexField(source="caller_phone", db_index=True)
    kind = models.CharField(_("诉求类型"), max_length=12, choices=Kind.choices, default=Kind.CONSULT)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    matter = models.CharField(_("事项分类"), max_length=40, blank=True)
    content = models.TextField(_("诉求内容"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # dispatch (派单): the lead unit is a department of the town or a village; assisting departments are the
    # engine's assignments (role assist)
    lead_department = models.ForeignKey(
        "org.Department", verbose_name=_("承办部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_village = models.ForeignKey(
        "org.Jurisdiction",
        verbose_name=_("承办村（社区）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    designated = models.BooleanField(_("指定承办"), default=False)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    first_dispatched_at = models.DateTimeField(_("首次派单时间"), null=True, blank=True)
    sign_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_in_time = models.BooleanField(_("按时签收"), null=True, blank=True)
    return_until = models.DateTimeField(_("可退回至"), null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("申请延期天数"), default=0)
    reply = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    instant = models.BooleanField(_("即时答复"), default=False)
    rework_rounds = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    resolved = models.BooleanField(_("问题已解决"), null=True, blank=True)
    import_job = models.ForeignKey(
        ImportJob, verbose_name=_("导入批次"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("12345工单")
        verbose_name_plural = _("12345工单")
        ordering = ["-called_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "external_no"],
                condition=~models.Q(external_no=""),
                name="hotline_order_external_no_unique",
            )
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "called_at"], name="hotline_order_called"),
            models.Index(fields=["jurisdiction", "lead_department"], name="hotline_order_dept"),
        ]

    def __str__(self) -> str:
        return self.external_no or str(self.case_id)

    @property
    def lead_unit_name(self) -> str:
        if self.lead_department_id:
            return self.lead_department.name  # type: ignore[union-attr]
        if self.lead_village_id:
            return self.lead_village.name  # type: ignore[union-attr]
        return ""


class Callback(JurisdictionScoped):
    """One 回访 of an order (after 办结): satisfaction and whether the problem was resolved."""

    order = models.ForeignKey(Order, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="callbacks")
    at = models.DateTimeField(_("回访时间"))
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=0)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices)
    resolved = models.BooleanField(_("问题已解决"), default=True)
    note = models.CharField(_("回访记录"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回访人"), null=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["order_id", "at"]
        indexes = [models.Index(fields=["jurisdiction", "at"], name="hotline_callback_at")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.satisfaction}"

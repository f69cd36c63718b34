"""Approval domain records. The state lives on ``cases.Case``; these rows hold the domain facts.

- ``Application``: one applied item (or a bundle parent, "一件事"), pinned to the catalog ItemVersion it
  was filed under, with channel, agent, acceptance mode (normal / 容缺 / 告知承诺) and decision.
- ``ApplicationMaterial``: what was provided for each required material (upload, library reuse, paper).
- ``SupplementNotice``: the one-time notice of everything missing (一次性告知 / 补正).
- ``VerificationTask``: post-approval check of a 告知承诺 pledge (interface for enforcement).
- ``Notification``: in-app messages to applicants (SMS / e-mail through a pluggable backend).
- ``Rating`` + ``RectificationTask``: 好差评 and the follow-up of bad ratings.
- ``QueueTicket``: the hall's take-a-number queue.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.fields import EncryptedCharField
from township.core.tenancy import JurisdictionScoped


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    WINDOW = "window", _("窗口受理")
    VILLAGE_AGENT = "village_agent", _("村级代办")


class Kind(models.TextChoices):
    SINGLE = "single", _("单项申请")
    BUNDLE = "bundle", _("一件事（主件）")
    CHILD = "child", _("一件事（子件）")


class AcceptMode(models.TextChoices):
    NONE = "", _("未受理")
    NORMAL = "normal", _("正常受理")
    GAP = "gap", _("容缺受理")
    COMMITMENT = "commitment", _("告知承诺")
    DEEMED = "deemed", _("视为受理")


class Decision(models.TextChoices):
    NONE = "", _("未决定")
    APPROVED = "approved", _("准予许可")
    DENIED = "denied", _("不予许可")


class Application(JurisdictionScoped):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="application")
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices, default=Kind.SINGLE)
    parent = models.ForeignKey(
        "self", verbose_name=_("主件"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    applicant = models.ForeignKey(
        "subjects.Subject", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_applications",
    )
    channel = models.CharField(_("申请渠道"), max_length=16, choices=Channel.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办员/受理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    item = models.ForeignKey(
        "catalog.Item", verbose_name=_("事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item_version = models.ForeignKey(
        "catalog.ItemVersion",
        verbose_name=_("事项版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    theme = models.ForeignKey(
        "catalog.Theme", verbose_name=_("主题"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=200)
    received_at = models.DateTimeField(_("收件时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accept_mode = models.CharField(_("受理方式"), max_length=12, choices=AcceptMode.choices, blank=True, default="")
    # 容缺受理
    gap_missing = models.JSONField(_("容缺材料"), default=list, blank=True)
    gap_deadline = models.DateField(_("容缺补齐期限"), null=True, blank=True)
    gap_pledge = models.TextField(_("容缺承诺"), blank=True)
    gap_supplied_at = models.DateTimeField(_("容缺补齐时间"), null=True, blank=True)
    # 告知承诺
    commitment_text = models.TextField(_("承诺书"), blank=True)
    commitment_signed_at = models.DateTimeField(_("承诺签署时间"), null=True, blank=True)
    # refusal / decision
    refusal_reason = models.TextField(_("不予受理理由"), blank=True)
    refusal_remedy = models.TextField(_("救济途径/告知事项"), blank=True)
    decision = models.CharField(_("审批决定"), max_length=12, choices=Decision.choices, blank=True, default="")
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("申请")
        verbose_name_plural = _("申请")
        indexes = [
            models.Index(fields=["jurisdiction", "village", "id"], name="approval_app_scope"),
            models.Index(fields=["applicant_user", "id"], name="approval_app_user"),
            models.Index(fields=["applicant", "id"], name="approval_app_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.title}"

    @property
    def snapshot(self) -> dict:
        return self.item_version.snapshot if self.item_version_id else {}

    @property
    def material_owner_id(self) -> int:
        """Bundle children share the parent's materials."""
        return self.parent_id if self.kind == Kind.CHILD and self.parent_id else self.pk


class MaterialSource(models.TextChoices):
    UPLOAD = "upload", _("上传")
    LIBRARY = "library", _("材料库复用")
    PAPER = "paper", _("纸质原件核验")
    MISSING = "missing", _("缺失")
    GAP = "gap", _("容缺后补")


class ApplicationMaterial(JurisdictionScoped):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    material_type_code = models.CharField(_("材料类型代码"), max_length=64)
    name = models.CharField(_("材料名称"), max_length=200)
    essential = models.BooleanField(_("必备"), default=True)
    source = models.CharField(_("来源"), max_length=12, choices=MaterialSource.choices)
    attachment = models.ForeignKey(
        "cases.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    library_item = models.ForeignKey(
        "certificates.LibraryItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["application_id", "-essential", "id"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "application", "material_type_code"], name="approval_material_once"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def provided(self) -> bool:
        return self.source in (MaterialSource.UPLOAD, MaterialSource.LIBRARY, MaterialSource.PAPER)


class SupplementNotice(JurisdictionScoped):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="supplement_notices")
    items = models.JSONField(_("需补正材料"), default=list)
    note = models.TextField(_("说明"), blank=True)
    issued_at = models.DateTimeField(_("告知时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("补正期限"))
    supplied_at = models.DateTimeField(_("补正时间"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("补正告知")
        verbose_name_plural = _("补正告知")

    def __str__(self) -> str:
        return f"{self.application_id} {self.issued_at:%Y-%m-%d}"


class VerificationMethod(models.TextChoices):
    DOCUMENT = "document", _("书面核查")
    ONLINE = "online", _("网络核验")
    ON_SITE = "on_site", _("实地调查")


class VerificationStatus(models.TextChoices):
    OPEN = "open", _("待核查")
    RECTIFYING = "rectifying", _("限期整改中")
    PASSED = "passed", _("核查通过")
    FAILED = "failed", _("核查不通过")


class VerificationOutcome(models.TextChoices):
    """What a 告知承诺 check found (安阳条例 Art 57; 国办发〔2020〕42号)."""

    MET = "met", _("符合承诺条件")
    RECTIFY = "rectify", _("不符合承诺条件，责令限期整改")
    NOT_RECTIFIED = "not_rectified", _("逾期未整改或整改后仍不符合，撤销许可")
    FALSE = "false", _("虚假承诺，撤销许可并记入信用记录")


class SupervisionPurpose(models.TextChoices):
    """Why the post-approval supervision task exists (一线贯通: one per decided application)."""

    COMMITMENT = "commitment", _("告知承诺核查")
    GAP = "gap", _("容缺受理后核查")
    LICENCE = "licence", _("许可后监管核查")
    DENIED = "denied", _("不予许可后无证经营巡查")


class SupervisionLevel(models.TextChoices):
    LIGHT = "light", _("简化核查（网络核验）")
    ROUTINE = "routine", _("常规核查（书面核查）")
    KEY = "key", _("重点核查（实地核查）")
    FULL = "full", _("全覆盖核查（实地核查）")


class VerificationTask(JurisdictionScoped):
    """The post-approval supervision task (事中事后监管任务) of a decided application, for the enforcement bureau:
    exactly one per decided application (一线贯通), its purpose and intensity set by the item's risk class, the
    容缺/告知承诺 history and the applicant's credit grade (``credit_effects.check_plan``); the 告知承诺 check is one
    purpose among them. Enforcement picks these up through the services."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="verification")
    purpose = models.CharField(
        _("监管类别"), max_length=12, choices=SupervisionPurpose.choices, default=SupervisionPurpose.COMMITMENT
    )
    level = models.CharField(_("核查强度"), max_length=8, choices=SupervisionLevel.choices, blank=True)
    risk_class = models.CharField(_("事项风险等级"), max_length=12, blank=True)
    credit_grade = models.CharField(_("决定时信用等级"), max_length=1, blank=True)
    basis = models.TextField(_("核查强度依据"), blank=True)
    due_working_days = models.PositiveSmallIntegerField(_("核查期限（工作日）"), null=True, blank=True)
    village = models.ForeignKey("org.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("核查方式"), max_length=12, choices=VerificationMethod.choices)
    due_date = models.DateField(_("核查期限"))
    # The check is the agency's own deadline: past the holiday table it is the earliest possible day (暂定) and is
    # recomputed when the year is entered (``services.approval_provisional_dates_refresh``).
    due_provisional = models.BooleanField(_("核查期限暂定"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=VerificationStatus.choices, default=VerificationStatus.OPEN
    )
    outcome = models.CharField(_("核查结论"), max_length=16, choices=VerificationOutcome.choices, blank=True)
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    note = models.TextField(_("核查意见"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("事后监管任务")
        verbose_name_plural = _("事后监管任务")
        indexes = [models.Index(fields=["jurisdiction", "status", "due_date"], name="approval_verify_open")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_method_display()} {self.due_date}"


class Notification(models.Model):
    """An in-app message to a user. Carries the tenant key of the application it is about (SPEC §4)."""

    jurisdiction = models.ForeignKey(
        "org.Jurisdiction",
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="approval_notifications")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("消息通知")
        verbose_name_plural = _("消息通知")
        indexes = [models.Index(fields=["user", "-created_at"], name="approval_notice_user")]

    def __str__(self) -> str:
        return self.title


class Grade(models.IntegerChoices):
    """GB/T 39046 A.8."""

    VERY_SATISFIED = 1, _("非常满意")
    SATISFIED = 2, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 4, _("不满意")
    VERY_DISSATISFIED = 5, _("非常不满意")


class Rating(JurisdictionScoped):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="rating")
    grade = models.PositiveSmallIntegerField(_("评价等级"), choices=Grade.choices)
    text = models.TextField(_("评价内容"), blank=True)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("评价时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_grade_display()}"

    @property
    def is_bad(self) -> bool:
        return self.grade >= Grade.DISSATISFIED


class RectificationTask(JurisdictionScoped):
    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    due_date = models.DateField(_("整改期限"))
    callback_due = models.DateField(_("回访期限"), null=True, blank=True)
    # 整改/回访期限 are the agency's own: provisional (暂定) past the holiday table, recomputed when the year is entered.
    dates_provisional = models.BooleanField(_("期限暂定"), default=False)
    status = models.CharField(_("状态"), max_length=8, default="open")
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    callback_note = models.TextField(_("回访记录"), blank=True)
    result = models.TextField(_("整改结果"), blank=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")

    def __str__(self) -> str:
        return f"{self.rating_id} {self.due_date}"


class QueueCategory(models.TextChoices):
    A = "A", _("综合受理")
    B = "B", _("市场准入")
    C = "C", _("社会事务")
    D = "D", _("咨询及取件")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    DONE = "done", _("已办结")
    SKIPPED = "skipped", _("过号")


class QueueTicket(JurisdictionScoped):
    day = models.DateField(_("日期"))
    category = models.CharField(_("业务类别"), max_length=1, choices=QueueCategory.choices)
    seq = models.PositiveIntegerField(_("序号"))
    status = models.CharField(_("状态"), max_length=8, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    taken_at = models.DateTimeField(_("取号时间"))
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    window = models.PositiveSmallIntegerField(_("窗口号"), null=True, blank=True)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = EncryptedCharField(_("手机号"), max_length=20, blank=True)  # SM4 at rest
    # 绿色通道: a grade-A applicant identified at the kiosk is called first (credit_effects.green_lane_eligible).
    priority = models.BooleanField(_("绿色通道优先"), default=False)

    class Meta:
        ordering = ["day", "category", "seq"]
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "day", "category", "seq"], name="approval_ticket_once")
        ]
        indexes = [models.Index(fields=["jurisdiction", "day", "status"], name="approval_ticket_day")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.category}{self.seq:03d}"

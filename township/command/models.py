"""督办 (supervision instructions on any case) and 站内通知 (the staff inbox that tells people about them).

A 督办 is an instruction with a deadline, issued by a leader or the command center on a case of any type; it lands
on the case's timeline, notifies the people responsible for the case, and is itself tracked until answered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.tenancy import JurisdictionScoped


class SupervisionStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")


class Supervision(JurisdictionScoped):
    case = models.ForeignKey("cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+")
    instruction = models.TextField(_("督办要求"))
    due_at = models.DateTimeField(_("答复期限"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("督办人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("督办时间"))
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), related_name="+", blank=True
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=SupervisionStatus.choices, default=SupervisionStatus.OPEN
    )
    answer = models.TextField(_("答复内容"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_late = models.BooleanField(_("逾期答复"), default=False)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        indexes = [
            models.Index(fields=["jurisdiction", "status", "due_at"], name="command_sup_open"),
            models.Index(fields=["jurisdiction", "case"], name="command_sup_case"),
        ]

    def __str__(self) -> str:
        return f"督办 #{self.pk}"


class Notice(JurisdictionScoped):
    """One message in a staff member's inbox (站内通知): what happened, where to look."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("通知时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"], name="command_notice_inbox")]

    def __str__(self) -> str:
        return self.title


class Position(JurisdictionScoped):
    """One position a field device sent (officers, grid workers): device time, place, accuracy. ``client_id`` is the
    device's idempotency key, so a batch sent twice after a lost answer is stored once. Kept for the configured
    retention (``TOWNSHIP_POSITION_RETENTION_DAYS``), then purged by the worker — a track is personal data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    client_id = models.CharField(_("设备流水号"), max_length=64)
    device_time = models.DateTimeField(_("定位时间"))
    received_at = models.DateTimeField(_("接收时间"))
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    accuracy_m = models.FloatField(_("精度（米）"), null=True, blank=True)

    class Meta:
        ordering = ["user_id", "device_time", "id"]
        verbose_name = _("位置")
        verbose_name_plural = _("位置")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "user", "client_id"], name="command_position_once")
        ]
        indexes = [models.Index(fields=["jurisdiction", "user", "device_time"], name="command_position_track")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.device_time:%H:%M:%S}"


class LastPosition(JurisdictionScoped):
    """The newest known position of each person in a unit (kept current by ``positions_record``; the map reads it
    without scanning tracks)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    device_time = models.DateTimeField(_("定位时间"))
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    accuracy_m = models.FloatField(_("精度（米）"), null=True, blank=True)

    class Meta:
        ordering = ["jurisdiction_id", "user_id"]
        verbose_name = _("最新位置")
        verbose_name_plural = _("最新位置")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "user"], name="command_last_position_one")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.device_time:%H:%M}"


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class EvaluationPeriod(JurisdictionScoped):
    """考核 of one town for one month: computed on demand while a draft, frozen once published (its scores never
    change when later data arrives)."""

    month = models.DateField(_("考核月份"), help_text=_("该月第一天"))
    status = models.CharField(
        _("状态"), max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("计算人"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-month", "jurisdiction_id"]
        verbose_name = _("考核期")
        verbose_name_plural = _("考核期")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "month"], name="command_evaluation_month")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.month:%Y-%m}"


class EvaluationScore(JurisdictionScoped):
    """One indicator's figure for the town, one department or one person in a period (with its rank)."""

    period = models.ForeignKey(
        EvaluationPeriod, verbose_name=_("考核期"), on_delete=models.CASCADE, related_name="scores"
    )
    case_type = models.CharField(_("业务类型"), max_length=40)
    indicator = models.CharField(_("指标"), max_length=40)
    label = models.CharField(_("指标名称"), max_length=64)
    group = models.CharField(_("考核对象类别"), max_length=16)  # unit / department / person
    group_key = models.CharField(_("考核对象"), max_length=32, blank=True)
    group_name = models.CharField(_("考核对象名称"), max_length=100)
    numerator = models.PositiveIntegerField(_("分子"))
    denominator = models.PositiveIntegerField(_("分母"))
    rate = models.FloatField(_("比率（%）"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)

    class Meta:
        ordering = ["period_id", "case_type", "indicator", "group", "rank", "group_name"]
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "period", "case_type", "indicator", "group", "group_key"],
                name="command_evaluation_score_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.group_name}"


class FileReviewPlan(JurisdictionScoped):
    """案卷评查: a seeded, verifiable random draw of closed case files of one type and of the reviewers who score them
    (the 双随机 draw engine, so anyone can re-run it from the stored pool, parameters and seed)."""

    title = models.CharField(_("评查名称"), max_length=100)
    case_type = models.CharField(_("业务类型"), max_length=40)
    closed_from = models.DateField(_("办结日期自"))
    closed_to = models.DateField(_("办结日期至"))
    count = models.PositiveIntegerField(_("抽取案卷数"))
    reviewers_per_file = models.PositiveSmallIntegerField(_("每卷评查人数"), default=1)
    seed = models.CharField(_("随机种子"), max_length=64)
    pool = models.JSONField(_("抽取范围快照"))
    pool_hash = models.CharField(_("抽取范围摘要"), max_length=64)
    result_hash = models.CharField(_("抽取结果摘要"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("抽取时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("案卷评查")
        verbose_name_plural = _("案卷评查")

    def __str__(self) -> str:
        return self.title


class FileReviewItem(JurisdictionScoped):
    """One drawn case file, its reviewer(s), the checklist scores, findings and the rectification they require."""

    plan = models.ForeignKey(FileReviewPlan, verbose_name=_("评查"), on_delete=models.PROTECT, related_name="items")
    case = models.ForeignKey("cases.Case", verbose_name=_("案卷"), on_delete=models.PROTECT, related_name="+")
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("评查人"), related_name="+")
    scores = models.JSONField(_("评查得分"), default=dict, blank=True)
    total = models.PositiveSmallIntegerField(_("总分"), null=True, blank=True)
    findings = models.TextField(_("评查意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评分人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("评查时间"), null=True, blank=True)
    rectification_required = models.BooleanField(_("需要整改"), default=False)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    rectification_note = models.TextField(_("整改情况"), blank=True)

    class Meta:
        ordering = ["plan_id", "id"]
        verbose_name = _("评查案卷")
        verbose_name_plural = _("评查案卷")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "plan", "case"], name="command_review_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.case_id}"


class Responsibility(JurisdictionScoped):
    """One line of the responsibility list (责任清单, Gedian): for a case type — optionally one state in it — which
    department, section (科室) and person answer for it. The accountability report names them for each late,
    reworked or failed case; without a line, the case's 承办 department and person answer."""

    case_type = models.CharField(_("业务类型"), max_length=40)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("责任部门"), on_delete=models.PROTECT, related_name="+"
    )
    section = models.CharField(_("责任科室"), max_length=64, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    duty = models.CharField(_("职责"), max_length=200, blank=True)

    class Meta:
        ordering = ["jurisdiction_id", "case_type", "id"]
        verbose_name = _("责任清单")
        verbose_name_plural = _("责任清单")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "case_type", "department"], name="command_responsibility_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_type} → {self.department_id}"

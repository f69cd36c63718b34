"""双随机一公开: inspection items, the register of inspected subjects, conflicts of interest, plans and visits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.tenancy import JurisdictionScoped
from township.enforcement.models.core import Clue, Domain, Officer

# ---------------------------------------------------------------------------------------------
# 7. 双随机一公开
# ---------------------------------------------------------------------------------------------


class CreditClass(models.TextChoices):
    A = "A", _("A类（信用风险低）")
    B = "B", _("B类（信用风险一般）")
    C = "C", _("C类（信用风险较高）")
    D = "D", _("D类（信用风险高）")


class InspectionItem(JurisdictionScoped):
    """随机抽查事项清单: one item per department."""

    department = models.ForeignKey("org.Department", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("编码"), max_length=64)
    name = models.CharField(_("抽查事项"), max_length=200)
    domain = models.CharField(_("执法领域"), max_length=20, choices=Domain.choices, default=Domain.OTHER)
    basis = models.TextField(_("依据"), blank=True)
    method = models.CharField(_("检查方式"), max_length=64, blank=True)

    class Meta:
        ordering = ["jurisdiction_id", "department_id", "code"]
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"], name="enf_inspitem_unique")]

    def __str__(self) -> str:
        return self.name


class InspectionTarget(JurisdictionScoped):
    """检查对象名录库: a market subject (enterprise, 个体工商户) with its credit class."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
        OTHER = "other", _("其他组织")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE)
    credit_class = models.CharField(_("信用风险分类"), max_length=1, choices=CreditClass.choices, default=CreditClass.B)
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(_("在库"), default=True)

    class Meta:
        ordering = ["jurisdiction_id", "uscc"]
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "uscc"], name="enf_target_unique_uscc")]
        indexes = [models.Index(fields=["jurisdiction", "active", "credit_class", "id"], name="enf_target_pool")]

    def __str__(self) -> str:
        return self.name


class ConflictOfInterest(JurisdictionScoped):
    """利害关系登记: an inspector must never be drawn for this subject."""

    officer = models.ForeignKey(Officer, verbose_name=_("检查人员"), on_delete=models.CASCADE, related_name="conflicts")
    target = models.ForeignKey(
        InspectionTarget, verbose_name=_("检查对象"), on_delete=models.CASCADE, related_name="conflicts"
    )
    relation = models.CharField(_("关系"), max_length=64)

    class Meta:
        ordering = ["officer_id", "target_id"]
        verbose_name = _("利害关系")
        verbose_name_plural = _("利害关系")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "officer", "target"], name="enf_conflict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.officer_id}×{self.target_id}"


class InspectionPlan(JurisdictionScoped):
    """抽查计划: departments, items, period, sampling ratio per credit class, inspectors per check."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        DRAWN = "drawn", _("已抽取")
        DONE = "done", _("已完成")

    number = models.CharField(_("计划编号"), max_length=40)
    name = models.CharField(_("计划名称"), max_length=128)
    departments = models.JSONField(_("参与部门（ID）"), default=list)
    items = models.JSONField(_("抽查事项（ID）"), default=list)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    ratios = models.JSONField(_("各信用类别抽查比例"), default=dict)
    min_count = models.PositiveIntegerField(_("每部门最少抽取数"), default=1)
    inspectors_per_check = models.PositiveSmallIntegerField(_("每户检查人员数"), default=2)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    pool_hash = models.CharField(_("名录库快照SHA-256"), max_length=64, blank=True)
    result_hash = models.CharField(_("抽取结果SHA-256"), max_length=64, blank=True)
    snapshot = models.TextField(_("名录库快照"), blank=True)
    result = models.JSONField(_("抽取结果"), default=dict, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "number"], name="enf_plan_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class InspectionVisit(JurisdictionScoped):
    """One visit to one subject: the merged checks of every department that drew it (联合抽查)."""

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="visits")
    target = models.ForeignKey(
        InspectionTarget, verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="visits"
    )
    departments = models.JSONField(_("参与部门（ID）"), default=list)
    items = models.JSONField(_("抽查事项（ID）"), default=list)
    inspectors = models.JSONField(_("检查人员（执法人员ID）"), default=list)
    result = models.CharField(_("检查结果"), max_length=20, blank=True)
    findings = models.TextField(_("发现问题"), blank=True)
    checked_on = models.DateField(_("检查日期"), null=True, blank=True)
    publish_by = models.DateField(_("公示期限"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    clue = models.ForeignKey(
        Clue, verbose_name=_("转为案源"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan_id", "id"]
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "plan", "target"], name="enf_visit_unique")]
        indexes = [  # the last check of each checked target, read by every draw (not a scan of all drawn visits)
            models.Index(
                fields=["jurisdiction", "target", "checked_on"],
                name="enf_visit_checked",
                condition=models.Q(checked_on__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.target_id}"

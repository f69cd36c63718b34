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


class CreditSeverity(models.TextChoices):
    """失信程度 of NDRC Order 36 《信用修复管理办法》 (in force 2026-04-01; DOMAIN2 §5.1)."""

    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


class CreditSource(models.TextChoices):
    APPROVAL = "approval", _("行政审批")
    COMMITMENT = "commitment", _("告知承诺核查")
    ENFORCEMENT = "enforcement", _("行政执法")
    HOTLINE = "hotline", _("12345热线")
    COMPLAINT = "complaint", _("投诉举报")
    CREDIT = "credit", _("信用管理")
    OTHER = "other", _("其他")


class PublicationEnd(models.TextChoices):
    EXPIRED = "expired", _("公示期满自动停止")
    REPAIRED = "repaired", _("信用修复")
    REMOVED = "removed", _("移出名单")


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
    # NDRC Order 36 tiers and publication periods (DOMAIN2 §5.1), computed by township.credit.periods.
    source = models.CharField(_("信息来源"), max_length=16, choices=CreditSource.choices, default=CreditSource.OTHER)
    positive = models.BooleanField(_("守信记录"), default=False)
    severity = models.CharField(_("失信程度"), max_length=8, choices=CreditSeverity.choices, blank=True)
    public = models.BooleanField(_("向社会公示"), default=True)
    published_from = models.DateField(_("公示起始日"), null=True, blank=True)
    min_until = models.DateField(_("最短公示期届满日"), null=True, blank=True)
    max_until = models.DateField(_("最长公示期届满日"), null=True, blank=True)
    publication_ended_at = models.DateTimeField(_("停止公示时间"), null=True, blank=True)
    publication_end_reason = models.CharField(
        _("停止公示原因"), max_length=16, choices=PublicationEnd.choices, blank=True
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        indexes = [
            models.Index(fields=["subject", "kind", "valid_from"], name="credit_subject_kind"),
            models.Index(fields=["jurisdiction", "recorded_at", "id"], name="credit_jur_recorded"),
            models.Index(fields=["publication_ended_at", "max_until"], name="credit_pub_end"),
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


class CreditGradeScheme(JurisdictionScoped):
    """信用分级分类规则 of one town (the defaults in ``township.credit.grading.DEFAULT_SCHEME`` apply without a row).

    score = base − Σ weight(severity) of negative records in force + min(positives × bonus, bonus cap);
    on the 严重失信主体名单 → D; else A ≥ threshold_a, B ≥ threshold_b, C ≥ threshold_c, otherwise D.
    """

    base = models.PositiveSmallIntegerField(_("基础分"), default=100)
    weight_minor = models.PositiveSmallIntegerField(_("轻微失信扣分"), default=5)
    weight_general = models.PositiveSmallIntegerField(_("一般失信扣分"), default=20)
    weight_serious = models.PositiveSmallIntegerField(_("严重失信扣分"), default=50)
    positive_bonus = models.PositiveSmallIntegerField(_("守信记录加分"), default=5)
    positive_cap = models.PositiveSmallIntegerField(_("守信加分上限"), default=10)
    threshold_a = models.PositiveSmallIntegerField(_("A类最低分"), default=105)
    threshold_b = models.PositiveSmallIntegerField(_("B类最低分"), default=90)
    threshold_c = models.PositiveSmallIntegerField(_("C类最低分"), default=60)
    statement_working_days = models.PositiveSmallIntegerField(
        _("陈述申辩期（工作日）"), default=5, help_text=_("拟列入严重失信主体名单告知后的陈述申辩期")
    )
    repair_working_days = models.PositiveSmallIntegerField(
        _("信用修复办理时限（工作日）"),
        default=3,
        help_text=_("受理后作出修复决定的时限（深圳经济特区社会信用条例第82条）"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("信用分级规则")
        verbose_name_plural = _("信用分级规则")
        constraints = [models.UniqueConstraint(fields=["jurisdiction"], name="credit_scheme_one_per_unit")]


class CreditGradeHistory(JurisdictionScoped):
    """One period of a subject's grade: which grade, from when to when, why, computed when."""

    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="credit_grades"
    )
    grade = models.CharField(_("信用等级"), max_length=1)
    previous = models.CharField(_("原等级"), max_length=1, blank=True)
    score = models.IntegerField(_("信用分"), default=0)
    valid_from = models.DateTimeField(_("起始时间"))
    valid_to = models.DateTimeField(_("截止时间"), null=True, blank=True)
    reason = models.TextField(_("依据"))
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    override = models.ForeignKey(
        "credit.CreditGradeOverride",
        verbose_name=_("人工调整"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("信用等级历史")
        verbose_name_plural = _("信用等级历史")
        indexes = [models.Index(fields=["subject", "valid_to"], name="credit_grade_current")]


class OverrideStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    REVOKED = "revoked", _("已撤销")


class CreditGradeOverride(JurisdictionScoped):
    """A hand-set grade: proposed by one person with a reason, in force only once a second person approves."""

    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="credit_overrides"
    )
    grade = models.CharField(_("调整后等级"), max_length=1)
    reason = models.TextField(_("调整理由"))
    status = models.CharField(_("状态"), max_length=12, choices=OverrideStatus.choices, default=OverrideStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("信用等级人工调整")
        verbose_name_plural = _("信用等级人工调整")


class Listing(JurisdictionScoped):
    """严重失信主体名单 listing case (``credit_blacklisting``): proposal → 告知 → 陈述申辩 → decision → publication →
    removal. The state lives on the case; this row holds the facts and the BLACKLIST record the decision writes."""

    case = models.OneToOneField("cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="credit_listings"
    )
    severity = models.CharField(
        _("失信程度"), max_length=8, choices=CreditSeverity.choices, default=CreditSeverity.SERIOUS
    )
    facts = models.TextField(_("失信事实"))
    basis = models.TextField(_("列入依据"))
    basis_record = models.ForeignKey(
        CreditRecord,
        verbose_name=_("依据的信用记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    statement_days = models.PositiveSmallIntegerField(_("陈述申辩期（工作日）"), default=5)
    notified_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    statement = models.TextField(_("陈述申辩意见"), blank=True)
    statement_at = models.DateTimeField(_("陈述申辩时间"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    record = models.ForeignKey(
        CreditRecord, verbose_name=_("名单记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("严重失信主体名单列入案件")
        verbose_name_plural = _("严重失信主体名单列入案件")


class Repair(JurisdictionScoped):
    """信用修复 case (``credit_repair``): application (online or at the window) → acceptance → review → decision."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上申请")
        WINDOW = "window", _("窗口代为申请")

    case = models.OneToOneField("cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="credit_repairs"
    )
    record = models.ForeignKey(
        CreditRecord, verbose_name=_("申请修复的记录"), on_delete=models.PROTECT, related_name="repairs"
    )
    channel = models.CharField(_("申请途径"), max_length=8, choices=Channel.choices)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    performance = models.TextField(_("履行情况"), help_text=_("已纠正失信行为、履行法定义务的情况"))
    performance_proven = models.BooleanField(_("履行情况已核实"), default=False)
    pledge = models.TextField(_("信用承诺"))
    pledge_public = models.BooleanField(_("信用承诺已公开"), default=False)
    review_opinion = models.TextField(_("审查意见"), blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")

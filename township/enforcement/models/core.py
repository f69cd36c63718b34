"""Enforcement (一支队伍管执法): teams, officers, penalty items, clues, penalty cases and disclosure.

Every business row carries the tenant key (``jurisdiction``: the owning town's division code).
The state of a penalty case lives only on ``cases.Case``; ``PenaltyCase`` holds the domain facts.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.fields import EncryptedCharField
from township.core.tenancy import JurisdictionScoped

MONEY = {"max_digits": 14, "decimal_places": 2}


class Domain(models.TextChoices):
    """执法领域."""

    PLANNING = "planning", _("规划建设")
    CITY = "city", _("城市管理")
    AGRICULTURE = "agriculture", _("农业农村")
    WORK_SAFETY = "work_safety", _("安全生产")
    CULTURE = "culture", _("文化市场")
    MARKET = "market", _("市场监管")
    ECOLOGY = "ecology", _("生态环境")
    TRANSPORT = "transport", _("交通运输")
    OTHER = "other", _("其他")


class PartyKind(models.TextChoices):
    PERSON = "person", _("公民")
    ORGANISATION = "organisation", _("法人或其他组织")


class PenaltyType(models.TextChoices):
    """行政处罚法 Art 9."""

    WARNING = "warning", _("警告")
    CRITICISM = "criticism", _("通报批评")
    FINE = "fine", _("罚款")
    CONFISCATE_GAINS = "confiscate_gains", _("没收违法所得")
    CONFISCATE_PROPERTY = "confiscate_property", _("没收非法财物")
    SUSPEND_LICENCE = "suspend_licence", _("暂扣许可证件")
    LOWER_QUALIFICATION = "lower_qualification", _("降低资质等级")
    REVOKE_LICENCE = "revoke_licence", _("吊销许可证件")
    RESTRICT_BUSINESS = "restrict_business", _("限制开展生产经营活动")
    SUSPEND_BUSINESS = "suspend_business", _("责令停产停业")
    CLOSE = "close", _("责令关闭")
    BAR_PRACTICE = "bar_practice", _("限制从业")
    DETENTION = "detention", _("行政拘留")
    OTHER = "other", _("法律、行政法规规定的其他行政处罚")


# ---------------------------------------------------------------------------------------------
# 1. Teams, officers, credentials, legal reviewers
# ---------------------------------------------------------------------------------------------


class Team(JurisdictionScoped):
    """执法中队: a brigade with its zone (villages) and its domains (出门一把抓、回来再分家)."""

    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("综合执法中队")
        WORK_SAFETY = "work_safety", _("安全生产执法中队")
        STATIONED = "stationed", _("派驻执法队")

    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.COMPREHENSIVE)
    domains = models.JSONField(_("执法领域"), default=list, blank=True)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("中队长"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction_id", "id"]
        verbose_name = _("执法中队")
        verbose_name_plural = _("执法中队")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="enf_team_unique_name")]

    def __str__(self) -> str:
        return self.name

    def domain_labels(self) -> list[str]:
        return [str(Domain(d).label) if d in Domain.values else d for d in self.domains]


class TeamZone(JurisdictionScoped):
    """One village (or grid) in a team's zone."""

    team = models.ForeignKey(Team, verbose_name=_("中队"), on_delete=models.CASCADE, related_name="zones")
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), on_delete=models.PROTECT, related_name="+"
    )
    grid_code = models.CharField(_("网格编码"), max_length=32, blank=True)

    class Meta:
        ordering = ["team_id", "village_id"]
        verbose_name = _("责任片区")
        verbose_name_plural = _("责任片区")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "team", "village", "grid_code"], name="enf_zone_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team_id}:{self.village_id}"


class Officer(JurisdictionScoped):
    """An enforcement officer (执法人员): a staff user in a team, possibly in the random-inspection pool."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("中队"), null=True, blank=True, on_delete=models.SET_NULL, related_name="officers"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    in_inspector_pool = models.BooleanField(_("列入执法检查人员名录库"), default=True)
    active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction_id", "id"]
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "user"], name="enf_officer_unique_user")]
        indexes = [models.Index(fields=["jurisdiction", "department", "in_inspector_pool"], name="enf_officer_pool")]

    def __str__(self) -> str:
        return str(self.user)


class Credential(JurisdictionScoped):
    """执法证: number, issuer, validity and domains."""

    officer = models.ForeignKey(
        Officer, verbose_name=_("执法人员"), on_delete=models.CASCADE, related_name="credentials"
    )
    number = models.CharField(_("执法证号"), max_length=32)
    issuer = models.CharField(_("发证机关"), max_length=64)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    domains = models.JSONField(_("执法领域"), default=list, blank=True, help_text=_("为空表示不限领域"))
    revoked = models.BooleanField(_("已注销"), default=False)

    class Meta:
        ordering = ["officer_id", "-valid_until"]
        verbose_name = _("执法证件")
        verbose_name_plural = _("执法证件")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "number"], name="enf_credential_unique_number")]

    def __str__(self) -> str:
        return self.number


class LegalReviewer(JurisdictionScoped):
    """法制审核人员 with the qualification recorded (Art 58: a first-time reviewer holds 法律职业资格)."""

    class Qualification(models.TextChoices):
        LEGAL_PROFESSION = "legal_profession", _("国家统一法律职业资格")
        LEGACY = "legacy", _("2021年前已从事法制审核（不要求法律职业资格）")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="+"
    )
    qualification = models.CharField(_("资格类别"), max_length=20, choices=Qualification.choices)
    certificate_number = models.CharField(_("资格证书编号"), max_length=40, blank=True)
    qualified_on = models.DateField(_("取得日期（或开始从事法制审核的日期）"), null=True, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        ordering = ["jurisdiction_id", "id"]
        verbose_name = _("法制审核人员")
        verbose_name_plural = _("法制审核人员")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "user"], name="enf_reviewer_unique_user")]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        """The admin form applies the same Art 58 rule as ``services.legal_reviewer_create``."""
        from django.core.exceptions import ValidationError

        from township.core.errors import DomainError
        from township.enforcement.rules import check_reviewer_qualification

        try:
            check_reviewer_qualification(
                qualification=self.qualification,
                certificate_number=self.certificate_number,
                qualified_on=self.qualified_on,
            )
        except DomainError as exc:
            raise ValidationError({exc.field or "qualification": exc.message}) from exc


# ---------------------------------------------------------------------------------------------
# 3. Penalty items, discretion bands, hearing thresholds
# ---------------------------------------------------------------------------------------------


class PenaltyItem(JurisdictionScoped):
    """A penalty power (行政处罚事项) with its basis, penalty types and fine range."""

    code = models.CharField(_("事项编码"), max_length=64)
    name = models.CharField(_("事项名称"), max_length=200)
    domain = models.CharField(_("执法领域"), max_length=20, choices=Domain.choices)
    legal_basis = models.TextField(_("处罚依据"))
    violated_provision = models.TextField(_("违法依据"), blank=True)
    penalty_types = models.JSONField(_("处罚种类"), default=list)
    fine_min = models.DecimalField(_("罚款下限（元）"), null=True, blank=True, **MONEY)
    fine_max = models.DecimalField(_("罚款上限（元）"), null=True, blank=True, **MONEY)
    catalog_item_code = models.CharField(_("权责清单事项编码"), max_length=64, blank=True)
    life_health_finance = models.BooleanField(_("涉及生命健康、金融安全"), default=False)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["jurisdiction_id", "code"]
        verbose_name = _("处罚事项")
        verbose_name_plural = _("处罚事项")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "code"], name="enf_item_unique_code")]

    def __str__(self) -> str:
        return self.name


class DiscretionBand(JurisdictionScoped):
    """裁量基准: a sub-range of the item's fine for one level, with its conditions."""

    class Level(models.TextChoices):
        MINOR = "minor", _("轻微")
        GENERAL = "general", _("一般")
        SERIOUS = "serious", _("较重")
        SEVERE = "severe", _("严重")

    item = models.ForeignKey(PenaltyItem, verbose_name=_("处罚事项"), on_delete=models.CASCADE, related_name="bands")
    level = models.CharField(_("裁量等级"), max_length=10, choices=Level.choices)
    conditions = models.TextField(_("适用情形"))
    fine_min = models.DecimalField(_("罚款下限（元）"), null=True, blank=True, **MONEY)
    fine_max = models.DecimalField(_("罚款上限（元）"), null=True, blank=True, **MONEY)
    penalty_types = models.JSONField(_("处罚种类"), default=list, blank=True)
    no_penalty = models.BooleanField(_("不予处罚"), default=False)

    class Meta:
        ordering = ["item_id", "id"]
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "item", "level"], name="enf_band_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.level}"


class HearingThreshold(JurisdictionScoped):
    """ "较大数额" for the hearing right (Art 63), per domain and jurisdiction (set locally)."""

    domain = models.CharField(_("执法领域"), max_length=20, choices=Domain.choices)
    person_fine = models.DecimalField(_("公民罚款（元）"), **MONEY)
    organisation_fine = models.DecimalField(_("组织罚款（元）"), **MONEY)
    confiscation_value = models.DecimalField(_("没收价值（元）"), **MONEY)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["jurisdiction_id", "domain"]
        verbose_name = _("听证较大数额标准")
        verbose_name_plural = _("听证较大数额标准")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "domain"], name="enf_threshold_unique")]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}:{self.domain}"


class EnforcementConfig(JurisdictionScoped):
    """Local periods set by the bureau (defaults follow DOMAIN §2.3)."""

    clue_decision_working_days = models.PositiveSmallIntegerField(_("案源处理时限（工作日）"), default=15)
    statement_working_days = models.PositiveSmallIntegerField(_("陈述申辩期限（工作日）"), default=5)
    disclosure_working_days = models.PositiveSmallIntegerField(_("处罚决定公示时限（工作日）"), default=7)
    withdraw_working_days = models.PositiveSmallIntegerField(_("撤下公示时限（工作日）"), default=3)
    inspection_publish_working_days = models.PositiveSmallIntegerField(_("抽查结果公示时限（工作日）"), default=20)
    bureau_name = models.CharField(_("执法机关名称"), max_length=64, blank=True)
    review_body = models.CharField(_("复议机关"), max_length=64, blank=True)
    court = models.CharField(_("管辖法院"), max_length=64, blank=True)
    bank = models.CharField(_("代收银行"), max_length=64, blank=True)

    class Meta:
        ordering = ["jurisdiction_id"]
        verbose_name = _("执法参数")
        verbose_name_plural = _("执法参数")
        constraints = [models.UniqueConstraint(fields=["jurisdiction"], name="enf_config_unique")]

    def __str__(self) -> str:
        return str(self.jurisdiction_id)


# ---------------------------------------------------------------------------------------------
# 4. Clues (案源)
# ---------------------------------------------------------------------------------------------


class Clue(JurisdictionScoped):
    class Source(models.TextChoices):
        GRID_EVENT = "grid_event", _("网格事件")
        COMPLAINT = "complaint", _("投诉举报")
        INSPECTION = "inspection", _("监督检查")
        VERIFICATION = "verification", _("审批后核查")
        TRANSFER = "transfer", _("移送")
        RANDOM_INSPECTION = "random_inspection", _("双随机抽查")

    class Decision(models.TextChoices):
        PENDING = "pending", _("待处理")
        FILED = "filed", _("已立案")
        NOT_FILED = "not_filed", _("不予立案")

    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    summary = models.TextField(_("案源摘要"))
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.JSONField(_("位置"), null=True, blank=True)
    source_case = models.ForeignKey(
        "cases.Case", verbose_name=_("来源案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True)
    party_kind = models.CharField(_("当事人类型"), max_length=20, choices=PartyKind.choices, blank=True)
    party_name = models.CharField(_("当事人"), max_length=128, blank=True)
    party_id_number = EncryptedCharField(_("证件号码/统一社会信用代码"), max_length=18, blank=True)  # SM4 at rest
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("接收时间"))
    decide_by = models.DateField(_("核查决定期限"))
    decision = models.CharField(_("处理结果"), max_length=12, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField(_("理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("案源")
        verbose_name_plural = _("案源")
        indexes = [models.Index(fields=["jurisdiction", "decision", "decide_by", "id"], name="enf_clue_work")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.pk}"


# ---------------------------------------------------------------------------------------------
# 5. Penalty cases (ordinary and summary procedure)
# ---------------------------------------------------------------------------------------------


class PenaltyCase(JurisdictionScoped):
    """The domain record of a penalty case; its state lives on ``case``."""

    class Procedure(models.TextChoices):
        ORDINARY = "ordinary", _("普通程序")
        SUMMARY = "summary", _("简易程序")

    case = models.OneToOneField("cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="penalty")
    procedure = models.CharField(_("程序"), max_length=10, choices=Procedure.choices)
    clue = models.ForeignKey(
        Clue, verbose_name=_("案源"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    item = models.ForeignKey(
        PenaltyItem, verbose_name=_("处罚事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    domain = models.CharField(_("执法领域"), max_length=20, choices=Domain.choices)
    team = models.ForeignKey(
        Team, verbose_name=_("承办中队"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The party
    party_kind = models.CharField(_("当事人类型"), max_length=20, choices=PartyKind.choices)
    party_name = models.CharField(_("当事人"), max_length=128)
    party_id_number = EncryptedCharField(_("证件号码/统一社会信用代码"), max_length=18, blank=True)  # SM4 at rest
    party_address = models.CharField(_("住所"), max_length=200, blank=True)
    party_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Facts
    act_date = models.DateField(_("违法行为发生日期"))
    act_ended_on = models.DateField(_("连续或继续状态终了日期"), null=True, blank=True)
    life_health_finance = models.BooleanField(_("涉及公民生命健康安全、金融安全且有危害后果"), default=False)
    facts = models.TextField(_("违法事实"), blank=True)
    filed_at = models.DateTimeField(_("立案时间"))
    filing_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("立案批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_due = models.DateField(_("决定期限"))
    investigators = models.JSONField(_("承办人员（用户ID）"), default=list, blank=True)
    # Art 58 situations and collective discussion
    legal_review_grounds = models.JSONField(_("法制审核情形"), default=list, blank=True)
    major_case = models.BooleanField(_("重大复杂案件（集体讨论）"), default=False)
    # Notice (Art 44)
    notice = models.JSONField(_("拟处罚内容"), default=dict, blank=True)
    notice_served_on = models.DateField(_("告知书送达日期"), null=True, blank=True)
    hearing_offered = models.BooleanField(_("已告知听证权利"), default=False)
    rights_waived = models.BooleanField(_("当事人明确放弃陈述申辩"), default=False)
    defended = models.BooleanField(_("当事人已陈述申辩"), default=False)
    hearing_waived = models.BooleanField(_("当事人书面放弃听证"), default=False)
    statement = models.TextField(_("陈述申辩意见"), blank=True)
    statement_review = models.TextField(_("复核意见"), blank=True)
    # Hearing (Art 63–65)
    hearing_requested_on = models.DateField(_("听证申请日期"), null=True, blank=True)
    hearing_notice_on = models.DateField(_("听证通知日期"), null=True, blank=True)
    hearing_on = models.DateField(_("听证日期"), null=True, blank=True)
    hearing_place = models.CharField(_("听证地点"), max_length=128, blank=True)
    hearing_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("听证主持人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hearing_held = models.BooleanField(_("已举行听证"), default=False)
    hearing_record = models.TextField(_("听证笔录摘要"), blank=True)
    # Legal review (Art 58) and collective discussion (Art 57)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("法制审核人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_opinion = models.TextField(_("法制审核意见"), blank=True)
    review_passed = models.BooleanField(_("审核通过"), null=True, blank=True)
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    discussion = models.JSONField(_("集体讨论记录"), default=dict, blank=True)
    # Decision (Art 59)
    decision = models.JSONField(_("处罚决定"), default=dict, blank=True)
    decision_number = models.CharField(_("决定书文号"), max_length=64, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    fine = models.DecimalField(_("罚款金额（元）"), default=Decimal("0"), **MONEY)
    # Service and payment (Art 61, 67, 72)
    served_on = models.DateField(_("送达生效日期"), null=True, blank=True)
    payment_due = models.DateField(_("缴款期限"), null=True, blank=True)
    paid_on = models.DateField(_("缴款日期"), null=True, blank=True)
    paid_fine = models.DecimalField(_("已缴罚款（元）"), default=Decimal("0"), **MONEY)
    paid_late_fine = models.DecimalField(_("已缴加处罚款（元）"), default=Decimal("0"), **MONEY)
    instalments = models.JSONField(_("延期或分期"), default=dict, blank=True)
    collected_on_spot = models.BooleanField(_("当场收缴"), default=False)
    receipt_number = models.CharField(_("罚没款专用票据号"), max_length=64, blank=True)
    cash_handed_over_on = models.DateField(_("当场收缴罚款交至行政机关日期"), null=True, blank=True)
    demand_served_on = models.DateField(_("催告书送达日期"), null=True, blank=True)
    enforcement_applied_on = models.DateField(_("申请强制执行日期"), null=True, blank=True)
    closed_report = models.TextField(_("结案报告"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")
        indexes = [models.Index(fields=["jurisdiction", "procedure", "id"], name="enf_case_proc")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.party_name}"

    @property
    def payment_due_pending(self) -> bool:
        """A fine was served but its payment deadline waits for next year's holidays (rules.payment_deadline)."""
        return self.fine > 0 and self.served_on is not None and self.payment_due is None


class InvestigativeAct(JurisdictionScoped):
    """One investigative act (询问、勘验、检查、取证…), carried out by at least two credentialed officers."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("询问")
        INSPECTION = "inspection", _("现场检查（勘验）")
        EVIDENCE = "evidence", _("调取证据")
        SAMPLING = "sampling", _("抽样取证")
        PRESERVATION = "preservation", _("先行登记保存")

    penalty_case = models.ForeignKey(PenaltyCase, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="acts")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200)
    officers = models.JSONField(_("执法人员（用户ID）"), default=list)
    credential_numbers = models.JSONField(_("出示的执法证号"), default=list)
    summary = models.TextField(_("内容"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["penalty_case_id", "at", "id"]
        verbose_name = _("调查取证")
        verbose_name_plural = _("调查取证")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class Evidence(JurisdictionScoped):
    """A piece of evidence with its full-process record: who, when, where, and the SHA-256 of the file."""

    penalty_case = models.ForeignKey(
        PenaltyCase, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="evidence"
    )
    act = models.ForeignKey(
        InvestigativeAct,
        verbose_name=_("取证活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    attachment = models.ForeignKey(
        "cases.Attachment", verbose_name=_("文件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("证据名称"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    collected_at = models.DateTimeField(_("取证时间"))
    place = models.CharField(_("取证地点"), max_length=200, blank=True)

    class Meta:
        ordering = ["penalty_case_id", "id"]
        verbose_name = _("证据")
        verbose_name_plural = _("证据")

    def __str__(self) -> str:
        return self.name


class Preservation(JurisdictionScoped):
    """先行登记保存 (Art 56): approved by the head, decided within 7 working days."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("待处理决定")
        CONFISCATE = "confiscate", _("依法没收")
        SEIZE = "seize", _("转为查封扣押")
        RELEASE = "release", _("解除保存")
        LAPSED = "lapsed", _("逾期未决定，视为解除")

    penalty_case = models.ForeignKey(
        PenaltyCase, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="preservations"
    )
    goods = models.TextField(_("物品清单"))
    started_on = models.DateField(_("保存日期"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准负责人"), on_delete=models.PROTECT, related_name="+"
    )
    decide_by = models.DateField(_("处理决定期限"))
    outcome = models.CharField(_("处理决定"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)

    class Meta:
        ordering = ["penalty_case_id", "id"]
        verbose_name = _("先行登记保存")
        verbose_name_plural = _("先行登记保存")

    def __str__(self) -> str:
        return f"{self.penalty_case_id} {self.started_on}"


class ServiceRecord(JurisdictionScoped):
    """送达: how and when a document reached the party (Art 61; 民事诉讼法 service rules)."""

    class Mode(models.TextChoices):
        DIRECT = "direct", _("直接送达")
        LEFT = "left", _("留置送达")
        POST = "post", _("邮寄送达")
        ELECTRONIC = "electronic", _("电子送达")
        PUBLIC_NOTICE = "public_notice", _("公告送达")

    penalty_case = models.ForeignKey(
        PenaltyCase, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="services"
    )

    class Document(models.TextChoices):
        NOTICE = "notice", _("行政处罚事先告知书")
        DECISION = "decision", _("行政处罚决定书")

    document = models.CharField(_("文书"), max_length=32, choices=Document.choices)
    mode = models.CharField(_("送达方式"), max_length=16, choices=Mode.choices)
    sent_on = models.DateField(_("送达/公告日期"))
    served_on = models.DateField(_("视为送达日期"))
    consent_signed = models.BooleanField(_("已签署电子送达确认书"), default=False)
    recipient = models.CharField(_("受送达人"), max_length=128, blank=True)
    witness = models.CharField(_("见证人"), max_length=128, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["penalty_case_id", "id"]
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")

    def __str__(self) -> str:
        return f"{self.document} {self.get_mode_display()}"


class CaseDocument(JurisdictionScoped):
    """A generated document (文书) of a case, stored as a sealed PDF."""

    penalty_case = models.ForeignKey(
        PenaltyCase, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("文书类别"), max_length=32)
    title = models.CharField(_("标题"), max_length=64)
    number = models.CharField(_("文号"), max_length=64, blank=True)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("生成时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["penalty_case_id", "id"]
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------------------------------------
# 6. Disclosure (执法公示)
# ---------------------------------------------------------------------------------------------


class Disclosure(JurisdictionScoped):
    """A published penalty decision with personal data masked (Art 48; 三项制度: 7 working days)."""

    penalty_case = models.OneToOneField(
        PenaltyCase, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="disclosure"
    )
    publish_by = models.DateField(_("公示期限"))
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    content = models.JSONField(_("公示内容（已脱敏）"), default=dict)
    withdraw_by = models.DateField(_("撤下期限"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤下原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("处罚公示")
        verbose_name_plural = _("处罚公示")
        indexes = [models.Index(fields=["jurisdiction", "published_at"], name="enf_disclosure_pub")]

    def __str__(self) -> str:
        return str(self.penalty_case_id)


# ---------------------------------------------------------------------------------------------
# 7. Remedies against a decision (行政复议、行政诉讼)
# ---------------------------------------------------------------------------------------------


class Remedy(JurisdictionScoped):
    """A 行政复议 or 行政诉讼 against a penalty decision, and how it ended (行政处罚法第59条、第73条; 行政复议法
    2023年修订 第63条至第69条; 行政诉讼法 第62条、第69条、第70条、第74条、第75条、第77条).

    A row is never changed or deleted: the result of a pending remedy, a correction of a mistyped one, or a second
    instance that replaces the first is a new row that ``replaces`` the one before; the replaced row stays as history
    and only the rows nobody replaces count (``current``)."""

    class Kind(models.TextChoices):
        RECONSIDERATION = "reconsideration", _("行政复议")
        LITIGATION = "litigation", _("行政诉讼")

    class Result(models.TextChoices):
        UPHELD = "upheld", _("维持")
        REJECTED = "rejected", _("驳回复议请求或诉讼请求")
        CHANGED = "changed", _("变更")
        ANNULLED = "annulled", _("撤销")
        PARTLY_ANNULLED = "partly_annulled", _("部分撤销")
        REDO = "redo", _("撤销并责令重新作出")
        ILLEGAL = "illegal", _("确认违法")
        VOID = "void", _("确认无效")
        MEDIATED = "mediated", _("调解或和解结案")
        WITHDRAWN = "withdrawn", _("撤回申请或撤诉")
        DISMISSED = "dismissed", _("不予受理或驳回起诉")

    penalty_case = models.ForeignKey(
        PenaltyCase, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="remedies"
    )
    kind = models.CharField(_("救济途径"), max_length=16, choices=Kind.choices)
    body = models.CharField(_("复议机关或人民法院"), max_length=128)
    number = models.CharField(_("案号"), max_length=64, blank=True)
    received_on = models.DateField(_("收到申请或起诉状日期"))
    decided_on = models.DateField(_("决定或裁判日期"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=16, choices=Result.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    attachment = models.ForeignKey(
        "cases.Attachment", verbose_name=_("文书"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("更正或取代的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["penalty_case_id", "id"]
        verbose_name = _("行政复议、行政诉讼")
        verbose_name_plural = _("行政复议、行政诉讼")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "replaces"], name="enf_remedy_replaced_once"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "decided_on"], name="enf_remedy_decided")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

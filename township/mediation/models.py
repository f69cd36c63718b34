"""People's mediation (人民调解 / 诉前调解, DOMAIN2 §4): committees, mediation cases, parties, sessions, the
agreement with its signatures, and the court's ruling on a 司法确认 application (an external event).

The state of a mediation lives only on its ``cases.Case``; phones and ID numbers are encrypted at rest (SM4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from township.core.tenancy import JurisdictionScoped


class Committee(JurisdictionScoped):
    """人民调解委员会 of a village (人民调解法第8条、第9条): 3–9 members, a chair; the term is stored per committee."""

    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=64)
    uscc = models.CharField(_("统一社会信用代码（签章用）"), max_length=18, blank=True)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("签章单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=128, blank=True)
    term_start = models.DateField(_("本届起始"), null=True, blank=True)
    term_end = models.DateField(_("本届届满"), null=True, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["village_id", "id"]
        verbose_name = _("人民调解委员会")
        verbose_name_plural = _("人民调解委员会")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "village", "name"], name="mediation_committee_name")
        ]

    def __str__(self) -> str:
        return self.name


class MemberTitle(models.TextChoices):
    CHAIR = "chair", _("主任")
    VICE_CHAIR = "vice_chair", _("副主任")
    MEMBER = "member", _("委员")
    HIRED = "hired", _("聘任调解员")


class CommitteeMember(JurisdictionScoped):
    committee = models.ForeignKey(
        Committee, verbose_name=_("调解委员会"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调解员"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("职务"), max_length=16, choices=MemberTitle.choices, default=MemberTitle.MEMBER)
    active = models.BooleanField(_("在任"), default=True)

    class Meta:
        ordering = ["committee_id", "id"]
        verbose_name = _("调解委员会成员")
        verbose_name_plural = _("调解委员会成员")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "committee", "user"], name="mediation_member_once")
        ]


class Source(models.TextChoices):
    APPLICATION = "application", _("当事人申请")
    OWN_INITIATIVE = "own_initiative", _("调委会主动调解")
    COURT = "court", _("法院委派（诉前调解）")
    REFERRAL = "referral", _("转来（社情民意/12345/信访/网格）")


class DisputeType(models.TextChoices):
    MARRIAGE_FAMILY = "marriage_family", _("婚姻家庭纠纷")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    HOMESTEAD = "homestead", _("房屋宅基地纠纷")
    LAND = "land", _("土地承包经营纠纷")
    CONTRACT = "contract", _("合同纠纷")
    DAMAGE = "damage", _("损害赔偿纠纷")
    LABOUR = "labour", _("劳动（劳务）纠纷")
    PROPERTY_MGMT = "property_mgmt", _("物业纠纷")
    OTHER = "other", _("其他纠纷")


class Outcome(models.TextChoices):
    AGREEMENT_WRITTEN = "agreement_written", _("达成书面协议")
    AGREEMENT_ORAL = "agreement_oral", _("达成口头协议")
    FAILED = "failed", _("调解不成")
    WITHDRAWN = "withdrawn", _("撤回/终止")
    REFUSED = "refused", _("当事人拒绝调解")


class Mediation(JurisdictionScoped):
    """One mediation case (调解案件); ``case`` carries state, clock, number and timeline."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="mediation"
    )
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("调解委员会"), on_delete=models.PROTECT, related_name="cases"
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.APPLICATION)
    court_name = models.CharField(_("委派法院"), max_length=64, blank=True)
    dispute_type = models.CharField(_("纠纷类型"), max_length=20, choices=DisputeType.choices)
    summary = models.TextField(_("纠纷简要情况"))
    claims = models.TextField(_("当事人请求"), blank=True)
    received_on = models.DateField(_("申请日期"))
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调解员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mediator_chosen_by = models.CharField(_("调解员产生方式"), max_length=32, blank=True)
    outcome = models.CharField(_("调解结果"), max_length=20, choices=Outcome.choices, blank=True)
    ended_on = models.DateField(_("终结日期"), null=True, blank=True)
    end_reason = models.TextField(_("终止原因"), blank=True)
    routes_notice = models.TextField(_("其他救济途径告知"), blank=True)
    routes_told_on = models.DateField(_("告知日期"), null=True, blank=True)
    referral_court = models.CharField(_("引导诉讼至"), max_length=64, blank=True)
    referral_on = models.DateField(_("移送日期"), null=True, blank=True)
    referral_note = models.TextField(_("移送说明"), blank=True)
    archived_on = models.DateField(_("归档日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("调解案件")
        verbose_name_plural = _("调解案件")

    def __str__(self) -> str:
        return self.case.number if self.case_id else ""


class Side(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")


class Consent(models.TextChoices):
    PENDING = "pending", _("待征询")
    AGREED = "agreed", _("同意调解")
    REFUSED = "refused", _("拒绝调解")


class Party(BlindIndexedModel, JurisdictionScoped):
    mediation = models.ForeignKey(
        Mediation, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="parties"
    )
    side = models.CharField(_("当事人地位"), max_length=12, choices=Side.choices)
    name = models.CharField(_("姓名/名称"), max_length=64)
    resident_id = EncryptedCharField(_("身份证号"), max_length=18, blank=True)
    resident_id_index = BlindIndexField(_("身份证号索引"), source="resident_id")
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    address = EncryptedCharField(_("住址"), max_length=128, blank=True)
    consent = models.CharField(_("是否同意调解"), max_length=10, choices=Consent.choices, default=Consent.PENDING)
    consent_on = models.DateField(_("征询日期"), null=True, blank=True)
    consent_note = models.CharField(_("征询说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["mediation_id", "side", "id"]
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")


class Session(JurisdictionScoped):
    """调解记录 (人民调解法第27条)."""

    mediation = models.ForeignKey(
        Mediation, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("调解日期"))
    place = models.CharField(_("调解地点"), max_length=128)
    present = models.CharField(_("参加人员"), max_length=300)
    summary = models.TextField(_("调解情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["mediation_id", "held_on", "id"]
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")


class Recusal(JurisdictionScoped):
    """回避: a party asked that a mediator withdraw (人民调解法第23条：选择或者接受调解员)."""

    mediation = models.ForeignKey(
        Mediation, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="recusals"
    )
    party = models.ForeignKey(Party, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+")
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回避的调解员"), on_delete=models.PROTECT, related_name="+"
    )
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更换的调解员"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("理由"), max_length=300)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("回避")
        verbose_name_plural = _("回避")


class AgreementForm(models.TextChoices):
    WRITTEN = "written", _("书面协议")
    ORAL = "oral", _("口头协议")


class Agreement(JurisdictionScoped):
    """调解协议 (人民调解法第28–30条)."""

    mediation = models.OneToOneField(
        Mediation, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="agreement"
    )
    form = models.CharField(_("协议形式"), max_length=8, choices=AgreementForm.choices)
    number = models.CharField(_("协议编号"), max_length=64)
    facts = models.TextField(_("纠纷的主要事实"), blank=True)
    issues = models.TextField(_("争议事项"), blank=True)
    responsibilities = models.TextField(_("各方当事人的责任"), blank=True)
    content = models.TextField(_("协议内容"))
    performance = models.TextField(_("履行方式"))
    performance_deadline = models.DateField(_("履行期限"), null=True, blank=True)
    reached_on = models.DateField(_("达成日期"))
    sealed_on = models.DateField(_("盖章日期"), null=True, blank=True)
    sealed_document = models.ForeignKey(
        "certificates.SealedDocument",
        verbose_name=_("电子签章"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("制作人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("制作时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("调解协议")
        verbose_name_plural = _("调解协议")


class SignMethod(models.TextChoices):
    SIGN = "sign", _("签名")
    SEAL = "seal", _("盖章")
    FINGERPRINT = "fingerprint", _("按指印")


class Signature(JurisdictionScoped):
    """One signature on the agreement: a party's (签名/盖章/按指印) or the mediator's (``party`` empty)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("调解协议"), on_delete=models.CASCADE, related_name="signatures"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("当事人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(_("签署人"), max_length=64)
    method = models.CharField(_("方式"), max_length=12, choices=SignMethod.choices, default=SignMethod.SIGN)
    signed_on = models.DateField(_("签署日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["agreement_id", "id"]
        verbose_name = _("签署")
        verbose_name_plural = _("签署")


class Matter(models.TextChoices):
    """What the agreement settles, as the court will see it (民诉法解释第355条)."""

    CIVIL = "civil", _("一般民事权利义务（给付、赔偿、履行等）")
    IDENTITY = "identity", _("身份关系（婚姻、亲子、收养关系的确认或解除）")
    PROPERTY_TITLE = "property_title", _("物权确权")
    IP_TITLE = "ip_title", _("知识产权确权")
    SPECIAL = "special", _("适用其他特别程序、公示催告或破产程序的事项")


NOT_CONFIRMABLE = (Matter.IDENTITY, Matter.PROPERTY_TITLE, Matter.IP_TITLE, Matter.SPECIAL)


class Ruling(models.TextChoices):
    PENDING = "", _("待裁定")
    VALID = "valid", _("裁定调解协议有效")
    REJECTED = "rejected", _("裁定驳回申请")


class Confirmation(JurisdictionScoped):
    """The parties' joint 司法确认 application (民诉法第205条) and the court's ruling (第206条), recorded here as an
    external event: the village centre prepares the pack, only the court rules."""

    mediation = models.OneToOneField(
        Mediation, verbose_name=_("调解案件"), on_delete=models.CASCADE, related_name="confirmation"
    )
    court = models.CharField(_("受理法院"), max_length=64)
    matter = models.CharField(_("协议事项"), max_length=20, choices=Matter.choices)
    applied_on = models.DateField(_("共同申请日期"))
    ruling = models.CharField(_("法院裁定"), max_length=10, choices=Ruling.choices, blank=True, default="")
    ruling_number = models.CharField(_("裁定书文号"), max_length=64, blank=True)
    ruled_on = models.DateField(_("裁定日期"), null=True, blank=True)
    ruling_note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("司法确认")
        verbose_name_plural = _("司法确认")

"""The subject registry: natural persons (resident ID) and organisations (USCC).

A person or an enterprise is one row everywhere (keyed by its identifier), but it is *seen* only where
it is present: ``SubjectPresence`` is the tenant row (town code + village) written wherever the subject
registered, applied, was a party or got a credit record, and every staff read is scoped by it (fail-closed,
see selectors). ``registered_in`` records where the subject was first registered.

Resident IDs and phone numbers are encrypted at rest (SM4, township.core.fields) and looked up through
the keyed SM3 blind index ``resident_id_index``; showing them in full is the permission
``subjects.reveal_personal_data`` and every reveal is a ``RevealLog`` row (docs/security.md).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.core.fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from township.core.tenancy import JurisdictionScoped


class SubjectKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "org", _("法人和其他组织")


class OrgKind(models.TextChoices):
    """Derived from USCC positions 1-2 (GB 32100, DOMAIN §5.1)."""

    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    VILLAGE_COLLECTIVE = "village_collective", _("农村集体经济组织")
    OTHER = "other", _("其他组织")


class RegistrationChannel(models.TextChoices):
    """Where a subject was registered (登记途径)."""

    WINDOW = "window", _("综合窗口登记")
    VILLAGE_AGENT = "village_agent", _("村代办员登记")
    IMPORT = "import", _("Excel批量导入")
    ONLINE = "online", _("网上自行登记")
    OTHER = "other", _("业务办理中登记")


class CreditClass(models.TextChoices):
    """信用风险分类 used to set random-inspection ratios (A best, D worst)."""

    A = "A", _("A类（信用好）")
    B = "B", _("B类（信用较好）")
    C = "C", _("C类（信用一般）")
    D = "D", _("D类（信用差）")


class Subject(BlindIndexedModel):
    kind = models.CharField(_("主体类别"), max_length=8, choices=SubjectKind.choices)
    resident_id = EncryptedCharField(_("身份证号"), max_length=18, null=True, blank=True)
    resident_id_index = BlindIndexField(_("身份证号索引"), source="resident_id", unique=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True)
    name = models.CharField(_("名称/姓名"), max_length=128)
    org_kind = models.CharField(_("组织类型"), max_length=24, choices=OrgKind.choices, blank=True)
    legal_representative = models.CharField(_("法定代表人/经营者"), max_length=64, blank=True)
    legal_representative_subject = models.ForeignKey(
        "self",
        verbose_name=_("法定代表人（自然人主体）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="represented_orgs",
    )
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址/住所"), max_length=255, blank=True)
    registered_in = models.ForeignKey(
        "org.Jurisdiction",
        verbose_name=_("登记所在区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credit_class = models.CharField(_("信用风险分类"), max_length=1, choices=CreditClass.choices, blank=True)
    registration_channel = models.CharField(
        _("登记途径"), max_length=16, choices=RegistrationChannel.choices, default=RegistrationChannel.OTHER
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A duplicate merged by a recorded correction (SubjectCorrection) stays as a tombstone pointing here.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("已合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_subjects",
    )
    merged_at = models.DateTimeField(_("合并时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("主体")
        verbose_name_plural = _("主体")
        permissions = [("reveal_personal_data", _("查看完整个人信息（身份证号、手机号）"))]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="person", resident_id__isnull=False, uscc__isnull=True)
                    | Q(kind="org", uscc__isnull=False, resident_id__isnull=True)
                ),
                name="subjects_subject_identifier_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["registered_in", "kind", "id"], name="subjects_reg_kind"),
            models.Index(fields=["credit_class", "id"], name="subjects_credit_class"),
        ]

    def __str__(self) -> str:
        return f"{self.masked_name}（{self.masked_identifier}）"

    @property
    def identifier(self) -> str:
        return (self.resident_id if self.kind == SubjectKind.PERSON else self.uscc) or ""

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def kind_label(self) -> str:
        """自然人, or the organisation kind (企业, 个体工商户, …)."""
        if self.is_person:
            return str(self.get_kind_display())
        return str(self.get_org_kind_display() or self.get_kind_display())

    @property
    def is_person(self) -> bool:
        return self.kind == SubjectKind.PERSON

    @property
    def birth_date(self) -> datetime.date | None:
        if not self.is_person or not self.resident_id:
            return None
        try:
            return datetime.date(
                int(self.resident_id[6:10]), int(self.resident_id[10:12]), int(self.resident_id[12:14])
            )
        except ValueError:
            return None

    @property
    def gender(self) -> str:
        """``"male"``/``"female"`` from the sequence digit's parity (GB 11643); empty for organisations."""
        if not self.is_person or not self.resident_id:
            return ""
        return "male" if int(self.resident_id[16]) % 2 else "female"

    @property
    def masked_name(self) -> str:
        from township.core.identifiers import mask_name

        return mask_name(self.name) if self.is_person else self.name

    @property
    def masked_identifier(self) -> str:
        from township.core.identifiers import mask_resident_id

        return mask_resident_id(self.resident_id or "") if self.is_person else self.identifier

    @property
    def masked_phone(self) -> str:
        from township.core.identifiers import mask_phone

        return mask_phone(self.phone)


class PresenceSource(models.TextChoices):
    REGISTERED = "registered", _("登记")
    APPLICATION = "application", _("办件申请人")
    ENFORCEMENT = "enforcement", _("执法当事人")
    CREDIT = "credit", _("信用记录")
    CERTIFICATE = "certificate", _("证照持有人")


class SubjectPresence(JurisdictionScoped):
    """The subject is known in this town (tenant key) and, if set, this village: the scope of every read."""

    subject = models.ForeignKey(Subject, verbose_name=_("主体"), on_delete=models.CASCADE, related_name="presences")
    village = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("村社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=16, choices=PresenceSource.choices)
    created_at = models.DateTimeField(_("首次出现"), auto_now_add=True)

    class Meta:
        verbose_name = _("主体所在辖区")
        verbose_name_plural = _("主体所在辖区")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "subject", "village"], name="subjects_presence_once"),
            models.UniqueConstraint(
                fields=["jurisdiction", "subject"],
                condition=Q(village__isnull=True),
                name="subjects_presence_town_once",
            ),
        ]
        indexes = [models.Index(fields=["subject", "jurisdiction"], name="subjects_presence_subject")]

    def __str__(self) -> str:
        return f"{self.subject_id} @ {self.jurisdiction_id}"


class RevealField(models.TextChoices):
    RESIDENT_ID = "resident_id", _("身份证号")
    PHONE = "phone", _("联系电话")


class RevealLog(JurisdictionScoped):
    """One showing of a personal value in full: who, when, from where, which subject and field (append-only)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    subject = models.ForeignKey(Subject, verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("字段"), max_length=16, choices=RevealField.choices)
    channel = models.CharField(_("途径"), max_length=8, default="web")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        indexes = [models.Index(fields=["jurisdiction", "at"], name="subjects_reveal_at")]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.field} {self.subject_id} {self.at:%Y-%m-%d %H:%M}"


class CorrectionKind(models.TextChoices):
    MERGE = "merge", _("重复主体合并")


class SubjectCorrection(JurisdictionScoped):
    """A recorded correction of the registry (更正记录): two records of one subject merged into the survivor.

    Append-only. Shown on both subjects' pages; ``moved`` counts the rows moved per model, ``kept`` lists rows
    left on the merged subject because the survivor already held an identical one (nothing is deleted).
    """

    kind = models.CharField(_("更正类型"), max_length=8, choices=CorrectionKind.choices, default=CorrectionKind.MERGE)
    survivor = models.ForeignKey(
        Subject, verbose_name=_("保留主体"), on_delete=models.PROTECT, related_name="corrections_kept"
    )
    merged = models.ForeignKey(
        Subject, verbose_name=_("被合并主体"), on_delete=models.PROTECT, related_name="corrections_merged"
    )
    reason = models.TextField(_("更正理由"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("更正时间"), auto_now_add=True)
    moved = models.JSONField(_("迁移记录数"), default=dict, blank=True)
    kept = models.JSONField(_("保留在原主体的重复记录"), default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("主体更正记录")
        verbose_name_plural = _("主体更正记录")

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"

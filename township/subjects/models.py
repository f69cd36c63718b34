"""The subject registry: natural persons (resident ID) and organisations (USCC).

Subjects are shared reference rows keyed by their identifier, not tenant rows: a person or an
enterprise is the same everywhere. ``registered_in`` records where the subject was first registered.
Every later capability (approval, library, enforcement, inspections, credit) points at ``Subject``.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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


class CreditClass(models.TextChoices):
    """信用风险分类 used to set random-inspection ratios (A best, D worst)."""

    A = "A", _("A类（信用好）")
    B = "B", _("B类（信用较好）")
    C = "C", _("C类（信用一般）")
    D = "D", _("D类（信用差）")


class Subject(models.Model):
    kind = models.CharField(_("主体类别"), max_length=8, choices=SubjectKind.choices)
    resident_id = models.CharField(_("身份证号"), max_length=18, null=True, blank=True, unique=True)
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
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
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
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("主体")
        verbose_name_plural = _("主体")
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
        return f"{self.name}（{self.identifier}）"

    @property
    def identifier(self) -> str:
        return (self.resident_id if self.kind == SubjectKind.PERSON else self.uscc) or ""

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

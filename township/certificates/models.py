"""Electronic certificates (电子证照), the issuing units' seal keys and the shared library (一库共享).

- ``SealKey``: one SM2 key pair per issuing unit (department with a USCC). The private key is stored
  encrypted (SM4-CBC under a key derived from ``TOWNSHIP_SEAL_MASTER_KEY`` or ``SECRET_KEY``) and is
  never shown in the admin or the API.
- ``Certificate``: GB/T 36904 identifier, signed canonical payload, status valid/suspended/revoked
  (expired is computed from ``valid_until``).
- ``CertificateStatusChange``: who suspended/revoked/restored a certificate, when and why.
- ``LibraryItem``: every certificate and verified material, stored once per subject and material type
  (deduplicated by SHA-256), offered to later applications.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from township.core.fields import EncryptedTextField
from township.core.tenancy import JurisdictionScoped


class SealKey(JurisdictionScoped):
    department = models.ForeignKey(
        "org.Department", verbose_name=_("签发单位"), on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("印章单位名称"), max_length=128)
    uscc = models.CharField(_("单位统一社会信用代码"), max_length=18)
    public_key = models.CharField(_("SM2公钥（04||x||y，十六进制）"), max_length=130)
    private_key_encrypted = models.TextField(_("SM2私钥（SM4加密）"), editable=False)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        ordering = ["jurisdiction_id", "id"]
        verbose_name = _("签章密钥")
        verbose_name_plural = _("签章密钥")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "department"],
                condition=models.Q(active=True),
                name="certificates_sealkey_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} · {self.public_key[2:14]}…"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("已暂停")
    REVOKED = "revoked", _("已撤销")


class Certificate(JurisdictionScoped):
    identifier = models.CharField(_("证照标识"), max_length=160)
    type_code = models.CharField(_("证照类型代码"), max_length=40)
    type_name = models.CharField(_("证照名称"), max_length=128)
    material_type_code = models.CharField(_("材料类型代码"), max_length=64, blank=True)
    holder = models.ForeignKey(
        "subjects.Subject", verbose_name=_("持证主体"), on_delete=models.PROTECT, related_name="certificates"
    )
    issuer_department = models.ForeignKey(
        "org.Department", verbose_name=_("颁发单位"), on_delete=models.PROTECT, related_name="+"
    )
    issuer_name = models.CharField(_("颁发单位名称"), max_length=128)
    issuer_uscc = models.CharField(_("颁发单位代码"), max_length=18)
    serial = models.CharField(_("流水号"), max_length=40)
    version = models.CharField(_("版本号"), max_length=3, default="001")
    data = models.JSONField(_("证照数据"), default=dict, blank=True)
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("空表示长期有效"))
    status = models.CharField(
        _("状态"), max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    status_reason = models.TextField(_("状态变更原因"), blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    source_app = models.CharField(_("来源业务"), max_length=32, blank=True)
    source_case = models.ForeignKey(
        "cases.Case", verbose_name=_("来源案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seal_key = models.ForeignKey(SealKey, verbose_name=_("签章密钥"), on_delete=models.PROTECT, related_name="+")
    # Holds the holder's resident ID: SM4-encrypted at rest, clear (and signed bytes unchanged) in Python.
    signed_payload = EncryptedTextField(_("签名原文（规范化JSON）"))
    signature = models.CharField(_("SM2签名（DER，十六进制）"), max_length=160)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "identifier"], name="certificates_cert_unique_identifier"),
            models.UniqueConstraint(
                fields=["jurisdiction", "issuer_uscc", "type_code", "serial", "version"],
                name="certificates_cert_unique_serial",
            ),
        ]
        indexes = [
            models.Index(fields=["identifier"], name="certificates_cert_identifier"),
            models.Index(fields=["holder", "-issued_at"], name="certificates_cert_holder"),
            models.Index(fields=["jurisdiction", "-issued_at", "id"], name="certificates_cert_jur"),
        ]

    def __str__(self) -> str:
        return f"{self.type_name} {self.identifier}"

    def effective_status(self, on: datetime.date | None = None) -> str:
        """valid / suspended / revoked / expired (expired is computed, revoked and suspended win)."""
        if self.status != CertificateStatus.VALID:
            return self.status
        day = on or timezone.localdate()
        if self.valid_until is not None and self.valid_until < day:
            return "expired"
        if self.valid_from > day:
            return "not_yet_valid"
        return CertificateStatus.VALID


class CertificateStatusChange(JurisdictionScoped):
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("证照"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("原状态"), max_length=12, choices=CertificateStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=12, choices=CertificateStatus.choices)
    reason = models.TextField(_("原因"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_case = models.ForeignKey(
        "cases.Case", verbose_name=_("依据案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("证照状态变更")
        verbose_name_plural = _("证照状态变更")

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.from_status} → {self.to_status}"


class LibraryItem(JurisdictionScoped):
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="library_items"
    )
    material_type_code = models.CharField(_("材料类型代码"), max_length=64)
    title = models.CharField(_("名称"), max_length=200)
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("电子证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="library_items",
    )
    file = models.FileField(_("文件"), upload_to="library/%Y/%m/", blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    source_app = models.CharField(_("来源业务"), max_length=32, blank=True)
    source_case = models.ForeignKey(
        "cases.Case", verbose_name=_("来源案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("入库时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("材料库条目")
        verbose_name_plural = _("材料库条目")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "subject", "material_type_code", "sha256"], name="certificates_library_once"
            ),
        ]
        indexes = [models.Index(fields=["subject", "material_type_code", "-created_at"], name="certificates_lib_offer")]

    def __str__(self) -> str:
        return f"{self.title}（{self.material_type_code}）"

    def is_usable(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        if self.withdrawn_at is not None:
            return False
        if self.valid_until is not None and self.valid_until < day:
            return False
        return not (self.certificate is not None and self.certificate.effective_status(day) != CertificateStatus.VALID)


class SealedDocument(JurisdictionScoped):
    """A decision letter or notice sealed with the unit's SM2 key (一章审批): its verification code, printed on the
    paper with a QR code, lets anyone check that the text was issued as it stands (SPEC §3.2)."""

    # "D", the unit's jurisdiction code, "-", 16 hex digits (core.citus.public_code): unique per jurisdiction is
    # unique everywhere, and the public check is routed to one shard.
    code = models.CharField(_("核验码"), max_length=40)
    key = models.ForeignKey(SealKey, verbose_name=_("签章密钥"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("文书类别"), max_length=32)
    title = models.CharField(_("文书名称"), max_length=64)
    number = models.CharField(_("文号"), max_length=64, blank=True)
    issued_on = models.DateField(_("日期"))
    content = models.TextField(_("签名内容（规范化JSON）"))
    content_sha256 = models.CharField(_("内容摘要"), max_length=64)
    signature = models.TextField(_("SM2签名（DER，十六进制）"))
    source_case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("电子签章文书")
        verbose_name_plural = _("电子签章文书")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "source_case", "kind", "content_sha256"], name="cert_sealed_doc_once"
            ),
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="cert_sealed_doc_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.code}"

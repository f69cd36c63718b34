"""Jurisdictions (division codes), departments, staff users and per-unit role grants.

Jurisdiction, Department, User and RoleGrant are small shared (reference) tables.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.core.fields import BlindIndexedModel, BlindIndexField, EncryptedCharField


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("区县")
    TOWN = "town", _("乡镇街道")
    VILLAGE = "village", _("村社区")


# Length of the division code at each level (GB/T 2260 + NBS statistical codes).
CODE_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWN: 9, Level.VILLAGE: 12}


class Jurisdiction(models.Model):
    """An administrative division, keyed by its real division code (NBS vintage recorded)."""

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    vintage = models.PositiveSmallIntegerField(_("代码年份"), default=2023)
    short_name = models.CharField(_("简称"), max_length=16, blank=True, help_text=_("用于案件编号，如“白沙”"))
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def tenant_code(self) -> str:
        """The tenant key for rows owned here: the town for villages, else the unit itself."""
        if self.level == Level.VILLAGE and self.parent_id:
            return str(self.parent_id)
        return self.code

    def display_short(self) -> str:
        if self.short_name:
            return self.short_name
        for suffix in ("街道", "镇", "乡", "区", "县", "市"):
            if self.name.endswith(suffix) and len(self.name) > len(suffix):
                return self.name[: -len(suffix)]
        return self.name


class Department(models.Model):
    """A department inside a town or county (三办八局: 党政办, 行政审批局, 综合行政执法局…)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("名称"), max_length=64)
    short_name = models.CharField(_("简称"), max_length=16, blank=True)
    kind = models.CharField(_("类别"), max_length=32, blank=True, help_text=_("如 approval / enforcement / office"))
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["jurisdiction_id", "sort", "id"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="org_department_unique_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Roles from SPEC §2, held per unit through RoleGrant."""

    APPLICANT = "applicant", _("申请人")
    VILLAGE_AGENT = "village_agent", _("村代办员")
    WINDOW_CLERK = "window_clerk", _("综合窗口")
    APPROVER = "approver", _("审批人员")
    APPROVAL_HEAD = "approval_head", _("审批负责人")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("执法队员")
    LEGAL_REVIEWER = "legal_reviewer", _("法制审核员")
    GRID_PATROLLER = "grid_patroller", _("网格巡查员")
    GRID_HEAD = "grid_head", _("网格长")
    GRID_SUPERVISOR = "grid_supervisor", _("网格督导员")
    GRID_POLICE = "grid_police", _("网格警务员")
    GRID_VOLUNTEER = "grid_volunteer", _("网格志愿者")
    DISPATCHER = "dispatcher", _("指挥中心调度员")
    HANDLER = "handler", _("处置部门人员")
    LEADER = "leader", _("领导")
    HOTLINE_OPERATOR = "hotline_operator", _("12345热线工单受理员")
    PETITION_OFFICER = "petition_officer", _("信访工作人员")
    MEDIATOR = "mediator", _("人民调解员")
    CREDIT_OFFICER = "credit_officer", _("信用管理员")
    ADMINISTRATOR = "administrator", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


GRID_ROLES = (Role.GRID_PATROLLER, Role.GRID_HEAD, Role.GRID_SUPERVISOR, Role.GRID_POLICE, Role.GRID_VOLUNTEER)


class DataScope(models.TextChoices):
    """数据权限 of a grant (CONVENTIONS §3; resolved by ``township.org.scoping.resolve_scope``)."""

    ALL = "all", _("全部")
    CUSTOM = "custom", _("自定")
    UNIT = "unit", _("本单位")
    UNIT_AND_BELOW = "unit_and_below", _("本单位及以下")
    SELF = "self", _("仅本人")


class User(BlindIndexedModel, AbstractUser):
    """A staff member or a registered applicant. Phone and resident ID are SM4-encrypted; look the resident ID
    up with ``resident_id_index=blind_index(value)`` (township.core.crypto)."""

    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = EncryptedCharField(_("手机号"), max_length=20, blank=True)
    resident_id = EncryptedCharField(_("身份证号"), max_length=18, blank=True)
    resident_id_index = BlindIndexField(_("身份证号索引"), source="resident_id", db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    must_change_password = models.BooleanField(_("首次登录须改密"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """As Django's, except that a superuser is not implicitly given business tables (三员分立, org.duties)."""
        from township.org.duties import superuser_refused

        if self.is_active and self.is_superuser and superuser_refused(perm):
            return False  # business work needs role grants in a unit, not a superuser flag
        return super().has_perm(perm, obj)


class RoleGrant(models.Model):
    """One role held by one user in one unit (and optionally one department there)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="grants")
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("单位"), on_delete=models.PROTECT)
    department = models.ForeignKey(Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    data_scope = models.CharField(_("数据权限"), max_length=20, choices=DataScope.choices, default=DataScope.UNIT)
    # 自定 (CUSTOM): the units ticked for this grant, inside the grant's unit (others are ignored: fail-closed).
    custom_departments = models.ManyToManyField(
        Department, verbose_name=_("自定部门"), blank=True, related_name="+", help_text=_("数据权限为“自定”时有效")
    )
    custom_units = models.ManyToManyField(
        Jurisdiction, verbose_name=_("自定区划"), blank=True, related_name="+", help_text=_("数据权限为“自定”时有效")
    )
    created_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        ordering = ["user_id", "jurisdiction_id", "role"]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "jurisdiction", "role", "department"], name="org_rolegrant_unique")
        ]
        indexes = [models.Index(fields=["jurisdiction", "role"], name="org_grant_jur_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.jurisdiction.name} · {self.get_role_display()}"

    def clean(self) -> None:
        """三员分立: the three administrator roles exclude each other per user (township.org.duties)."""
        from django.core.exceptions import ValidationError

        from township.org.duties import RoleConflict, check_grant

        super().clean()
        try:
            check_grant(self.user_id, self.role, self.pk)
        except RoleConflict as exc:
            raise ValidationError({"role": exc.message}, code=exc.code) from exc

    def save(self, *args: Any, **kwargs: Any) -> None:
        from township.org.duties import check_grant

        check_grant(self.user_id, self.role, self.pk)  # refused at save too, whatever the path (RoleConflict)
        super().save(*args, **kwargs)


class ApiToken(models.Model):
    """A personal API token for integrations. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=64)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuthzVersion(models.Model):
    """One row: a value replaced by every change of a grant, its ticked units, a unit or a department.

    Database triggers write it (migration ``0006_authz_version``), so no write path can miss it: the admin, the
    services, bulk updates and raw SQL alike. Each value is new (a sequence on PostgreSQL, a 64-bit random value
    on SQLite): a rolled-back change's value is never seen again. ``township.org.scoping`` keeps each user's
    grants across requests while the value read with the request's user is the one they were read under.
    """

    value = models.BigIntegerField(_("版本"))

    class Meta:
        verbose_name = _("授权版本")
        verbose_name_plural = _("授权版本")

    def __str__(self) -> str:
        return str(self.value)

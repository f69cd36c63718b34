"""系统管理 (issue 16): posts (岗位), a user's home unit, dictionaries (字典), runtime parameters (参数设置), notices.

Small reference tables; every change goes through ``township.system.services`` and is recorded in the operation
log (township.audit). Nothing is deleted: rows are disabled (``active``) or notices withdrawn.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.org.models import Department, Jurisdiction


class Post(models.Model):
    """岗位: a duty position such as 窗口受理员 or 网格员, assignable to users (independent of role grants)."""

    code = models.CharField(_("岗位编码"), max_length=32, unique=True)
    name = models.CharField(_("岗位名称"), max_length=64)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    remark = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")

    def __str__(self) -> str:
        return self.name


class UserProfile(models.Model):
    """A user's home unit and department (归属单位, as RoleGrant is per post of duty) and posts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="system_profile"
    )
    unit = models.ForeignKey(Jurisdiction, verbose_name=_("归属单位"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name=_("归属部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posts = models.ManyToManyField(Post, verbose_name=_("岗位"), blank=True, related_name="profiles")

    class Meta:
        verbose_name = _("用户归属")
        verbose_name_plural = _("用户归属")

    def __str__(self) -> str:
        return f"{self.user} · {self.unit.name}"


class DictType(models.Model):
    """字典类型. ``builtin`` types mirror choices defined in code and are read-only."""

    code = models.CharField(_("字典编码"), max_length=64, unique=True)
    name = models.CharField(_("字典名称"), max_length=64)
    builtin = models.BooleanField(_("内置（代码定义）"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    remark = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["-builtin", "code"]
        verbose_name = _("字典类型")
        verbose_name_plural = _("字典类型")

    def __str__(self) -> str:
        return self.name


class DictItem(models.Model):
    """字典数据: one value and its label inside a type."""

    dict_type = models.ForeignKey(DictType, verbose_name=_("字典类型"), on_delete=models.PROTECT, related_name="items")
    value = models.CharField(_("字典键值"), max_length=64)
    label = models.CharField(_("字典标签"), max_length=100)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    builtin = models.BooleanField(_("内置（代码定义）"), default=False)

    class Meta:
        ordering = ["dict_type_id", "sort", "id"]
        verbose_name = _("字典数据")
        verbose_name_plural = _("字典数据")
        constraints = [models.UniqueConstraint(fields=["dict_type", "value"], name="system_dictitem_unique_value")]

    def __str__(self) -> str:
        return f"{self.dict_type.code}:{self.label}"


class ParamKind(models.TextChoices):
    INTEGER = "int", _("整数")
    BOOLEAN = "bool", _("是/否")
    TEXT = "text", _("文本")


class Parameter(models.Model):
    """参数设置: a runtime parameter. The stored value overrides the deployment default (``settings``)."""

    key = models.CharField(_("参数键名"), max_length=64, unique=True)
    name = models.CharField(_("参数名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=8, choices=ParamKind.choices, default=ParamKind.TEXT)
    value = models.CharField(_("参数值"), max_length=500, blank=True, help_text=_("留空则使用部署默认值"))
    min_value = models.IntegerField(_("最小值"), null=True, blank=True)
    max_value = models.IntegerField(_("最大值"), null=True, blank=True)
    setting = models.CharField(_("对应配置项"), max_length=64, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    builtin = models.BooleanField(_("内置"), default=False)

    class Meta:
        ordering = ["key"]
        verbose_name = _("参数")
        verbose_name_plural = _("参数")

    def __str__(self) -> str:
        return self.name


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("通知")
    ANNOUNCEMENT = "announcement", _("公告")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Notice(models.Model):
    """通知公告, shown on the workbench of users in the unit (and the units below it) once published."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    body = models.TextField(_("内容"), max_length=5000)
    status = models.CharField(_("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        indexes = [models.Index(fields=["status", "jurisdiction"], name="system_notice_status_jur")]

    def __str__(self) -> str:
        return self.title

"""The operation log (操作日志): one append-only row per create, change or delete of an audited model.

The row carries copies, not foreign keys, of the actor and the object (a deleted user or object keeps its log), so
nothing ever has to update it. On PostgreSQL a trigger refuses UPDATE and DELETE (``append_only``); TRUNCATE, used
only by test flushes, is not a row operation. There is no purge: rows are kept for good (at least 180 days by law).
"""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class Utf8JsonEncoder(DjangoJSONEncoder):
    """Chinese kept as text in the stored JSON, so the text search also finds it on SQLite."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class Action(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


class Source(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    ADMIN = "admin", _("后台管理")
    SYSTEM = "system", _("系统")


class OperationLog(models.Model):
    """操作日志: who changed what, where from, and the field values before and after (personal data masked)."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True)
    actor_username = models.CharField(_("登录名"), max_length=150)
    actor_name = models.CharField(_("操作人"), max_length=64, blank=True)
    actor_unit = models.CharField(_("操作人单位"), max_length=160, blank=True)
    jurisdiction_code = models.CharField(
        _("所属单位代码"), max_length=12, blank=True, help_text=_("对象所属的单位；无单位的对象为操作人的单位")
    )
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    action = models.CharField(_("操作"), max_length=8, choices=Action.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("对象类型"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("对象ID"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    changes = models.JSONField(
        _("变更内容"), default=dict, encoder=Utf8JsonEncoder, help_text=_("字段 → [修改前, 修改后]；个人信息已脱敏")
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        indexes = [
            models.Index(fields=["jurisdiction_code", "-id"], name="audit_oplog_unit_id"),
            models.Index(fields=["content_type", "object_id"], name="audit_oplog_object"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.action} {self.object_repr}"

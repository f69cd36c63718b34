"""Sign-in security records (等保 level 3): the login log, failure throttle and password history.

These are account-level (not business) tables, so they carry no jurisdiction tenant key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginLog(models.Model):
    """登录日志: every sign-in attempt, successful or not, and every sign-out. Append-only."""

    class Result(models.TextChoices):
        SUCCESS = "success", _("登录成功")
        FAILED = "failed", _("密码错误")
        LOCKED = "locked", _("账户锁定中")
        LOCKED_NOW = "locked_now", _("连续失败，账户锁定")
        INACTIVE = "inactive", _("账户停用或不存在")
        LOGOUT = "logout", _("退出登录")
        UNLOCKED = "unlocked", _("管理员解锁")

    username = models.CharField(_("登录名"), max_length=150, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result = models.CharField(_("结果"), max_length=16, choices=Result.choices)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=255, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("登录日志")
        verbose_name_plural = _("登录日志")

    def __str__(self) -> str:
        return f"{self.username} {self.result} {self.at:%Y-%m-%d %H:%M}"

    @property
    def ok(self) -> bool:
        return self.result in (self.Result.SUCCESS, self.Result.LOGOUT, self.Result.UNLOCKED)


class LoginThrottle(models.Model):
    """Consecutive failed sign-ins per login name; a lock until ``locked_until`` after too many."""

    username = models.CharField(_("登录名"), max_length=150, unique=True)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")

    def __str__(self) -> str:
        return self.username


class PasswordHistory(models.Model):
    """Each password a user has had (its hash), newest first: expiry and no-reuse checks."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+"
    )
    password_hash = models.CharField(_("口令摘要"), max_length=128)
    changed_at = models.DateTimeField(_("修改时间"))

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("口令历史")
        verbose_name_plural = _("口令历史")
        indexes = [models.Index(fields=["user", "changed_at"], name="web_pwhist_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.changed_at:%Y-%m-%d}"

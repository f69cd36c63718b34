"""The Django admin is for superusers only (issue 16: 系统管理 lives in the app, township.system); 登录日志
(read-only, no delete) and login locks (账户解锁) are registered here too."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from township.web.models import LoginLog, LoginThrottle


def superuser_only(request) -> bool:  # type: ignore[no-untyped-def]
    """The admin site's door: an active superuser (staff administrators work in 系统管理, /system/)."""
    user = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = superuser_only  # type: ignore[method-assign]


@admin.register(LoginLog)
class LoginLogAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "user", "result", "ip", "user_agent")
    list_filter = ("result",)
    search_fields = ("username", "ip")
    date_hierarchy = "at"
    list_select_related = ("user",)

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    list_display = ("username", "failures", "locked_until", "updated_at")
    search_fields = ("username",)
    readonly_fields = ("username", "failures", "locked_until", "updated_at")
    actions = ("unlock",)

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    @admin.action(description=_("账户解锁"))
    def unlock(self, request, queryset):  # type: ignore[no-untyped-def]
        n = queryset.update(failures=0, locked_until=None)
        self.message_user(request, _("已解锁 %(n)d 个账户") % {"n": n}, messages.SUCCESS)

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _stored_parameters() -> dict[str, str]:
    from township.system.models import Parameter

    rows = Parameter.objects.exclude(value="").exclude(setting="").values_list("setting", "value")
    return dict(rows)


def _seed(sender, **kwargs):  # type: ignore[no-untyped-def]
    from township.system.services import seed_parameters, sync_builtin_dictionaries

    sync_builtin_dictionaries()
    seed_parameters()


class SystemConfig(AppConfig):
    name = "township.system"
    label = "system"
    verbose_name = _("系统管理")

    def ready(self) -> None:
        from township.core import params
        from township.core.navigation import register_menu
        from township.system.duties import ADMINS, SEC, SYS, SYS_SEC

        post_migrate.connect(_seed, sender=self, dispatch_uid="system:seed")
        params.register_reader(_stored_parameters)  # 参数设置 takes effect where the apps read them

        # group "system" (系统管理) comes from the namespace; 操作日志 / 登录日志 are registered there by their apps
        for label, name, roles, order in (
            (_("用户管理"), "system:users", ADMINS, 920),
            (_("角色管理"), "system:roles", ADMINS, 921),
            (_("单位管理"), "system:units", SYS_SEC, 922),
            (_("岗位管理"), "system:posts", SYS_SEC, 923),
            (_("字典管理"), "system:dicts", SYS, 924),
            (_("参数设置"), "system:params", SYS, 925),
            (_("通知公告"), "system:notices", SYS, 926),
            (_("在线用户"), "system:online", SEC, 927),
            (_("定时任务"), "system:jobs", SYS, 928),
            (_("节假日"), "system:calendar", SYS, 929),
            (_("事件分类"), "system:event-classes", SYS, 930),
        ):
            register_menu(label=label, url_name=name, roles=roles, order=order)

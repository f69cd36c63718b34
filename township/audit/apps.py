from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "township.audit"
    label = "audit"
    verbose_name = _("操作日志")

    def ready(self) -> None:
        from township.audit import capture
        from township.core.navigation import register_menu
        from township.org.models import Role

        capture.connect()
        register_menu(label=_("操作日志"), url_name="operation-log", roles=(Role.AUDITOR,), order=951)
        register_menu(label=_("个人信息查看记录"), url_name="reveal-log", roles=(Role.AUDITOR,), order=952)

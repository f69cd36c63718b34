from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "township.command"
    label = "command"
    verbose_name = _("指挥中心")

    def ready(self) -> None:
        from township.cases.panels import register_case_panel
        from township.command.panel import supervision_panel
        from township.command.services import LEADING_ROLES
        from township.core.navigation import register_menu
        from township.org.models import Role

        staff = tuple(
            r for r in Role.values if r not in (Role.APPLICANT, Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDITOR)
        )

        register_menu(label=_("驾驶舱"), url_name="command:cockpit", roles=LEADING_ROLES, order=11)
        register_menu(label=_("指挥大屏"), url_name="command:screen", roles=LEADING_ROLES, order=11)
        register_menu(
            label=_("调度台（全渠道）"),
            url_name="command:dispatch",
            roles=(Role.DISPATCHER, Role.HOTLINE_OPERATOR, *LEADING_ROLES),
            order=11,
        )
        register_menu(label=_("预警中心"), url_name="command:warnings", roles=LEADING_ROLES, order=12)
        register_menu(label=_("考核"), url_name="command:evaluation", roles=LEADING_ROLES, order=12)
        register_menu(
            label=_("案卷评查"),
            url_name="command:reviews",
            roles=LEADING_ROLES + (Role.LEGAL_REVIEWER, Role.ENFORCEMENT_OFFICER, Role.APPROVAL_HEAD),
            order=12,
        )
        register_menu(label=_("问责"), url_name="command:accountability", roles=LEADING_ROLES, order=12)
        register_menu(label=_("督办"), url_name="command:supervisions", roles=staff, order=13)
        register_menu(label=_("站内通知"), url_name="command:notices", roles=staff, order=14)
        register_case_panel("command.supervision", supervision_panel)

        from township.cases.timed import register_timed
        from township.command.positions import positions_purge

        register_timed("command.positions_purge", positions_purge, every_seconds=3600)

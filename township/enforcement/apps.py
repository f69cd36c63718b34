from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "township.enforcement"
    label = "enforcement"
    verbose_name = _("综合行政执法")

    def ready(self) -> None:
        from township.cases.registry import register
        from township.enforcement.machine import PENALTY_MACHINE, SUMMARY_MACHINE

        register(PENALTY_MACHINE)
        register(SUMMARY_MACHINE)
        try:
            from township.core.navigation import register_menu
        except ImportError:  # pragma: no cover
            return
        from township.org.models import Role

        staff = (Role.ENFORCEMENT_OFFICER, Role.LEGAL_REVIEWER, Role.LEADER)
        register_menu(label=_("行政处罚案件"), url_name="enforcement:case-list", roles=staff, order=40)
        register_menu(label=_("案源管理"), url_name="enforcement:clue-list", roles=staff, order=41)
        register_menu(label=_("双随机抽查"), url_name="enforcement:plan-list", roles=staff, order=42)
        register_menu(label=_("执法队伍"), url_name="enforcement:team-list", roles=staff, order=43)

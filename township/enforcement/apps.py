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

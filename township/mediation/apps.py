from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "township.mediation"
    label = "mediation"
    verbose_name = _("人民调解")

    def ready(self) -> None:
        from township.cases.types import register_case_type
        from township.mediation.case_type import MEDIATION_CASE

        register_case_type(MEDIATION_CASE)

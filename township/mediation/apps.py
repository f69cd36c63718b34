from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "township.mediation"
    label = "mediation"
    verbose_name = _("人民调解")

    def ready(self) -> None:
        # The case type(s) of this app are registered here (township.cases.types.register_case_type).
        pass

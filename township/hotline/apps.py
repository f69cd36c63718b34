from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "township.hotline"
    label = "hotline"
    verbose_name = _("12345热线工单")

    def ready(self) -> None:
        # The case type(s) of this app are registered here (township.cases.types.register_case_type).
        pass

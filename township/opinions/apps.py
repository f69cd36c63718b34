from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "township.opinions"
    label = "opinions"
    verbose_name = _("社情民意")

    def ready(self) -> None:
        # The case type(s) of this app are registered here (township.cases.types.register_case_type).
        pass

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "township.opinions"
    label = "opinions"
    verbose_name = _("社情民意")

    def ready(self) -> None:
        from township.cases.types import register_case_type
        from township.opinions.case_type import OPINION

        register_case_type(OPINION)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "township.cases"
    label = "cases"
    verbose_name = _("案件引擎")

    def ready(self) -> None:
        from township.cases import checks  # noqa: F401  (registers the system check)

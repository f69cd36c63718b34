from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "township.grid"
    label = "grid"
    verbose_name = _("网格化管理")

    def ready(self) -> None:
        from township.cases.types import register_case_type
        from township.grid.case_type import EVENT

        register_case_type(EVENT)

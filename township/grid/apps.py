from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "township.grid"
    label = "grid"
    verbose_name = _("网格化管理")

    def ready(self) -> None:
        from township.cases.registry import register
        from township.grid.machine import MACHINE

        register(MACHINE)

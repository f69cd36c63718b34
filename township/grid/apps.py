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
        try:  # lists (我的待办) open the grid event page instead of the generic case page
            from township.web.links import register_case_page
        except ImportError:  # pragma: no cover - the web shell is optional for the engine
            return
        register_case_page(MACHINE.case_type, "grid:case")

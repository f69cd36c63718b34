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
        _register_menu_and_timed_work()
        try:  # lists (我的待办) open the grid event page instead of the generic case page
            from township.web.links import register_case_page
        except ImportError:  # pragma: no cover - the web shell is optional for the engine
            return
        register_case_page(MACHINE.case_type, "grid:case")


def _escalate(now):  # type: ignore[no-untyped-def]
    from township.grid.services import grid_escalate_overdue, grid_postponements_end

    return {"postponements_ended": grid_postponements_end(now), "escalations": grid_escalate_overdue(now)}


def _register_menu_and_timed_work() -> None:
    from township.cases.timed import register_timed
    from township.core.navigation import register_menu
    from township.org.models import GRID_ROLES, Role

    field = (*GRID_ROLES, Role.DISPATCHER, Role.HANDLER, Role.LEADER)
    register_menu(label=_("调度台"), url_name="grid:desk", roles=(Role.DISPATCHER, Role.LEADER), order=30)
    register_menu(label=_("网格地图"), url_name="grid:map", roles=field, order=31)
    register_menu(label=_("上报事件"), url_name="grid:report", roles=GRID_ROLES, order=32)
    register_menu(
        label=_("网格管理"), url_name="grid:grids", roles=(Role.DISPATCHER, Role.LEADER, Role.ADMINISTRATOR), order=33
    )
    register_menu(label=_("综合评价"), url_name="grid:evaluation", roles=(Role.DISPATCHER, Role.LEADER), order=34)
    register_menu(label=_("移交执法"), url_name="grid:handovers", roles=(Role.DISPATCHER, Role.LEADER), order=35)
    register_menu(label=_("超期督办"), url_name="grid:escalations", roles=(Role.GRID_SUPERVISOR, Role.LEADER), order=36)
    register_timed("grid.escalations", _escalate, every_seconds=300)

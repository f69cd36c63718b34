from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "township.field"
    label = "field"
    verbose_name = _("外勤")

    def ready(self) -> None:
        from township.core.navigation import register_menu
        from township.org.models import GRID_ROLES, Role

        register_menu(
            label=_("外勤（手机）"),
            url_name="field:home",
            roles=(*GRID_ROLES, Role.ENFORCEMENT_OFFICER, Role.HANDLER),
            order=9,
        )

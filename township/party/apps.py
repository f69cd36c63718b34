from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "township.party"
    label = "party"
    verbose_name = _("党建引领")

    def ready(self) -> None:
        from township.core.navigation import register_menu
        from township.party.services import VIEW_ROLES

        register_menu(label=_("党建引领网格"), url_name="party:list", roles=tuple(str(r) for r in VIEW_ROLES), order=32)

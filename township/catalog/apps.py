from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "township.catalog"
    label = "catalog"
    verbose_name = _("权责清单")

    def ready(self) -> None:
        from township.core.navigation import register_menu
        from township.org.models import Role

        staff = tuple(r for r in Role.values if r not in (Role.APPLICANT, Role.SECURITY_ADMIN, Role.AUDITOR))
        register_menu(label=_("权责清单"), url_name="catalog:item-list", roles=staff, order=20)
        register_menu(label=_("清单统计"), url_name="catalog:stats", roles=staff, order=21)
        register_menu(label=_("办事指南"), url_name="guide:index", order=22)

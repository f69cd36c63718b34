from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "township.org"
    label = "org"
    verbose_name = _("组织机构")

    def ready(self) -> None:
        # The ground (township.core) scopes querysets by reach without importing org: install it here.
        from township.core.tenancy import set_reach_resolver
        from township.org.scoping import reach

        set_reach_resolver(reach)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DownloadsConfig(AppConfig):
    name = "township.downloads"
    label = "downloads"
    verbose_name = _("下载中心")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from township.cases.timed import register_timed
        from township.core.navigation import register_menu
        from township.downloads.services import build_pending, purge_expired
        from township.org.models import Role

        register_timed("downloads.build", build_pending, every_seconds=10)
        register_timed("downloads.purge", purge_expired, every_seconds=3600)
        staff = tuple(r for r in Role.values if r != Role.APPLICANT)
        register_menu(label=_("下载中心"), url_name="downloads:center", roles=staff, order=95, group="personal")
        # Each app's exports.py registers its lists (import by name: downloads never imports a capability).
        autodiscover_modules("exports")

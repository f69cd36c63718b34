from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CamerasConfig(AppConfig):
    name = "township.cameras"
    label = "cameras"
    verbose_name = _("视频监控")

    def ready(self) -> None:
        from township.cameras.services import VIEW_ROLES
        from township.core.navigation import register_menu

        # 三员分立: the administrator reaches no business rows, so the list refuses it (tests/test_menu_crawl.py).
        menu_roles = tuple(str(r) for r in VIEW_ROLES if r != "administrator")
        register_menu(label=_("视频监控"), url_name="cameras:list", roles=menu_roles, order=31)

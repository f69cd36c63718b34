from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "township.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        # Connects the holiday-cache invalidation and the re-seed-after-flush hooks.
        from township.core import calendar, checks  # noqa: F401  (checks: registers the deploy check)

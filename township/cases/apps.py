from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "township.cases"
    label = "cases"
    verbose_name = _("案件引擎")

    def ready(self) -> None:
        from township.cases import checks  # noqa: F401  (registers the system check)
        from township.cases.timed import raise_warnings, register_timed, seal_timeline

        register_timed("cases.warnings", raise_warnings, every_seconds=60)
        register_timed("cases.checkpoint", seal_timeline, every_seconds=3600)
        from django.db.models.signals import post_save

        post_save.connect(_holiday_year_saved, sender="core.CalendarYear", dispatch_uid="cases.provisional_due")


def _holiday_year_saved(sender: object, instance: object, using: str, **_kwargs: object) -> None:
    """A newly entered holiday year settles the provisional due times (after the commit: the whole table is in)."""
    from django.db import transaction

    from township.cases.clock import recompute_provisional

    transaction.on_commit(recompute_provisional, using=using)

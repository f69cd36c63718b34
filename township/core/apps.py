from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "township.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        # Connects the holiday-cache invalidation and the re-seed-after-flush hooks.
        from django.db.models.signals import pre_save

        from township.core import calendar, checks  # noqa: F401  (checks: registers the deploy check)
        from township.core.limits import on_pre_save

        # Every save: text within its max_length and without NUL, on SQLite as on PostgreSQL (core/limits.py).
        pre_save.connect(on_pre_save, dispatch_uid="township.core.limits")

        # Every join between two rows of the same town also matches the town's key (Citus; core/town_joins.py).
        from township.core.town_joins import key_same_town_joins

        key_same_town_joins()

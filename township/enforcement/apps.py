from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "township.enforcement"
    label = "enforcement"
    verbose_name = _("综合行政执法")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from township.cases.types import register_case_type
        from township.enforcement.case_type import PENALTY, SUMMARY

        register_case_type(PENALTY)
        register_case_type(SUMMARY)
        post_save.connect(_holiday_year_saved, sender="core.CalendarYear", dispatch_uid="enforcement.payment_due")


def _holiday_year_saved(sender: object, instance: object, using: str, **_kwargs: object) -> None:
    """A newly entered holiday year settles the payment deadlines that were waiting for it (after the commit, when the
    whole year's table is in)."""
    from django.db import transaction

    from township.enforcement.services import penalty_payment_due_refresh

    year = instance.year  # type: ignore[attr-defined]
    transaction.on_commit(lambda: penalty_payment_due_refresh(year), using=using)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalConfig(AppConfig):
    name = "township.approval"
    label = "approval"
    verbose_name = _("行政审批")

    def ready(self) -> None:
        from township.approval.case_type import APPLICATION, BUNDLE
        from township.cases.types import register_case_type

        register_case_type(APPLICATION)
        register_case_type(BUNDLE)
        from django.db.models.signals import post_save

        post_save.connect(_holiday_year_saved, sender="core.CalendarYear", dispatch_uid="approval.provisional_dates")


def _holiday_year_saved(sender: object, instance: object, using: str, **_kwargs: object) -> None:
    """A newly entered holiday year settles the provisional (暂定) agency deadlines (after the commit, when the whole
    year's table is in)."""
    from django.db import transaction

    from township.approval.services import approval_provisional_dates_refresh

    year = instance.year  # type: ignore[attr-defined]
    transaction.on_commit(lambda: approval_provisional_dates_refresh(year), using=using)

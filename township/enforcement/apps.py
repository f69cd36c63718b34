from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "township.enforcement"
    label = "enforcement"
    verbose_name = _("综合行政执法")

    def ready(self) -> None:
        from township.cases.registry import register
        from township.enforcement.machine import PENALTY_MACHINE, SUMMARY_MACHINE

        register(PENALTY_MACHINE)
        register(SUMMARY_MACHINE)
        from django.db.models.signals import post_save

        post_save.connect(_holiday_year_saved, sender="core.CalendarYear", dispatch_uid="enforcement.payment_due")
        try:
            from township.core.navigation import register_menu
        except ImportError:  # pragma: no cover
            return
        from township.org.models import Role

        staff = (Role.ENFORCEMENT_OFFICER, Role.LEGAL_REVIEWER, Role.LEADER)
        register_menu(label=_("行政处罚案件"), url_name="enforcement:case-list", roles=staff, order=40)
        register_menu(label=_("案源管理"), url_name="enforcement:clue-list", roles=staff, order=41)
        register_menu(label=_("双随机抽查"), url_name="enforcement:plan-list", roles=staff, order=42)
        register_menu(label=_("执法队伍"), url_name="enforcement:team-list", roles=staff, order=43)


def _holiday_year_saved(sender: object, instance: object, using: str, **_kwargs: object) -> None:
    """A newly entered holiday year settles the payment deadlines that were waiting for it (after the commit, when the
    whole year's table is in)."""
    from django.db import transaction

    from township.enforcement.services import penalty_payment_due_refresh

    year = instance.year  # type: ignore[attr-defined]
    transaction.on_commit(lambda: penalty_payment_due_refresh(year), using=using)

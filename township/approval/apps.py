from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalConfig(AppConfig):
    name = "township.approval"
    label = "approval"
    verbose_name = _("行政审批")

    def ready(self) -> None:
        from township.approval.machine import APPLICATION_MACHINE, BUNDLE_MACHINE
        from township.cases.registry import register

        register(APPLICATION_MACHINE)
        register(BUNDLE_MACHINE)
        try:  # the lead's timed-work registry (township/cases/timed.py)
            from township.cases.timed import register_timed
        except ImportError:  # pragma: no cover - older engine without timed jobs
            return
        from township.approval.services import approval_run_timed_work

        register_timed("approval.timed_work", approval_run_timed_work, every_seconds=300)

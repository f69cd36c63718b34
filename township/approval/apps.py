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
        from township.core.navigation import register_menu
        from township.org.models import Role

        register_menu(label=_("我的办事"), url_name="approval:portal", roles=None, order=20)
        register_menu(
            label=_("综合窗口"), url_name="approval:window", roles=(Role.WINDOW_CLERK, Role.VILLAGE_AGENT), order=30
        )
        register_menu(
            label=_("审批待办"), url_name="approval:review", roles=(Role.APPROVER, Role.APPROVAL_HEAD), order=31
        )
        register_menu(
            label=_("审批监督"),
            url_name="approval:supervise",
            roles=(Role.APPROVAL_HEAD, Role.LEADER, Role.ENFORCEMENT_OFFICER, Role.ADMINISTRATOR),
            order=32,
        )
        try:  # the lead's timed-work registry (township/cases/timed.py)
            from township.cases.timed import register_timed
        except ImportError:  # pragma: no cover - older engine without timed jobs
            return
        from township.approval.services import approval_run_timed_work

        register_timed("approval.timed_work", approval_run_timed_work, every_seconds=300)

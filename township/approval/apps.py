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

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "township.hotline"
    label = "hotline"
    verbose_name = _("12345热线工单")

    def ready(self) -> None:
        from township.cases.types import register_case_type
        from township.hotline.case_type import HOTLINE

        register_case_type(HOTLINE)

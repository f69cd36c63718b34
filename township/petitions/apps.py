from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "township.petitions"
    label = "petitions"
    verbose_name = _("信访")

    def ready(self) -> None:
        from township.cases.types import register_case_type
        from township.petitions.case_type import PETITION

        register_case_type(PETITION)

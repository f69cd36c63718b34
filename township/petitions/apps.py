from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "township.petitions"
    label = "petitions"
    verbose_name = _("信访")

    def ready(self) -> None:
        # The case type(s) of this app are registered here (township.cases.types.register_case_type).
        pass

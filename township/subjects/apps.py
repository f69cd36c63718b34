from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubjectsConfig(AppConfig):
    name = "township.subjects"
    label = "subjects"
    verbose_name = _("主体库")

    def ready(self) -> None:
        from township.core.navigation import register_menu
        from township.org.models import Role

        staff = (
            Role.WINDOW_CLERK,
            Role.APPROVER,
            Role.APPROVAL_HEAD,
            Role.VILLAGE_AGENT,
            Role.CREDIT_OFFICER,
            Role.ENFORCEMENT_OFFICER,
            Role.LEADER,
        )
        register_menu(label=_("主体库"), url_name="subjects:list", roles=staff, order=45)
        register_menu(label=_("主体登记"), url_name="subjects:me", roles=(Role.APPLICANT,), order=59)

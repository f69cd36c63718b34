from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "township.certificates"
    label = "certificates"
    verbose_name = _("电子证照与材料库")

    def ready(self) -> None:
        from township.core.navigation import register_menu
        from township.org.models import Role

        register_menu(label=_("我的证照"), url_name="certificates:my_library", roles=(Role.APPLICANT,), order=60)
        register_menu(label=_("证照核验"), url_name="certificates:verify_lookup", order=61)
        register_menu(
            label=_("主体证照查询"),
            url_name="certificates:staff_subject_lookup",
            roles=(Role.WINDOW_CLERK, Role.APPROVER, Role.APPROVAL_HEAD, Role.VILLAGE_AGENT, Role.ENFORCEMENT_OFFICER),
            order=62,
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "township.web"
    label = "web"
    verbose_name = _("界面与登录")

    def ready(self) -> None:
        from township.core.navigation import register_menu
        from township.org.models import Role
        from township.org.services import register_token_check
        from township.web.security import token_refusal

        register_token_check(token_refusal)  # the sign-in policy gates personal API tokens too

        register_menu(label=_("我的待办"), url_name="workbench", order=10)
        register_menu(label=_("API 令牌"), url_name="api-tokens", order=900)
        register_menu(label=_("修改密码"), url_name="password_change", order=910)
        register_menu(label=_("登录日志"), url_name="login-log", roles=(Role.SECURITY_ADMIN, Role.AUDITOR), order=950)
        register_menu(
            label=_("用户管理"),
            url_name="staff-list",
            roles=(Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDITOR),
            order=940,
        )
        register_menu(label=_("接口文档"), url_name="api:openapi-view", order=960)
        # The Django admin, for the two administrators who keep system tables there (三员分立: each sees only
        # the tables of its duty, township.org.demo.ADMIN_PERMISSIONS); the auditor reads the logs in the app.
        register_menu(
            label=_("系统管理"), url_name="admin:index", roles=(Role.ADMINISTRATOR, Role.SECURITY_ADMIN), order=990
        )

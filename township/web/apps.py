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
        from township.web.security import token_reads, token_refusal

        # the sign-in policy gates personal API tokens too, read with the token in one statement
        register_token_check(token_refusal, token_reads)

        register_menu(label=_("我的待办"), url_name="workbench", order=10)
        register_menu(label=_("API 令牌"), url_name="api-tokens", order=900)
        register_menu(label=_("修改密码"), url_name="password_change", order=910)
        register_menu(label=_("登录日志"), url_name="login-log", roles=(Role.SECURITY_ADMIN, Role.AUDITOR), order=950)
        register_menu(label=_("接口文档"), url_name="api:openapi-view", order=960)
        # 系统管理 is township.system (its own menu group); the Django admin is for superusers only.

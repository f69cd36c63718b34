"""URLs of the web shell (names without a namespace: workbench, case-detail, login, logout…)."""

from django.urls import path

from township.web import views

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("workbench/export/", views.workbench_export, name="workbench-export"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/transition/", views.case_transition, name="case-transition"),
    path("cases/<int:pk>/actions/<slug:name>/", views.case_action, name="case-action"),
    path("cases/<int:pk>/attachments/", views.case_attach, name="case-attach"),
    path("cases/<int:pk>/attachments/<int:attachment_id>/", views.case_attachment, name="case-attachment"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/password/", views.password_change_view, name="password_change"),
    path("accounts/tokens/", views.api_tokens, name="api-tokens"),
    path("security/login-log/", views.login_log, name="login-log"),
    path("system/users/", views.staff_list, name="staff-list"),
]

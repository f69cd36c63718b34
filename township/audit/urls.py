"""操作日志 and 个人信息查看记录 pages, mounted beside the login log (/security/login-log/)."""

from django.urls import path

from township.audit import views

urlpatterns = [
    path("security/operation-log/", views.operation_log, name="operation-log"),
    path("security/operation-log/export/", views.operation_log_export, name="operation-log-export"),
    path("security/reveal-log/", views.reveal_log, name="reveal-log"),
    path("security/reveal-log/export/", views.reveal_log_export, name="reveal-log-export"),
]

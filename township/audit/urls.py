"""操作日志 pages, mounted at /security/operation-log/ beside the login log (/security/login-log/)."""

from django.urls import path

from township.audit import views

urlpatterns = [
    path("security/operation-log/", views.operation_log, name="operation-log"),
    path("security/operation-log/export/", views.operation_log_export, name="operation-log-export"),
]

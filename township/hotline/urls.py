"""Web pages of the 12345 hotline (mounted at /hotline/)."""

from django.urls import path

from township.hotline import views

app_name = "hotline"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("export.xlsx", views.order_export, name="export"),
    path("intake/", views.intake, name="intake"),
    path("orders/<int:pk>/", views.order_detail, name="detail"),
    path("cases/<int:case_id>/", views.case_redirect, name="case"),
    path("imports/", views.imports, name="imports"),
    path("imports/template.xlsx", views.import_template, name="import-template"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("stats/", views.stats, name="stats"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/periods/<int:pk>/delete/", views.period_delete, name="period-delete"),
    path("settings/duties/<int:pk>/delete/", views.duty_delete, name="duty-delete"),
]

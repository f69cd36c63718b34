"""Staff pages under /catalog/ (login required)."""

from django.urls import path

from township.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.item_list, name="item-list"),
    path("export/", views.item_export, name="item-export"),
    path("items/new/", views.item_edit, name="item-create"),
    path("items/publish-all/", views.items_publish_all, name="item-publish-all"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/publish/", views.item_publish, name="item-publish"),
    path("items/<int:pk>/status/", views.item_status, name="item-status"),
    path("items/<int:pk>/versions/", views.item_versions, name="item-versions"),
    path("import/", views.import_start, name="import"),
    path("import/template.<str:fmt>", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_job, name="import-job"),
    path("import/<int:pk>/run/", views.import_run, name="import-run"),
    path("import/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("import/<int:pk>/commit/", views.import_commit, name="import-commit"),
    path("import/<int:pk>/errors.csv", views.import_errors_csv, name="import-errors"),
    path("stats/", views.stats, name="stats"),
    path("delegations/", views.delegation_list, name="delegations"),
    path("delegations/<int:pk>/file", views.delegation_file, name="delegation-file"),
    path("themes/", views.theme_list, name="themes"),
]

from django.urls import path

from township.cameras import views

app_name = "cameras"

urlpatterns = [
    path("", views.camera_list, name="list"),
    path("export/", views.camera_export, name="export"),
    path("import/", views.camera_import, name="import"),
    path("import/template/", views.import_template, name="import-template"),
    path("<int:pk>/", views.camera_detail, name="detail"),
    path("<int:pk>/snapshot/", views.camera_snapshot, name="snapshot"),
]

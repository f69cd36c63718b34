from django.urls import path

from township.subjects import views

app_name = "subjects"

urlpatterns = [
    path("", views.subject_list, name="list"),
    path("export/", views.subject_export, name="export"),
    path("register/", views.register, name="register"),
    path("me/", views.me, name="me"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("<int:pk>/", views.subject_detail, name="detail"),
    path("<int:pk>/merge/", views.merge, name="merge"),
]

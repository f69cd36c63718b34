from django.urls import path

from township.field import views

app_name = "field"

urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.tasks, name="tasks"),
    path("report/", views.report, name="report"),
    path("patrol/", views.patrol, name="patrol"),
    path("nearby/", views.nearby, name="nearby"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("offline/", views.offline, name="offline"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
]

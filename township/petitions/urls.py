from django.urls import path

from township.petitions import views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("export.xlsx", views.petition_export, name="export"),
    path("register/", views.register, name="register"),
    path("access-log/", views.access_log, name="access-log"),
    path("notices/", views.my_notices, name="notices"),
    path("track/", views.track, name="track"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/access-log/", views.access_log, name="item-access-log"),
    path("<int:pk>/documents/<int:doc_id>.pdf", views.document, name="document"),
    path("case/<int:case_id>/", views.case_redirect, name="case"),
]

"""Web pages of people's mediation (mounted at /mediation/)."""

from django.urls import path

from township.mediation import views

app_name = "mediation"

urlpatterns = [
    path("", views.mediation_list, name="list"),
    path("export.xlsx", views.mediation_export, name="export"),
    path("apply/", views.apply, name="apply"),
    path("stats/", views.stats, name="stats"),
    path("committees/", views.committee_list, name="committees"),
    path("committees/<int:pk>/", views.committee_detail, name="committee"),
    path("cases/<int:case_id>/", views.case_page, name="case"),
    path("cases/<int:case_id>/dossier/", views.dossier, name="dossier"),
    path("cases/<int:case_id>/documents/<str:key>.pdf", views.document_pdf, name="document"),
    path("cases/<int:case_id>/confirmation-pack.pdf", views.confirmation_pack, name="pack"),
]

from django.urls import path

from township.enforcement import views

app_name = "enforcement"

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/summary/new/", views.summary_create, name="summary-create"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/documents/<int:doc_id>/", views.document_download, name="document-download"),
    path("cases/by-case/<int:case_id>/", views.case_by_case, name="case-by-case"),
    path("teams/", views.team_list, name="team-list"),
    path("clues/", views.clue_list, name="clue-list"),
    path("clues/<int:pk>/<str:action>/", views.clue_action, name="clue-action"),
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/draw/", views.plan_draw, name="plan-draw"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="plan-publish"),
    path("plans/<int:pk>/visits/<int:visit_id>/result/", views.visit_result, name="visit-result"),
    path("public/<str:code>/", views.public_info, name="public-info"),
]

from django.urls import path

from township.credit import views

app_name = "credit"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<int:record_id>/repair/", views.repair_apply, name="repair_apply"),
    path("listings/", views.listings, name="listings"),
    path("listings/new/", views.listing_propose, name="listing_propose"),
    path("listings/case/<int:case_id>/", views.listing_page, name="listing"),
    path("repairs/", views.repairs, name="repairs"),
    path("repairs/case/<int:case_id>/", views.repair_page, name="repair"),
    path("statistics/", views.statistics, name="statistics"),
    path("mine/", views.mine, name="mine"),
    path("public/", views.public, name="public"),
    path("subjects/<int:subject_id>/", views.subject_records, name="subject_records"),
    path("subjects/<int:subject_id>/override/", views.override_propose, name="override_propose"),
    path("subjects/<int:subject_id>/report.pdf", views.report_pdf, name="report"),
    path("overrides/<int:override_id>/decide/", views.override_decide, name="override_decide"),
]

"""Web pages of the grid capability (mounted at /grid/)."""

from django.urls import path

from township.grid import feature_views, views

app_name = "grid"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("events/", views.event_list, name="events"),
    path("cases/<int:case_id>/", views.case_redirect, name="case"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("map/", views.map_page, name="map"),
    path("report/", views.report_page, name="report"),
    path("grids/", views.grid_list, name="grids"),
    path("features/", feature_views.feature_list, name="features"),
    path("evaluation/", views.evaluation_page, name="evaluation"),
    path("handovers/", views.handover_list, name="handovers"),
    path("escalations/", views.escalation_inbox, name="escalations"),
    path("escalations/<int:pk>/supervise/", views.escalation_supervise, name="escalation-supervise"),
    path("public/report/", views.public_report, name="public-report"),
    path("public/track/", views.public_track, name="public-track"),
    path("public/grids.geojson", views.public_grids, name="public-grids"),
]

from django.urls import path

from township.command import views

app_name = "command"

urlpatterns = [
    path("screen/", views.screen, name="screen"),
    path("screen/data/", views.screen_feed, name="screen-data"),
    path("cockpit/", views.cockpit, name="cockpit"),
    path("cockpit/data/", views.cockpit_feed, name="cockpit-data"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/compute/", views.evaluation_compute, name="evaluation-compute"),
    path("evaluation/<int:pk>/publish/", views.evaluation_publish, name="evaluation-publish"),
    path("evaluation/<int:pk>/export/", views.evaluation_export, name="evaluation-export"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/items/<int:pk>/score/", views.review_item_score, name="review-score"),
    path("reviews/items/<int:pk>/rectified/", views.review_item_rectified, name="review-rectified"),
    path("accountability/", views.accountability, name="accountability"),
    path("accountability/export/", views.accountability_export, name="accountability-export"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("warnings/", views.warnings, name="warnings"),
    path("warnings/export/", views.warnings_export, name="warnings-export"),
    path("cases/<int:case_id>/supervise/", views.supervise, name="supervise"),
    path("supervisions/", views.supervisions, name="supervisions"),
    path("supervisions/<int:pk>/", views.supervision, name="supervision"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/open/", views.notice_open, name="notice-open"),
]

from django.urls import path

from township.opinions import views

app_name = "opinions"

urlpatterns = [
    path("", views.opinion_list, name="list"),
    path("export.xlsx", views.opinion_export, name="export"),
    path("collect/", views.collect, name="collect"),
    path("stats/", views.stats, name="stats"),
    path("cases/<int:case_id>/", views.case_page, name="case"),
    # Public (no sign-in): submit, and follow by the code (in the query string, never an <int:> in the path).
    path("public/", views.public_submit, name="public-submit"),
    path("track/", views.public_track, name="track"),
    path("mine/", views.mine, name="mine"),
]

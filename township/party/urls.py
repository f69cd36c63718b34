from django.urls import path

from township.party import views

app_name = "party"

urlpatterns = [
    path("", views.org_list, name="list"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/ratings/", views.rating_record, name="rating"),
]

from django.urls import path

from township.party import views

app_name = "party"

urlpatterns = [
    path("", views.org_list, name="list"),
    path("add/", views.org_add, name="add"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/edit/", views.org_edit, name="edit"),
    path("<int:pk>/members/add/", views.member_add, name="member-add"),
    path("<int:pk>/members/<int:link_id>/end/", views.member_end, name="member-end"),
    path("<int:pk>/ratings/", views.rating_record, name="rating"),
]

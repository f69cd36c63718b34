"""Public service guides under /guide/ (no login)."""

from django.urls import path

from township.catalog import views

app_name = "guide"

urlpatterns = [
    path("", views.guide_index, name="index"),
    path("search.json", views.guide_search_json, name="search-json"),
    path("items/<int:pk>/", views.guide_item, name="item"),
    path("items/<int:pk>/qr.svg", views.guide_item_qr, name="item-qr"),
    path("themes/<int:pk>/", views.guide_theme, name="theme"),
]

from django.urls import path

from township.downloads import views

app_name = "downloads"

urlpatterns = [
    path("", views.center, name="center"),
    path("export/<slug:kind>/", views.export, name="export"),
    path("<int:pk>/file/", views.download, name="download"),
]

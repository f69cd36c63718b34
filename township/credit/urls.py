from django.urls import path

from township.credit import views

app_name = "credit"

urlpatterns = [
    path("subjects/<int:subject_id>/", views.subject_records, name="subject_records"),
]

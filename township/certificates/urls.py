from django.urls import path

from township.certificates import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/doc/<str:code>", views.verify_document, name="verify-document"),
    path("verify/<str:identifier>", views.verify_page, name="verify"),
    path("library/", views.my_library, name="my_library"),
    path("library/certificates/<int:pk>.pdf", views.certificate_pdf, name="pdf"),
    path("library/items/<int:pk>/download", views.library_item_download, name="item_download"),
    path("library/subjects/", views.staff_subject_lookup, name="staff_subject_lookup"),
    path("library/subjects/<int:pk>/", views.staff_subject, name="staff_subject"),
]

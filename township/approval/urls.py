from django.urls import path

from township.approval import views

app_name = "approval"

urlpatterns = [
    path("", views.portal, name="portal"),
    path("register/", views.register, name="register"),
    path("login/", views.applicant_login, name="login"),
    path("apply/<int:item_id>/", views.apply, name="apply"),
    path("notifications/", views.notifications, name="notifications"),
    path("a/<int:pk>/", views.detail, name="detail"),
    path("a/<int:pk>/document/<slug:kind>.pdf", views.document, name="document"),
    path("a/<int:pk>/rate/", views.rate, name="rate"),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("list/", views.application_list, name="list"),
    path("window/", views.window, name="window"),
    path("review/", views.review, name="review"),
    path("supervise/", views.supervise, name="supervise"),
    path("ratings/", views.ratings, name="ratings"),
    path("verification/<int:pk>/complete/", views.verification_complete, name="verification-complete"),
    path("rectification/<int:pk>/callback/", views.rectification_callback, name="rectification-callback"),
    path("queue/call/", views.queue_call, name="queue-call"),
    path("queue/<str:town>/take/", views.queue_take, name="queue-take"),
    path("queue/<str:town>/hall/", views.hall, name="hall"),
]

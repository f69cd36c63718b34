from django.urls import path

from township.approval import views, window_views

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
    path("window/", window_views.window, name="window"),
    path("window/applicants/", window_views.window_applicants, name="window-applicants"),
    path("window/items/", window_views.window_item_search, name="window-items"),
    path("window/materials/", window_views.window_materials, name="window-materials"),
    path("window/call/", window_views.window_call, name="window-call"),
    path("review/", views.review, name="review"),
    path("supervise/", views.supervise, name="supervise"),
    path("ratings/", views.ratings, name="ratings"),
    path("verification/<int:pk>/complete/", views.verification_complete, name="verification-complete"),
    path("rectification/<int:pk>/callback/", views.rectification_callback, name="rectification-callback"),
    path("queue/call/", views.queue_call, name="queue-call"),
    path("queue/<str:town>/take/", views.queue_take, name="queue-take"),
    path("queue/<str:town>/hall/", views.hall, name="hall"),
]

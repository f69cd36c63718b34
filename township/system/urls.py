"""/system/… (namespace "system"). /system/users/ is still the shell's read-only list (township.web); the pages
here start at /system/user/."""

from django.urls import path

from township.system.views import config, reference, users

app_name = "system"

urlpatterns = [
    path("", config.index, name="index"),
    path("user/", users.user_list, name="users"),
    path("user/add/", users.user_add, name="user-add"),
    path("user/<int:pk>/", users.user_detail, name="user"),
    path("user/<int:pk>/edit/", users.user_edit, name="user-edit"),
    path("user/<int:pk>/grants/<int:grant_id>/scope/", users.grant_scope, name="grant-scope"),
    path("role/", users.role_list, name="roles"),
    path("unit/", config.unit_list, name="units"),
    path("unit/<str:code>/department/add/", config.department_add, name="department-add"),
    path("department/<int:pk>/edit/", config.department_edit, name="department-edit"),
    path("post/", config.post_list, name="posts"),
    path("post/add/", config.post_add, name="post-add"),
    path("post/<int:pk>/edit/", config.post_edit, name="post-edit"),
    path("dict/", config.dict_list, name="dicts"),
    path("dict/add/", config.dict_add, name="dict-add"),
    path("dict/<int:pk>/", config.dict_detail, name="dict"),
    path("dict/item/<int:pk>/edit/", config.dict_item_edit, name="dict-item-edit"),
    path("param/", config.param_list, name="params"),
    path("param/<int:pk>/edit/", config.param_edit, name="param-edit"),
    path("notice/", config.notice_list, name="notices"),
    path("notice/add/", config.notice_add, name="notice-add"),
    path("notice/<int:pk>/edit/", config.notice_edit, name="notice-edit"),
    path("notice/<int:pk>/<slug:action>/", config.notice_action, name="notice-action"),
    path("online/", config.online_list, name="online"),
    path("job/", config.job_list, name="jobs"),
    path("calendar/", reference.calendar_years, name="calendar"),
    path("calendar/<int:year>/", reference.calendar_year, name="calendar-year"),
    path("calendar/day/", reference.calendar_day, name="calendar-day"),
    path("calendar/import/", reference.calendar_import, name="calendar-import"),
    path("event-class/", reference.event_class_list, name="event-classes"),
    path("event-class/import/", reference.event_class_import, name="event-class-import"),
]

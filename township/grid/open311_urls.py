"""Open311 GeoReport v2 routes (mounted at /open311/v2/)."""

from django.urls import path, re_path

from township.grid import open311

app_name = "open311"

FMT = r"(?P<fmt>json|xml)"

urlpatterns = [
    path("", open311.root, name="root"),
    re_path(rf"^discovery\.{FMT}$", open311.discovery, name="discovery"),
    re_path(rf"^services\.{FMT}$", open311.service_list, name="services"),
    re_path(rf"^services/(?P<code>[0-9A-Za-z_-]+)\.{FMT}$", open311.service_definition, name="service"),
    re_path(rf"^requests\.{FMT}$", open311.request_list, name="requests"),
    re_path(rf"^requests/(?P<pk>[^/.]+)\.{FMT}$", open311.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[0-9A-Za-z-]+)\.{FMT}$", open311.token_detail, name="token"),
]

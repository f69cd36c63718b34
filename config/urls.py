"""URL wiring: the web UI, /api/v1/, /admin/. Apps add their own includes here."""

from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("township.web.urls")),
    path("", include("township.audit.urls")),
    path("", include("township.certificates.urls")),
    path("credit/", include("township.credit.urls")),
    path("subjects/", include("township.subjects.urls")),
    path("catalog/", include("township.catalog.urls")),
    path("guide/", include("township.catalog.guide_urls")),
    path("grid/", include("township.grid.urls")),
    path("open311/v2/", include("township.grid.open311_urls")),
    path("approval/", include("township.approval.urls")),
    path("enforcement/", include("township.enforcement.urls")),
    path("opinions/", include("township.opinions.urls")),
    path("hotline/", include("township.hotline.urls")),
    path("petitions/", include("township.petitions.urls")),
    path("mediation/", include("township.mediation.urls")),
    path("command/", include("township.command.urls")),
    path("field/", include("township.field.urls")),
    path("cameras/", include("township.cameras.urls")),
    path("party/", include("township.party.urls")),
    path("downloads/", include("township.downloads.urls")),
    path("system/", include("township.system.urls")),
]

"""Administrators edit event classes (and can look at grids, staff, keys) in the Django admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from township.core.forms import PersonalFieldsForm
from township.grid import services, spatial
from township.grid.models import EventClass, Grid, GridStaff, Open311Key


@admin.register(EventClass)
class EventClassAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "kind",
        "major_name",
        "name",
        "department_name",
        "urgency",
        "handle_limit",
        "handle_unit",
        "is_local",
        "public",
        "active",
    )
    list_filter = ("kind", "major_name", "urgency", "is_local", "public", "active")
    search_fields = ("code", "name", "major_name", "department_name")
    change_list_template = "grid/admin_eventclass_changelist.html"

    def get_urls(self) -> list[Any]:
        own = [path("import-csv/", self.admin_site.admin_view(self.import_csv), name="grid_eventclass_import")]
        return own + super().get_urls()

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.FILES.get("file"):
            text = request.FILES["file"].read().decode("utf-8-sig", errors="replace")
            saved, errors = services.event_class_import_csv(text=text, actor=request.user)
            for e in errors[:50]:
                messages.error(request, e)
            if not errors:
                messages.success(request, _("已导入 %(n)d 个类别") % {"n": saved})
                return redirect("admin:grid_eventclass_changelist")
        return render(request, "grid/admin_eventclass_import.html", {"title": _("导入部件事件类别（CSV）")})


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "jurisdiction", "division", "area_km2", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "division", "village", "jurisdiction")
    readonly_fields = ("min_lon", "min_lat", "max_lon", "max_lat", "center_lon", "center_lat", "area_km2")

    def save_model(self, request: HttpRequest, obj: Grid, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        spatial.bump(obj.jurisdiction_id)


class GridStaffForm(PersonalFieldsForm):
    personal_fields = ("phone",)

    class Meta:
        model = GridStaff
        fields = "__all__"


@admin.register(GridStaff)
class GridStaffAdmin(admin.ModelAdmin):
    form = GridStaffForm  # the phone is never put into the page in clear
    list_display = ("grid", "user", "role", "masked_phone")
    list_filter = ("role",)
    raw_id_fields = ("grid", "user", "jurisdiction")

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: GridStaff) -> str:
        from township.core.identifiers import mask_phone

        return mask_phone(obj.phone)  # encrypted at rest, masked in lists (docs/security.md)


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "created_at")
    readonly_fields = ("key_sha256",)

from django.contrib import admin

from township.catalog.models import Delegation, ImportJob, Item, ItemVersion, Material, MaterialType, Theme


@admin.register(MaterialType)
class MaterialTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "certificate_satisfies")
    search_fields = ("code", "name")


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    autocomplete_fields = ("material_type",)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("name", "jurisdiction", "item_type", "department_name", "status", "dirty")
    list_filter = ("item_type", "status", "risk_class")
    search_fields = ("name", "implementation_code", "name_initials")
    raw_id_fields = ("department", "responsible_department", "responsible_user", "current_version")
    inlines = [MaterialInline]


@admin.register(ItemVersion)
class ItemVersionAdmin(admin.ModelAdmin):
    list_display = ("item", "number", "approver", "published_at")
    readonly_fields = ("item", "number", "snapshot", "reason", "approver", "published_at", "jurisdiction")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register(Delegation)
admin.site.register(Theme)
admin.site.register(ImportJob)

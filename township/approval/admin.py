"""Admin: read-mostly views of approval records. States change only through the services (case engine)."""

from django.contrib import admin

from township.approval.models import (
    Application,
    ApplicationMaterial,
    QueueTicket,
    Rating,
    RectificationTask,
    SupplementNotice,
    VerificationTask,
)
from township.core.fields import BlindIndexSearchAdminMixin


class MaterialInline(admin.TabularInline):
    model = ApplicationMaterial
    extra = 0
    can_delete = False
    readonly_fields = ["material_type_code", "name", "essential", "source", "attachment", "library_item"]


@admin.register(Application)
class ApplicationAdmin(BlindIndexSearchAdminMixin, admin.ModelAdmin):
    list_display = ["case", "title", "applicant", "channel", "accept_mode", "decision", "received_at", "jurisdiction"]
    list_filter = ["channel", "accept_mode", "decision", "kind", "jurisdiction"]
    search_fields = ["case__number", "title", "applicant__name", "applicant__uscc"]
    blind_index_search = ("applicant__resident_id_index",)
    list_select_related = ["case", "applicant", "jurisdiction"]
    raw_id_fields = [
        "case",
        "parent",
        "applicant",
        "applicant_user",
        "agent",
        "item",
        "item_version",
        "theme",
        "decided_by",
        "certificate",
        "village",
    ]
    readonly_fields = [
        "case",
        "kind",
        "parent",
        "item_version",
        "received_at",
        "accepted_at",
        "accept_mode",
        "decision",
        "decided_at",
        "decided_by",
        "certificate",
    ]
    inlines = [MaterialInline]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SupplementNotice)
class SupplementNoticeAdmin(admin.ModelAdmin):
    list_display = ["application", "issued_at", "deadline", "supplied_at"]
    raw_id_fields = ["application", "issued_by"]


@admin.register(VerificationTask)
class VerificationTaskAdmin(admin.ModelAdmin):
    list_display = ["application", "subject", "method", "due_date", "status", "completed_at"]
    list_filter = ["status", "method", "jurisdiction"]
    raw_id_fields = ["application", "subject", "completed_by", "village"]
    readonly_fields = ["status", "completed_at", "completed_by"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["application", "grade", "created_at"]
    list_filter = ["grade", "jurisdiction"]
    raw_id_fields = ["application", "rater"]


@admin.register(RectificationTask)
class RectificationTaskAdmin(admin.ModelAdmin):
    list_display = ["rating", "due_date", "status", "callback_at"]
    raw_id_fields = ["rating", "callback_by"]


@admin.register(QueueTicket)
class QueueTicketAdmin(admin.ModelAdmin):
    list_display = ["number", "jurisdiction", "day", "status", "window", "taken_at", "called_at"]
    list_filter = ["status", "category", "jurisdiction", "day"]
    raw_id_fields = ["clerk"]

from django.contrib import admin

from township.credit.models import CreditRecord


@admin.register(CreditRecord)
class CreditRecordAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "jurisdiction", "recorded_at", "valid_from", "valid_until", "repaired_at"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["subject__name", "subject__resident_id", "subject__uscc", "source_number"]
    raw_id_fields = ["subject", "source_case", "recorded_by", "repaired_by"]
    list_select_related = ["subject", "jurisdiction"]

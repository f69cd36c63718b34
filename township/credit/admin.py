from django.contrib import admin

from township.core.fields import BlindIndexSearchAdminMixin
from township.credit.models import CreditRecord


@admin.register(CreditRecord)
class CreditRecordAdmin(BlindIndexSearchAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "kind", "jurisdiction", "recorded_at", "valid_from", "valid_until", "repaired_at"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["subject__name", "subject__uscc", "source_number"]
    blind_index_search = ("subject__resident_id_index",)
    raw_id_fields = ["subject", "source_case", "recorded_by", "repaired_by"]
    list_select_related = ["subject", "jurisdiction"]

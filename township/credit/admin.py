from typing import Any

from django.contrib import admin

from township.core.fields import BlindIndexSearchAdminMixin
from township.credit.models import CreditGradeHistory, CreditGradeScheme, CreditRecord


@admin.register(CreditRecord)
class CreditRecordAdmin(BlindIndexSearchAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "kind", "jurisdiction", "recorded_at", "valid_from", "valid_until", "repaired_at"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["subject__name", "subject__uscc", "source_number"]
    blind_index_search = ("subject__resident_id_index",)
    raw_id_fields = ["subject", "source_case", "recorded_by", "repaired_by"]
    list_select_related = ["subject", "jurisdiction"]


@admin.register(CreditGradeScheme)
class CreditGradeSchemeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """信用分级规则 and procedural periods of a town (the defaults apply without a row)."""

    list_display = ["jurisdiction", "threshold_a", "threshold_b", "threshold_c", "statement_working_days"]


@admin.register(CreditGradeHistory)
class CreditGradeHistoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: grades change only through the rule or an approved override."""

    list_display = ["subject", "grade", "previous", "valid_from", "valid_to"]
    raw_id_fields = ["subject", "override"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

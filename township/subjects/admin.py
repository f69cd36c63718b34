from django.contrib import admin

from township.subjects.models import Subject


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "resident_id", "uscc", "org_kind", "credit_class", "registered_in"]
    list_filter = ["kind", "org_kind", "credit_class"]
    search_fields = ["name", "resident_id", "uscc", "legal_representative"]
    raw_id_fields = ["legal_representative_subject", "registered_in", "village"]
    list_select_related = ["registered_in"]

from django.contrib import admin

from township.certificates.models import Certificate, CertificateStatusChange, LibraryItem, SealKey
from township.core.fields import BlindIndexSearchAdminMixin


@admin.register(SealKey)
class SealKeyAdmin(admin.ModelAdmin):
    """The private key is encrypted and not editable; it is never displayed here."""

    list_display = ["unit_name", "uscc", "jurisdiction", "active", "created_at", "retired_at"]
    readonly_fields = ["public_key", "created_at", "retired_at"]
    exclude = ["private_key_encrypted"]
    raw_id_fields = ["department"]


class StatusChangeInline(admin.TabularInline):
    model = CertificateStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "reason", "actor", "at", "source_case", "jurisdiction"]


@admin.register(Certificate)
class CertificateAdmin(BlindIndexSearchAdminMixin, admin.ModelAdmin):
    list_display = ["identifier", "type_name", "holder", "issuer_name", "status", "issued_at", "valid_until"]
    list_filter = ["status", "type_code", "jurisdiction"]
    search_fields = ["identifier", "holder__name", "holder__uscc"]
    blind_index_search = ("holder__resident_id_index",)  # a resident ID typed in full
    readonly_fields = ["identifier", "signature", "seal_key", "serial", "version"]
    exclude = ["signed_payload"]  # holds the holder's resident ID (encrypted at rest, not shown)
    raw_id_fields = ["holder", "issuer_department", "source_case", "issued_by"]
    inlines = [StatusChangeInline]


@admin.register(LibraryItem)
class LibraryItemAdmin(BlindIndexSearchAdminMixin, admin.ModelAdmin):
    list_display = ["title", "material_type_code", "subject", "jurisdiction", "verified_at", "withdrawn_at"]
    list_filter = ["material_type_code"]
    search_fields = ["subject__name", "subject__uscc", "sha256"]
    blind_index_search = ("subject__resident_id_index",)
    raw_id_fields = ["subject", "certificate", "source_case", "verified_by"]

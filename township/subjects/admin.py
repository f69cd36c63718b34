"""Subjects in the Django admin: personal data masked and not editable here; search by exact ID via the index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from township.core.fields import BlindIndexSearchAdminMixin
from township.subjects.models import RevealLog, Subject

if TYPE_CHECKING:
    _SubjectAdminBase = admin.ModelAdmin[Subject]
    _RevealLogAdminBase = admin.ModelAdmin[RevealLog]
else:
    _SubjectAdminBase = _RevealLogAdminBase = admin.ModelAdmin


@admin.register(Subject)
class SubjectAdmin(BlindIndexSearchAdminMixin, _SubjectAdminBase):
    list_display = ["name", "kind", "masked_identifier", "masked_phone", "org_kind", "credit_class", "registered_in"]
    list_filter = ["kind", "org_kind", "credit_class"]
    search_fields = ["name", "uscc", "legal_representative"]
    blind_index_search = ("resident_id_index",)
    search_help_text = _("名称、统一社会信用代码、法定代表人；身份证号须完整输入")
    raw_id_fields = ["legal_representative_subject", "registered_in", "village"]
    list_select_related = ["registered_in"]
    exclude = ["resident_id", "phone"]
    # The grade is computed by credit from the records (信用分级分类); a hand-set grade needs a reason and a second
    # person's approval (credit's override), never a form field here.
    readonly_fields = ["masked_identifier", "masked_phone", "credit_class"]

    @admin.display(description=_("证件号码"))
    def masked_identifier(self, obj: Subject) -> str:
        return obj.masked_identifier

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Subject) -> str:
        return obj.masked_phone


@admin.register(RevealLog)
class RevealLogAdmin(_RevealLogAdminBase):
    """Read only: the log of every reveal is evidence, nobody edits or deletes it."""

    list_display = ["at", "actor", "ip", "subject", "field", "channel", "jurisdiction"]
    list_filter = ["field", "channel"]
    date_hierarchy = "at"
    list_select_related = ["actor", "subject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

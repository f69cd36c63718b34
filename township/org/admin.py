"""Django admin for administrators: jurisdictions (tree order), departments, users with role grants, tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from township.core.forms import PersonalFieldsForm
from township.org.duties import admin_role_conflict, conflict_message
from township.org.models import ApiToken, Department, Jurisdiction, Level, RoleGrant, User

if TYPE_CHECKING:  # the admin classes are generic for mypy only (django-stubs), not at run time
    _JurisdictionAdminBase = admin.ModelAdmin[Jurisdiction]
    _DepartmentAdminBase = admin.ModelAdmin[Department]
    _RoleGrantInlineBase = admin.TabularInline[RoleGrant, User]
    _UserAdminBase = BaseUserAdmin[User]
    _RoleGrantAdminBase = admin.ModelAdmin[RoleGrant]
    _ApiTokenAdminBase = admin.ModelAdmin[ApiToken]
    _UserChangeFormBase = BaseUserChangeForm[User]
else:
    _UserChangeFormBase = BaseUserChangeForm
    _JurisdictionAdminBase = _DepartmentAdminBase = _RoleGrantAdminBase = _ApiTokenAdminBase = admin.ModelAdmin
    _RoleGrantInlineBase = admin.TabularInline
    _UserAdminBase = BaseUserAdmin


def _mask(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


INDENT: dict[str, int] = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2, Level.TOWN: 3, Level.VILLAGE: 4}


@admin.register(Jurisdiction)
class JurisdictionAdmin(_JurisdictionAdminBase):
    list_display = ("code", "tree_name", "level", "parent", "short_name", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name", "short_name")
    ordering = ("code",)  # division codes sort parents before their children: a tree in list form
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    list_per_page = 100

    @admin.display(description=_("名称"), ordering="name")
    def tree_name(self, obj: Jurisdiction) -> str:
        return "　" * INDENT.get(obj.level, 0) + obj.name


@admin.register(Department)
class DepartmentAdmin(_DepartmentAdminBase):
    list_display = ("name", "jurisdiction", "kind", "uscc", "sort", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "short_name", "jurisdiction__name", "jurisdiction__code", "uscc")
    list_select_related = ("jurisdiction",)
    autocomplete_fields = ("jurisdiction",)


class RoleGrantFormSet(BaseInlineFormSet):  # type: ignore[type-arg]  # generic in the stubs only
    """三员分立 across the rows of one save: no two of the three administrator roles for the user."""

    def clean(self) -> None:
        super().clean()
        roles = [
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data.get("role") and not form.cleaned_data.get("DELETE")
        ]
        pair = admin_role_conflict(roles)
        if pair is not None:
            raise ValidationError(conflict_message(pair), code="role_conflict")


class RoleGrantForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only
    """A grant with its 数据权限; the 自定 units (a picker of departments and divisions) are checked by
    ``township.org.scoping.custom_units_errors``."""

    class Meta:
        model = RoleGrant
        fields = ("user", "jurisdiction", "department", "role", "data_scope", "custom_departments", "custom_units")

    def clean(self) -> dict[str, Any]:
        from township.org.scoping import custom_units_errors

        data: dict[str, Any] = super().clean() or {}
        unit = data.get("jurisdiction")
        if unit is None:
            return data
        departments = [(str(d.jurisdiction_id), d.name) for d in data.get("custom_departments") or []]
        units = [(u.code, u.name) for u in data.get("custom_units") or []]
        for field, message in custom_units_errors(data.get("data_scope", ""), unit.code, departments, units).items():
            self.add_error(field, message)
        return data


SCOPE_FIELDS = ("data_scope", "custom_departments", "custom_units")


class RoleGrantInline(_RoleGrantInlineBase):
    model = RoleGrant
    form = RoleGrantForm
    formset = RoleGrantFormSet
    extra = 0
    fields = ("jurisdiction", "department", "role", *SCOPE_FIELDS, "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("jurisdiction", "department", "custom_departments", "custom_units")


class UserChangeForm(PersonalFieldsForm, _UserChangeFormBase):
    """Phone and resident ID can be replaced, but are never put into the page in clear."""

    personal_fields = ("phone", "resident_id")

    class Meta(BaseUserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(_UserAdminBase):
    form = UserChangeForm
    list_display = ("username", "full_name", "masked_phone", "is_active", "must_change_password", "last_login")
    list_filter = ("is_active", "is_staff", "must_change_password", "grants__role")
    search_fields = ("username", "full_name")  # phone and resident ID are encrypted: not searchable here
    inlines = (RoleGrantInline,)
    actions = ("force_password_change",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        # Personal data shown masked, never in clear here (docs/security.md, Personal data).
        (_("个人信息"), {"fields": ("full_name", "phone", "email", "resident_id", "uscc")}),
        (_("账户安全"), {"fields": ("is_active", "must_change_password", "last_login", "date_joined")}),
        (_("后台权限"), {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "phone", "password1", "password2", "must_change_password"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: User) -> str:
        return _mask(obj.phone, 3, 4) if obj.phone else ""

    @admin.action(description=_("下次登录须修改密码"))
    def force_password_change(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        n = queryset.update(must_change_password=True)
        self.message_user(request, _("已要求 %(n)d 个账户下次登录修改密码") % {"n": n}, messages.SUCCESS)


@admin.register(RoleGrant)
class RoleGrantAdmin(_RoleGrantAdminBase):
    form = RoleGrantForm
    list_display = ("user", "jurisdiction", "department", "role", "data_scope", "created_at")
    list_filter = ("role", "data_scope")
    search_fields = ("user__username", "user__full_name", "jurisdiction__name", "jurisdiction__code")
    list_select_related = ("user", "jurisdiction", "department")
    fields = ("user", "jurisdiction", "department", "role", *SCOPE_FIELDS)
    autocomplete_fields = ("user", "jurisdiction", "department", "custom_departments", "custom_units")


@admin.register(ApiToken)
class ApiTokenAdmin(_ApiTokenAdminBase):
    """Read-only: only the hash is stored; administrators may revoke (set 撤销时间) but never see secrets."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

"""用户管理 and 角色管理 pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from township.core.errors import DomainError
from township.core.identifiers import mask_phone
from township.org.models import DataScope, Role, User
from township.system import selectors, services
from township.system.duties import ADMINS, SEC, SYS, holds
from township.system.models import Post
from township.system.views.common import (
    admin_page,
    apply_error,
    form_page,
    list_page,
    me,
    q,
    q_int,
    select_filter,
    set_choices,
    tag,
    text_filter,
)

USER_HEADERS = (
    gettext_lazy("登录名"),
    gettext_lazy("姓名"),
    gettext_lazy("归属单位"),
    gettext_lazy("部门"),
    gettext_lazy("岗位"),
    gettext_lazy("角色"),
    gettext_lazy("手机号"),
    gettext_lazy("状态"),
    gettext_lazy("最近登录"),
)


def _state(u: User) -> dict[str, Any]:
    if not u.is_active:
        return tag(_("停用"), "none")
    if getattr(u, "is_locked", False):
        return tag(_("锁定"), "red")
    return tag(_("正常"), "normal")


def _user_row(u: User) -> list[Any]:
    profile = getattr(u, "system_profile", None)
    grants = getattr(u, "visible_grants", [])
    roles = "、".join(
        f"{g.get_role_display()}（{g.jurisdiction.name}{' · ' + g.department.name if g.department else ''}）"
        for g in grants
    )
    return [
        {"text": u.username, "link": reverse("system:user", args=[u.pk])},
        u.full_name,
        profile.unit.name if profile else (grants[0].jurisdiction.name if grants else ""),
        profile.department.name
        if profile and profile.department
        else next((g.department.name for g in grants if g.department), ""),
        "、".join(p.name for p in profile.posts.all()) if profile else "",
        roles,
        mask_phone(u.phone) if u.phone else "",
        _state(u),
        u.last_login,
    ]


@admin_page(ADMINS)
def user_list(request: HttpRequest) -> HttpResponseBase:
    units = selectors.managed_units(me(request))
    deps = selectors.managed_departments(me(request))
    unit, role, state = q(request, "unit", 12), q(request, "role", 32), q(request, "state", 16)
    unit = unit if any(u.code == unit for u in units) else ""
    role = role if role in Role.values else ""
    state = state if state in dict(selectors.USER_STATES) else ""
    department, post = q_int(request, "department"), q_int(request, "post")
    items = selectors.user_list(
        actor=me(request),
        search=q(request, "q"),
        unit=unit,
        department=department,
        role=role,
        state=state,
        post=post,
    )
    filters = [
        text_filter("q", _("登录名/姓名"), q(request, "q")),
        select_filter("unit", _("单位"), unit, [(u.code, u.name) for u in units]),
        select_filter(
            "department", _("部门"), department or "", [(d.pk, f"{d.jurisdiction.name} · {d.name}") for d in deps]
        ),
        select_filter("role", _("角色"), role, Role.choices),
        select_filter("post", _("岗位"), post or "", Post.objects.values_list("pk", "name")),
        select_filter("state", _("状态"), state, selectors.USER_STATES),
    ]
    toolbar = [(_("新增用户"), reverse("system:user-add"))] if holds(me(request), SYS) else []
    return list_page(
        request,
        title=_("用户管理"),
        filters=filters,
        headers=USER_HEADERS,
        items=items,
        row=_user_row,
        export_name="users",
        toolbar=toolbar,
    )


class UserForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("登录名"), max_length=150)
    full_name = forms.CharField(label=gettext_lazy("姓名"), max_length=64)
    unit = forms.ChoiceField(label=gettext_lazy("归属单位"))
    department = forms.TypedChoiceField(label=gettext_lazy("归属部门"), required=False, coerce=int, empty_value=None)
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=11, required=False)
    email = forms.CharField(label=gettext_lazy("邮箱"), max_length=254, required=False)
    posts = forms.TypedMultipleChoiceField(
        label=gettext_lazy("岗位"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, actor: User, editing: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", [("", "—")] + [(u.code, u.name) for u in selectors.managed_units(actor, SYS)])
        set_choices(
            self,
            "department",
            [("", "—")]
            + [(d.pk, f"{d.jurisdiction.name} · {d.name}") for d in selectors.managed_departments(actor, SYS)],
        )
        set_choices(self, "posts", list(Post.objects.filter(active=True).values_list("pk", "name")))
        if editing is not None:
            del self.fields["username"]
            if editing.phone:
                self.fields["phone"].widget.attrs["placeholder"] = mask_phone(editing.phone)
                self.fields["phone"].help_text = _("留空则保留原手机号")


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def user_add(request: HttpRequest) -> HttpResponseBase:
    form = UserForm(request.POST or None, actor=me(request))
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(actor=me(request), **form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            return _detail(request, user, secret=password, secret_label=_("用户已创建，初始密码："))
    return form_page(
        request,
        title=_("新增用户"),
        form=form,
        parent=(_("用户管理"), reverse("system:users")),
        note=_("新用户没有任何角色，由安全管理员授权；系统生成初始密码，首次登录须修改。"),
    )


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = selectors.user_get(actor=me(request), pk=pk, roles=SYS)
    profile = selectors.profile_of(user)
    initial = {
        "full_name": user.full_name,
        "unit": profile.unit_id if profile else "",
        "department": profile.department_id if profile else None,
        "email": user.email,
        "posts": [p.pk for p in profile.posts.all()] if profile else [],
    }
    form = UserForm(request.POST or None, actor=me(request), editing=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=me(request), user=user, **form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("system:user", pk=user.pk)
    return form_page(
        request,
        title=_("修改用户 %(name)s") % {"name": user.username},
        form=form,
        parent=(_("用户管理"), reverse("system:users")),
    )


class GrantScopeForm(forms.Form):
    data_scope = forms.ChoiceField(label=gettext_lazy("数据权限"), choices=DataScope.choices, initial=DataScope.UNIT)
    custom_units = forms.MultipleChoiceField(
        label=gettext_lazy("自定区划"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=gettext_lazy("数据权限为“自定”时选择，须在授权单位之内（可多选）"),
    )
    custom_departments = forms.TypedMultipleChoiceField(
        label=gettext_lazy("自定部门"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=gettext_lazy("数据权限为“自定”时选择，须为授权单位或其下级的部门（可多选）"),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = [(u.code, u.name) for u in selectors.managed_units(actor, SEC)]
        self.departments = [
            (d.pk, f"{d.jurisdiction.name} · {d.name}") for d in selectors.managed_departments(actor, SEC)
        ]
        set_choices(self, "custom_units", self.units)
        set_choices(self, "custom_departments", self.departments)


class GrantForm(GrantScopeForm):
    unit = forms.ChoiceField(label=gettext_lazy("单位"))
    department = forms.TypedChoiceField(label=gettext_lazy("部门"), required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=[("", "—"), *Role.choices])
    field_order = ("unit", "department", "role", "data_scope", "custom_units", "custom_departments")

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        set_choices(self, "unit", [("", "—"), *self.units])
        set_choices(self, "department", [("", "—"), *self.departments])


def _detail(request: HttpRequest, user: User, grant_form: GrantForm | None = None, **extra: Any) -> HttpResponseBase:
    is_sec = holds(me(request), SEC)
    return render(
        request,
        "system/user_detail.html",
        {
            "u": selectors.user_get(actor=me(request), pk=user.pk),
            "profile": selectors.profile_of(user),
            "phone": mask_phone(user.phone) if user.phone else "",
            "is_sys": holds(me(request), SYS),
            "is_sec": is_sec,
            "grant_form": grant_form or (GrantForm(actor=me(request)) if is_sec else None),
            **extra,
        },
    )


@admin_page(ADMINS)
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One user; the security administrator's actions are POSTed here (``action``)."""
    user = selectors.user_get(actor=me(request), pk=pk)
    if request.method == "GET":
        return _detail(request, user)
    action = request.POST.get("action", "")
    actor = me(request)
    try:
        if action in ("disable", "enable"):
            services.user_set_active(actor=actor, user=user, active=action == "enable")
            messages.success(request, _("账户已停用") if action == "disable" else _("账户已启用"))
        elif action == "unlock":
            services.user_unlock(actor=actor, user=user, request=request)
            messages.success(request, _("账户已解锁"))
        elif action == "reset":
            password = services.user_reset_password(actor=actor, user=user)
            return _detail(request, user, secret=password, secret_label=_("密码已重置，临时密码："))
        elif action == "revoke":
            grant_id = request.POST.get("grant", "")
            services.user_revoke(actor=actor, user=user, grant_id=int(grant_id) if grant_id.isdigit() else 0)
            messages.success(request, _("已收回角色"))
        elif action == "grant":
            form = GrantForm(request.POST, actor=actor)
            if not form.is_valid():
                return _detail(request, user, grant_form=form)
            try:
                services.user_grant(actor=actor, user=user, **form.cleaned_data)
            except DomainError as exc:
                if exc.status != 422:
                    raise
                apply_error(form, exc)
                return _detail(request, user, grant_form=form)
            messages.success(request, _("已授予角色"))
        else:
            messages.error(request, _("未知操作"))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    return redirect("system:user", pk=user.pk)


@admin_page(SEC)
@require_http_methods(["GET", "POST"])
def grant_scope(request: HttpRequest, pk: int, grant_id: int) -> HttpResponseBase:
    """修改数据权限 of one grant (a dialog from the user's page)."""
    actor = me(request)
    user = selectors.user_get(actor=actor, pk=pk, roles=SEC)
    grant = selectors.grant_get(actor=actor, user=user, pk=grant_id)
    initial = {
        "data_scope": grant.data_scope,
        "custom_units": [u.code for u in grant.custom_units.all()],
        "custom_departments": [d.pk for d in grant.custom_departments.all()],
    }
    form = GrantScopeForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_grant_scope(actor=actor, user=user, grant_id=grant.pk, **form.cleaned_data)
        except DomainError as exc:
            if exc.status != 422:
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("已修改数据权限"))
            return redirect("system:user", pk=user.pk)
    who = f"{user.display_name} · {grant.jurisdiction.name} · {grant.get_role_display()}"
    return form_page(
        request,
        title=_("修改数据权限：%(grant)s") % {"grant": who},
        form=form,
        parent=(_("用户管理"), reverse("system:users")),
    )


# --- 角色管理 -------------------------------------------------------------------------------------


@admin_page(ADMINS)
def role_list(request: HttpRequest) -> HttpResponseBase:
    search = q(request, "q")
    return list_page(
        request,
        title=_("角色管理"),
        filters=[text_filter("q", _("角色名称"), search)],
        headers=(_("角色"), _("角色标识"), _("职责"), _("本辖区授权数"), _("可见菜单")),
        items=selectors.role_list(actor=me(request), search=search),
        row=lambda r: [r.label, r.key, r.description, r.grants, "、".join(r.menu)],
        export_name="roles",
        extra={"note": _("角色由代码定义，只读；授权与数据权限在用户管理中由安全管理员设置。")},
    )

"""单位管理, 岗位管理, 字典管理, 参数设置, 通知公告, 在线用户, 定时任务 pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from township.core.errors import DomainError, NotFound
from township.org.models import Department
from township.system import selectors, services
from township.system.duties import ADMINS, SEC, SYS, SYS_SEC, holds, is_global, require_global
from township.system.models import DictItem, NoticeKind, NoticeStatus, Parameter, ParamKind, Post
from township.system.views.common import (
    admin_page,
    apply_error,
    form_page,
    list_page,
    me,
    q,
    select_filter,
    set_choices,
    tag,
    text_filter,
)

ACTIVE = (("active", gettext_lazy("启用")), ("disabled", gettext_lazy("停用")))


def _active(flag: bool) -> dict[str, Any]:
    return tag(_("启用"), "normal") if flag else tag(_("停用"), "none")


# --- 单位管理 / 区划 --------------------------------------------------------------------------------


@admin_page(SYS_SEC)
def unit_list(request: HttpRequest) -> HttpResponseBase:
    search = q(request, "q")
    levels = {"county": 0, "town": 1, "village": 2}
    return list_page(
        request,
        title=_("单位管理"),
        filters=[text_filter("q", _("单位或部门名称"), search)],
        headers=(_("单位"), _("区划代码"), _("层级"), _("部门"), _("状态")),
        items=selectors.unit_tree(actor=me(request), search=search),
        row=lambda n: [
            "　" * n.depth + ("└ " if n.depth else "") + n.unit.name,
            n.unit.code,
            n.unit.get_level_display(),
            "、".join(d.name + ("" if d.active else _("（停用）")) for d in n.departments),
            _active(n.unit.active),
        ],
        export_name="units",
        actions="system/_unit_actions.html",
        extra={"can_edit": holds(me(request), SYS), "levels": levels},
    )


class DepartmentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("部门名称"), max_length=64)
    short_name = forms.CharField(label=gettext_lazy("简称"), max_length=16, required=False)
    kind = forms.CharField(label=gettext_lazy("类别"), max_length=32, required=False)
    sort = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=32767, initial=0)
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def department_add(request: HttpRequest, code: str) -> HttpResponseBase:
    unit = selectors.managed_units(me(request), SYS).filter(code=code).first()
    if unit is None:
        raise NotFound()
    form = DepartmentForm(request.POST or None)
    del form.fields["active"]
    if request.method == "POST" and form.is_valid():
        try:
            services.department_create(actor=me(request), unit=code, **form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已新增部门"))
            return redirect("system:units")
    return form_page(
        request,
        title=_("%(unit)s：新增部门") % {"unit": unit.name},
        form=form,
        parent=(_("单位管理"), reverse("system:units")),
    )


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def department_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    dep: Department = selectors.department_get(actor=me(request), pk=pk, roles=SYS)
    initial = {"name": dep.name, "short_name": dep.short_name, "kind": dep.kind, "sort": dep.sort, "active": dep.active}
    form = DepartmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_update(actor=me(request), pk=dep.pk, **form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("system:units")
    return form_page(
        request,
        title=_("修改部门 %(name)s") % {"name": dep.name},
        form=form,
        parent=(_("单位管理"), reverse("system:units")),
    )


# --- 岗位管理 -------------------------------------------------------------------------------------


class PostForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("岗位编码"), max_length=32)
    name = forms.CharField(label=gettext_lazy("岗位名称"), max_length=64)
    sort = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=32767, initial=0)
    remark = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


@admin_page(SYS_SEC)
def post_list(request: HttpRequest) -> HttpResponseBase:
    search, state = q(request, "q"), q(request, "state", 16)
    state = state if state in dict(ACTIVE) else ""
    can_edit = is_global(me(request))
    return list_page(
        request,
        title=_("岗位管理"),
        filters=[text_filter("q", _("岗位编码/名称"), search), select_filter("state", _("状态"), state, ACTIVE)],
        headers=(_("岗位编码"), _("岗位名称"), _("排序"), _("人数"), _("状态"), _("备注")),
        items=selectors.post_list(actor=me(request), search=search, state=state),
        row=lambda p: [p.code, p.name, p.sort, p.profiles.count(), _active(p.active), p.remark],
        export_name="posts",
        actions="system/_edit_action.html" if can_edit else "",
        toolbar=[(_("新增岗位"), reverse("system:post-add"))] if can_edit else [],
        extra={"edit_url": "system:post-edit"},
    )


def _post_form(request: HttpRequest, post: Post | None) -> HttpResponseBase:
    initial = {k: getattr(post, k) for k in ("code", "name", "sort", "remark", "active")} if post else None
    form = PostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_save(actor=me(request), post=post, **form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("system:posts")
    title = _("修改岗位") if post else _("新增岗位")
    return form_page(request, title=title, form=form, parent=(_("岗位管理"), reverse("system:posts")))


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def post_add(request: HttpRequest) -> HttpResponseBase:
    require_global(me(request))
    return _post_form(request, None)


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    require_global(me(request))
    post = selectors.post_list(actor=me(request)).filter(pk=pk).first()
    if post is None:
        raise NotFound()
    return _post_form(request, post)


# --- 字典管理 -------------------------------------------------------------------------------------


class DictTypeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("字典编码"), max_length=64, help_text=gettext_lazy("小写字母、数字、下划线")
    )
    name = forms.CharField(label=gettext_lazy("字典名称"), max_length=64)
    remark = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


class DictItemForm(forms.Form):
    value = forms.CharField(label=gettext_lazy("字典键值"), max_length=64)
    label = forms.CharField(label=gettext_lazy("字典标签"), max_length=100)
    sort = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=32767, initial=0)
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


@admin_page(SYS)
def dict_list(request: HttpRequest) -> HttpResponseBase:
    search, builtin = q(request, "q"), q(request, "builtin", 3)
    kinds = (("yes", _("内置（代码定义）")), ("no", _("自定义")))
    builtin = builtin if builtin in dict(kinds) else ""
    can_edit = is_global(me(request))
    return list_page(
        request,
        title=_("字典管理"),
        filters=[text_filter("q", _("字典编码/名称"), search), select_filter("builtin", _("来源"), builtin, kinds)],
        headers=(_("字典编码"), _("字典名称"), _("来源"), _("条目数"), _("状态"), _("备注")),
        items=selectors.dict_type_list(actor=me(request), search=search, builtin=builtin),
        row=lambda t: [
            {"text": t.code, "link": reverse("system:dict", args=[t.pk])},
            t.name,
            tag(_("内置（只读）"), "none") if t.builtin else tag(_("自定义"), "normal"),
            t.items.count(),
            _active(t.active),
            t.remark,
        ],
        export_name="dictionaries",
        toolbar=[(_("新增字典"), reverse("system:dict-add"))] if can_edit else [],
    )


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def dict_add(request: HttpRequest) -> HttpResponseBase:
    require_global(me(request))
    form = DictTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dt = services.dict_type_save(actor=me(request), dict_type=None, **form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            return redirect("system:dict", pk=dt.pk)
    return form_page(request, title=_("新增字典"), form=form, parent=(_("字典管理"), reverse("system:dicts")))


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def dict_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A dictionary's items; new items are POSTed here (custom dictionaries only)."""
    dt = selectors.dict_type_get(actor=me(request), pk=pk)
    can_edit = is_global(me(request)) and not dt.builtin
    form = DictItemForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        require_global(me(request))
        if form is not None and form.is_valid():
            try:
                services.dict_item_save(actor=me(request), dict_type=dt, item=None, **form.cleaned_data)
            except DomainError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("已新增字典数据"))
                return redirect("system:dict", pk=dt.pk)
        elif form is None:
            messages.error(request, _("内置字典由代码定义，只读"))
            return redirect("system:dict", pk=dt.pk)
    search = q(request, "q")
    response = list_page(
        request,
        title=_("字典数据：%(name)s") % {"name": dt.name},
        filters=[text_filter("q", _("键值/标签"), search)],
        headers=(_("字典键值"), _("字典标签"), _("排序"), _("状态")),
        items=selectors.dict_items(dict_type=dt, search=search),
        row=lambda i: [i.value, i.label, i.sort, _active(i.active)],
        export_name=f"dictionary-{dt.code}",
        actions="system/_edit_action.html" if can_edit else "",
        extra={
            "edit_url": "system:dict-item-edit",
            "item_form": form,
            "note": _("内置字典由代码定义，只读。") if dt.builtin else "",
        },
    )
    return response


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def dict_item_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    require_global(me(request))
    item = DictItem.objects.select_related("dict_type").filter(pk=pk).first()
    if item is None:
        raise NotFound()
    initial = {"value": item.value, "label": item.label, "sort": item.sort, "active": item.active}
    form = DictItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.dict_item_save(actor=me(request), dict_type=item.dict_type, item=item, **form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("system:dict", pk=item.dict_type_id)
    parent = (item.dict_type.name, reverse("system:dict", args=[item.dict_type_id]))
    return form_page(request, title=_("修改字典数据"), form=form, parent=parent)


# --- 参数设置 -------------------------------------------------------------------------------------


def _shown(param: Parameter, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if param.kind == ParamKind.BOOLEAN:
        return _("是") if value in (True, "true") else _("否")
    return str(value)


@admin_page(SYS)
def param_list(request: HttpRequest) -> HttpResponseBase:
    search = q(request, "q")
    can_edit = is_global(me(request))
    return list_page(
        request,
        title=_("参数设置"),
        filters=[text_filter("q", _("键名/名称"), search)],
        headers=(_("参数名称"), _("参数键名"), _("类型"), _("参数值"), _("部署默认值"), _("生效值"), _("说明")),
        items=selectors.parameter_list(actor=me(request), search=search),
        row=lambda p: [
            p.name,
            p.key,
            p.get_kind_display(),
            _shown(p, p.value),
            _shown(p, selectors.parameter_default(p)),
            _shown(p, selectors.parameter_effective(p)),
            p.description,
        ],
        export_name="parameters",
        actions="system/_edit_action.html" if can_edit else "",
        extra={"edit_url": "system:param-edit"},
    )


class ParamForm(forms.Form):
    value = forms.CharField(label=gettext_lazy("参数值"), max_length=500, required=False)


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def param_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    require_global(me(request))
    param = selectors.parameter_list(actor=me(request)).filter(pk=pk).first()
    if param is None:
        raise NotFound()
    form = ParamForm(request.POST or None, initial={"value": param.value})
    hint = []
    if param.kind == ParamKind.INTEGER and param.min_value is not None and param.max_value is not None:
        hint.append(_("整数，%(a)d 至 %(b)d") % {"a": param.min_value, "b": param.max_value})
    if param.kind == ParamKind.BOOLEAN:
        hint.append(_("填写 true（是）或 false（否）"))
    hint.append(_("留空则使用部署默认值：%(v)s") % {"v": _shown(param, selectors.parameter_default(param))})
    form.fields["value"].help_text = "；".join(hint)
    if request.method == "POST" and form.is_valid():
        try:
            services.parameter_set(actor=me(request), param=param, value=form.cleaned_data["value"])
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("system:params")
    return form_page(
        request,
        title=_("修改参数：%(name)s") % {"name": param.name},
        form=form,
        parent=(_("参数设置"), reverse("system:params")),
        note=param.description,
    )


# --- 通知公告 -------------------------------------------------------------------------------------

STATUS_TAGS = {NoticeStatus.DRAFT: "none", NoticeStatus.PUBLISHED: "normal", NoticeStatus.WITHDRAWN: "yellow"}


@admin_page(SYS)
def notice_list(request: HttpRequest) -> HttpResponseBase:
    search, status = q(request, "q"), q(request, "status", 16)
    status = status if status in NoticeStatus.values else ""
    return list_page(
        request,
        title=_("通知公告"),
        filters=[text_filter("q", _("标题"), search), select_filter("status", _("状态"), status, NoticeStatus.choices)],
        headers=(_("标题"), _("类型"), _("发布单位"), _("状态"), _("创建人"), _("创建时间"), _("发布时间")),
        items=selectors.notice_list(actor=me(request), search=search, status=status),
        row=lambda n: [
            n.title,
            n.get_kind_display(),
            n.jurisdiction.name,
            tag(n.get_status_display(), STATUS_TAGS.get(n.status, "none")),
            n.created_by.display_name if n.created_by else "",
            n.created_at,
            n.published_at,
        ],
        export_name="notices",
        actions="system/_notice_actions.html",
        toolbar=[(_("新增公告"), reverse("system:notice-add"))],
    )


class NoticeForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("发布单位"))
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=NoticeKind.choices)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=100)
    body = forms.CharField(label=gettext_lazy("内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", [(u.code, u.name) for u in selectors.managed_units(actor, SYS)])


def _notice_form(request: HttpRequest, notice: Any) -> HttpResponseBase:
    initial = (
        {"unit": notice.jurisdiction_id, "kind": notice.kind, "title": notice.title, "body": notice.body}
        if notice
        else None
    )
    form = NoticeForm(request.POST or None, actor=me(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_save(actor=me(request), notice=notice, **form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已保存为草稿"))
            return redirect("system:notices")
    title = _("修改公告") if notice else _("新增公告")
    return form_page(request, title=title, form=form, parent=(_("通知公告"), reverse("system:notices")))


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def notice_add(request: HttpRequest) -> HttpResponseBase:
    return _notice_form(request, None)


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _notice_form(request, selectors.notice_get(actor=me(request), pk=pk))


@admin_page(SYS)
@require_POST
def notice_action(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    notice = selectors.notice_get(actor=me(request), pk=pk)
    try:
        if action == "publish":
            services.notice_publish(actor=me(request), notice=notice)
            messages.success(request, _("已发布"))
        elif action == "withdraw":
            services.notice_withdraw(actor=me(request), notice=notice)
            messages.success(request, _("已撤回"))
        else:
            raise NotFound()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    return redirect("system:notices")


# --- 在线用户 -------------------------------------------------------------------------------------


@admin_page(SEC)
@require_http_methods(["GET", "POST"])
def online_list(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        try:
            services.session_force_logout(
                actor=me(request), session_key=request.POST.get("session", "")[:64], request=request
            )
            messages.success(request, _("已强制退出"))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, exc.message)
        return redirect("system:online")
    search = q(request, "q")
    return list_page(
        request,
        title=_("在线用户"),
        filters=[text_filter("q", _("登录名/姓名"), search)],
        headers=(_("登录名"), _("姓名"), _("最近活动"), _("会话到期")),
        items=selectors.online_list(actor=me(request), search=search, roles=SEC),
        row=lambda r: [r.user.username, r.user.full_name, r.last_seen, r.expires],
        export_name="online-users",
        actions="system/_online_actions.html",
        extra={"own_session": request.session.session_key},
    )


# --- 定时任务 -------------------------------------------------------------------------------------


def _result_text(result: Any) -> str:
    if not result:
        return "—" if result is None else _("完成")
    if isinstance(result, dict):
        return "，".join(f"{k}：{v}" for k, v in result.items())
    return str(result)


@admin_page(SYS)
@require_http_methods(["GET", "POST"])
def job_list(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        require_global(me(request))
        result = services.job_run_now(actor=me(request), name=request.POST.get("job", "")[:64])
        if "error" in result:
            messages.error(request, _("执行失败：%(e)s") % {"e": result["error"]})
        else:
            messages.success(request, _("已执行：%(r)s") % {"r": result})
        return redirect("system:jobs")
    search = q(request, "q")
    return list_page(
        request,
        title=_("定时任务"),
        filters=[text_filter("q", _("任务名称"), search)],
        headers=(_("任务"), _("任务标识"), _("间隔（秒）"), _("上次开始"), _("上次结束"), _("上次结果"), _("下次到期")),
        items=selectors.job_list(actor=me(request), search=search),
        row=lambda j: [
            j.label,
            j.name,
            j.every_seconds,
            j.last_started,
            j.last_finished,
            tag(_("失败"), "red") if j.last_error else _result_text(j.last_result),
            j.next_due,
        ],
        export_name="jobs",
        actions="system/_job_actions.html" if is_global(me(request)) else "",
        extra={"note": _("定时任务由后台 worker 按间隔执行；“立即执行”扫描到当前时刻为止的全部到期事项。")},
    )


@admin_page(ADMINS)
def index(request: HttpRequest) -> HttpResponseBase:
    """系统管理 home: the entries this administrator may open (and the logs, for the roles that read them)."""
    from township.core.navigation import menu_for

    entries = []
    for e in menu_for(me(request)):
        if e.get("group") == "system":
            try:
                entries.append((str(e["label"]), reverse(e["url_name"])))
            except NoReverseMatch:
                continue
    return render(request, "system/index.html", {"entries": entries})

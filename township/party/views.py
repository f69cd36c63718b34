"""Pages of the party-building overlay (issue 15): list and detail, masked by role. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from township.core.errors import DomainError, NotFound, PermissionRefused
from township.org.models import User
from township.org.units import chosen_unit
from township.party import selectors, services
from township.party.forms import MemberForm, OrgForm
from township.party.models import OrgKind, PartyOrg, RevealScope

PAGE_SIZE = 30


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_view(request: HttpRequest) -> None:
    if not selectors.may_view(_me(request)):
        raise PermissionDenied


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _org(request: HttpRequest, pk: int) -> PartyOrg:
    _require_view(request)
    try:
        return selectors.org_get(actor=_me(request), pk=pk)
    except NotFound:
        raise Http404 from None


def _require_manage(request: HttpRequest, town: str) -> None:
    if town not in selectors.full_towns(_me(request)):
        raise PermissionDenied


def _apply(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal beside its field (or above the form), as the other pages show it."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _form_page(request: HttpRequest, *, title: str, form: forms.Form, back: str, note: str = "") -> HttpResponse:
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "party/form.html", {"title": title, "form": form, "back": back, "note": note}, status=status)


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    f = {k: request.GET.get(k, "").strip()[:64] for k in ("q", "kind", "non_public")}
    unit = chosen_unit(request)  # the unit tree (组织机构) beside the list
    qs = selectors.org_list(actor=_me(request), unit=unit, **f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    orgs = list(page)
    full = selectors.full_towns(_me(request))
    ratings = selectors.current_ratings(orgs=orgs)
    for town in sorted({o.jurisdiction_id for o in orgs} & full):  # secretaries shown in full: one row a town
        services.reveal_record(
            actor=_me(request),
            town=town,
            scope=RevealScope.LIST,
            orgs=sum(1 for o in orgs if o.jurisdiction_id == town),
            ip=_ip(request),
        )
    rows = [
        {
            "org": o,
            "secretary": o.secretary_display if o.jurisdiction_id in full else services.mask_name(o.secretary_display),
            "full": o.jurisdiction_id in full,
            "rating": ratings.get(o.pk),
        }
        for o in orgs
    ]
    return render(
        request,
        "party/list.html",
        {
            "page": page,
            "rows": rows,
            "f": f,
            "kinds": OrgKind.choices,
            "query": urlencode({k: v for k, v in f.items() if v} | unit.params),
            "masked": not full,
            "can_add": bool(full),
        },
    )


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    try:
        org = selectors.org_get(actor=_me(request), pk=pk)
    except NotFound:
        raise Http404 from None
    view = selectors.org_view(actor=_me(request), org=org)
    if view.full:  # member names and the secretary in full: one row for this page view
        services.reveal_record(
            actor=_me(request),
            town=org.jurisdiction_id,
            scope=RevealScope.DETAIL,
            org=org,
            members=len(view.members),
            ip=_ip(request),
        )
    return render(
        request,
        "party/detail.html",
        {"v": view, "org": org, "year": timezone.localdate().year - 1, "stars_range": range(1, 6)},
    )


@login_required
@require_POST
def rating_record(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    try:
        org = selectors.org_get(actor=_me(request), pk=pk)
    except NotFound:
        raise Http404 from None
    try:
        services.rating_record(
            actor=_me(request),
            org=org,
            year=int(request.POST.get("year") or 0),
            stars=int(request.POST.get("stars") or 0),
            red_flag=request.POST.get("red_flag") == "1",
            score=request.POST.get("score") or None,
            reviewed_by=request.POST.get("reviewed_by", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValueError:
        messages.error(request, _("年度和星级须为数字"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记评定"))
    return redirect("party:detail", pk=pk)


def _refs(town: str, values: dict[str, Any]) -> dict[str, Any]:
    """The form's references as rows of the town: the parent organisation, the grid, the secretary's account."""
    from township.grid.selectors import grid_by_code

    out = dict(values)
    if "parent" in out:
        out["parent"] = selectors.org_ref(town=town, pk=out["parent"])
    if "grid" in out:
        out["grid"] = grid_by_code(jurisdiction=town, code=out["grid"]) if out["grid"] else None
    for key in ("secretary", "user"):
        if key in out:
            out[key] = selectors.user_ref(out[key], field=key)
    return out


@login_required
@require_http_methods(["GET", "POST"])
def org_add(request: HttpRequest) -> HttpResponse:
    """新增党组织 (a dialog from the list)."""
    _require_view(request)
    towns = selectors.manage_towns(_me(request))
    if not towns:
        raise PermissionDenied
    form = OrgForm(request.POST or None, towns=towns)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        town = data.pop("jurisdiction")
        try:
            org = services.org_create(actor=_me(request), jurisdiction=town, **_refs(town, data))
        except PermissionRefused:
            raise PermissionDenied from None
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("已新增党组织：%(name)s") % {"name": org.name})
            return redirect("party:detail", pk=org.pk)
    return _form_page(request, title=_("新增党组织"), form=form, back=reverse("party:list"))


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """编辑 an organisation: a correction with its reason, recorded in the operation log."""
    org = _org(request, pk)
    _require_manage(request, org.jurisdiction_id)
    towns = [(org.jurisdiction_id, org.jurisdiction.name)]
    form = OrgForm(request.POST or None, towns=towns, org=org, initial=OrgForm.initial_for(org))
    if request.method == "POST" and form.is_valid():
        try:
            services.org_update(
                actor=_me(request),
                org=org,
                reason=form.cleaned_data["reason"],
                **_refs(org.jurisdiction_id, form.changes()),
            )
        except PermissionRefused:
            raise PermissionDenied from None
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("已保存更正，修改前后的内容和理由已记入操作日志"))
            return redirect("party:detail", pk=org.pk)
    return _form_page(
        request,
        title=_("编辑：%(name)s") % {"name": org.name},
        form=form,
        back=reverse("party:detail", args=[org.pk]),
        note=_("更正不会悄悄覆盖：修改前后的内容和更正理由记入操作日志，审计管理员可查。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """关联党员 (a staff account or a 主体库 person, in a grid role)."""
    org = _org(request, pk)
    _require_manage(request, org.jurisdiction_id)
    form = MemberForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        identifier = data.pop("subject")
        try:
            subject = selectors.subject_ref(actor=_me(request), identifier=identifier)
            data["households"] = data["households"] or 0
            services.member_link_add(actor=_me(request), org=org, subject=subject, **_refs(org.jurisdiction_id, data))
        except PermissionRefused:
            raise PermissionDenied from None
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("已关联党员"))
            return redirect("party:detail", pk=org.pk)
    return _form_page(
        request,
        title=_("关联党员：%(name)s") % {"name": org.name},
        form=form,
        back=reverse("party:detail", args=[org.pk]),
        note=_("只记录网格工作需要的信息（姓名、角色、户址、网格）；党员档案以组织部门系统为准。"),
    )


@login_required
@require_POST
def member_end(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    """结束关联 (the link keeps its end date; nothing is deleted)."""
    org = _org(request, pk)
    _require_manage(request, org.jurisdiction_id)
    try:
        link = selectors.member_get(org=org, pk=link_id)
    except NotFound:
        raise Http404 from None
    try:
        services.member_link_end(actor=_me(request), link=link)
    except PermissionRefused:
        raise PermissionDenied from None
    messages.success(request, _("已结束关联（记录保留）"))
    return redirect("party:detail", pk=org.pk)

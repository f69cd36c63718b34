"""Pages of the subject registry: list (search, filters, pages, masked Excel export), subject page, registration
(window — embedded in the window desk —, village agent, online), Excel import with row errors, merge."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from township.core.crypto import blind_index
from township.core.errors import DomainError, NotFound
from township.org.models import Jurisdiction, Level
from township.org.scoping import reach
from township.org.units import UnitChoice, chosen_unit
from township.subjects import selectors
from township.subjects.forms import (
    SubjectFilterForm,
    SubjectImportForm,
    SubjectMergeForm,
    SubjectRegisterForm,
    set_choices,
)
from township.subjects.importer import ImportRefused, import_template_xlsx, subjects_import
from township.subjects.merge import may_merge, subject_merge
from township.subjects.models import RegistrationChannel, Subject, SubjectCorrection
from township.subjects.registration import default_channel, register_towns, subject_register
from township.subjects.services import subject_reveal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff_or_404(request: HttpRequest) -> None:
    if not selectors.is_staff(request.user):
        raise Http404


def _village_choices(actor: Any) -> list[tuple[str, str]]:
    r = reach(actor, selectors.staff_roles())
    q = Q(parent_id__in=sorted(r.codes)) | Q(pk__in=[v for _t, v in r.villages])
    return [(u.code, u.name) for u in Jurisdiction.objects.filter(q, level=Level.VILLAGE).order_by("code")[:1000]]


def _filtered(request: HttpRequest, unit: UnitChoice | None = None) -> tuple[SubjectFilterForm, Any]:
    form = SubjectFilterForm(request.GET or None)
    set_choices(form, "village", [("", _("全部")), *_village_choices(request.user)])
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.subject_list(
        actor=request.user,
        q=data.get("q", ""),
        kind=data.get("kind", ""),
        credit_class=data.get("credit_class", ""),
        village=data.get("village", ""),
        unit=unit,
    )
    return form, qs


@login_required
def subject_list(request: HttpRequest) -> HttpResponse:
    """主体库: subjects present in the user's reach, masked."""
    _staff_or_404(request)
    unit = chosen_unit(request)  # the unit tree (组织机构) beside the list
    form, qs = _filtered(request, unit)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v} | unit.params
    return render(
        request,
        "subjects/list.html",
        {
            "form": form,
            "page": page,
            "query": urlencode(params),
            "export_url": reverse("subjects:export") + ("?" + urlencode(params) if params else ""),
            "may_register": default_channel(request.user) != RegistrationChannel.ONLINE,
            "may_import": bool(register_towns(request.user)),
        },
    )


@login_required
def subject_export(request: HttpRequest) -> HttpResponse:
    """导出 of the filtered list through the 下载中心 (kind "subjects": masked; large lists become a job there)."""
    from township.downloads.views import export

    _staff_or_404(request)
    return export(request, "subjects")


def _corrections(subject: Subject) -> list[SubjectCorrection]:
    return list(
        SubjectCorrection.objects.filter(Q(survivor=subject) | Q(merged=subject)).select_related(
            "survivor", "merged", "actor"
        )
    )


@login_required
def subject_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """主体详情: masked data, where it is present (in reach), links to credit and the library, corrections."""
    try:
        subject = selectors.subject_get(actor=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    revealed: dict[str, str] = {}
    if request.method == "POST":
        try:
            field = request.POST.get("field", "")
            revealed[field] = subject_reveal(
                subject=subject, field=field, actor=request.user, ip=request.META.get("REMOTE_ADDR")
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    presences = (
        selectors.presences_in_reach(request.user).filter(subject=subject).select_related("jurisdiction", "village")
    )
    return render(
        request,
        "subjects/detail.html",
        {
            "subject": subject,
            "presences": list(presences),
            "corrections": _corrections(subject),
            "merged_subjects": list(subject.merged_subjects.all()),
            "survivor": subject.merged_into,
            "revealed": revealed,
            "may_reveal": selectors.may_reveal(actor=request.user, subject=subject),
            "may_merge": subject.merged_into_id is None and may_merge(request.user, subject),
        },
    )


def _after_register(request: HttpRequest, subject: Subject, created: bool) -> HttpResponse:
    if created:
        messages.success(request, _("已登记主体：%(s)s") % {"s": subject})
    else:
        messages.info(request, _("该主体已登记，已在本单位启用：%(s)s") % {"s": subject})
    if request.POST.get("next") == "window":
        # Back to the desk: its own lookup of the identifier finds the new subject and the application goes on.
        return redirect(reverse("approval:window") + "?" + urlencode({"id": subject.identifier}))
    return redirect("subjects:detail", pk=subject.pk)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """登记新主体 by staff: at the window (clerk) or in the village (agent). Residents use the online page."""
    channel = default_channel(request.user)
    if channel == RegistrationChannel.ONLINE:
        return redirect("subjects:me")
    initial = {"identifier": request.GET.get("id", "")}
    form = SubjectRegisterForm(request.POST or None, actor=request.user, channel=channel, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reg = subject_register(
                actor=request.user,
                channel=channel,
                identifier=d["identifier"],
                name=d["name"],
                phone=d["phone"],
                address=d["address"],
                legal_representative=d["legal_representative"],
                town=d["town"],
                village=d["village"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _after_register(request, reg.subject, reg.created)
    next_to = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "subjects/register.html", {"form": form, "channel": channel, "next": next_to})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """网上自行登记: the account registers the subject it stands for (its own ID or USCC) and sees it."""
    user: Any = request.user
    own = selectors.subject_for_user(user)
    if own is not None and own.presences.exists():  # registered somewhere: its page
        return redirect("subjects:detail", pk=own.pk)
    initial = {
        "identifier": (user.uscc or user.resident_id or ""),
        "name": own.name if own else user.full_name,
        "phone": user.phone,
    }
    form = SubjectRegisterForm(
        request.POST or None, actor=request.user, channel=RegistrationChannel.ONLINE, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reg = subject_register(
                actor=request.user,
                channel=RegistrationChannel.ONLINE,
                identifier=d["identifier"],
                name=d["name"],
                phone=d["phone"],
                address=d["address"],
                legal_representative=d["legal_representative"],
                town=d["town"],
                village=d["village"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("登记成功"))
            return redirect("subjects:detail", pk=reg.subject.pk)
    return render(request, "subjects/me.html", {"form": form, "subject": own})


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    """Excel 批量导入: all rows or none, with every row error listed."""
    if not register_towns(request.user):
        raise PermissionDenied
    form = SubjectImportForm(request.POST or None, request.FILES or None, actor=request.user)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = subjects_import(
                actor=request.user, content=form.cleaned_data["file"].read(), town=form.cleaned_data["town"]
            )
        except ImportRefused as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        except DomainError as exc:
            form.add_error("file" if exc.field == "file" else None, exc.message)
        else:
            messages.success(
                request,
                _("导入完成：新登记 %(c)s 个，已有 %(e)s 个") % {"c": result.created, "e": result.existing},
            )
            return redirect("subjects:list")
    return render(request, "subjects/import.html", {"form": form, "errors": errors})


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(import_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="subject-import-template.xlsx"'
    return response


def _find_duplicate(actor: Any, value: str) -> Subject:
    value = (value or "").strip()
    if value.isdigit() and len(value) < 18:
        return selectors.subject_get(actor=actor, pk=int(value))
    found = Subject.objects.filter(
        Q(uscc=selectors.normalise_identifier(value))
        | Q(resident_id_index=blind_index(selectors.normalise_identifier(value)))
    ).first()
    if found is None or not selectors.subject_is_visible_to(actor=actor, subject=found):
        raise NotFound(_("未找到该主体（请输入完整证件号码或主体编号）"))
    return found


@login_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """合并重复主体 into this one (the survivor), by a recorded correction."""
    try:
        survivor = selectors.subject_get(actor=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    if not may_merge(request.user, survivor):
        raise PermissionDenied
    form = SubjectMergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            merged = _find_duplicate(request.user, form.cleaned_data["merged"])
            correction = subject_merge(
                survivor=survivor, merged=merged, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else "merged", exc.message)
        else:
            moved = sum(correction.moved.values())
            messages.success(request, _("已合并，迁移记录 %(n)s 条") % {"n": moved})
            return redirect("subjects:detail", pk=survivor.pk)
    return render(request, "subjects/merge.html", {"form": form, "subject": survivor})

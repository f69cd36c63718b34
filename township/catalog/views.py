"""Staff pages (login required, scoped) and public service guides (no login). Thin: selectors/services do the work."""

from __future__ import annotations

import json
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from township.catalog import importer, selectors, services
from township.catalog.forms import (
    DelegationForm,
    ImportForm,
    ItemForm,
    ItemSearchForm,
    MaterialFormSet,
    PublishForm,
    StatusForm,
    ThemeForm,
)
from township.catalog.models import (
    ITEM_TYPE_SHORT,
    Channel,
    DelegationMode,
    ItemType,
    LimitUnit,
    Material,
)
from township.catalog.snapshot import diff_snapshots
from township.core.errors import DomainError, NotFound

PAGE_SIZE = 20


def _get_or_404(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


def _filters(data: Any) -> dict[str, Any]:
    form = ItemSearchForm(data)
    form.is_valid()
    cleaned = {k: v for k, v in form.cleaned_data.items() if v}
    return {"form": form, "filters": cleaned}


# ---- staff: list, export -------------------------------------------------------------------


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request.GET)
    filters = f["filters"]
    unit = request.GET.get("unit", "")
    if unit:
        filters["jurisdiction"] = unit
    qs = selectors.item_list(actor=request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    editable = selectors.editable_codes(request.user)
    return render(
        request,
        "catalog/item_list.html",
        {
            "form": f["form"],
            "page": page,
            "query": query.urlencode(),
            "editable": editable,
            "can_create": bool(editable),
            "publish_units": selectors.publish_codes(request.user),
            "type_short": ITEM_TYPE_SHORT,
        },
    )


@login_required
def item_export(request: HttpRequest) -> HttpResponse:
    filters = _filters(request.GET)["filters"]
    qs = selectors.item_list(actor=request.user, **filters).prefetch_related(
        Prefetch("materials", queryset=Material.objects.select_related("material_type"))
    )
    header, _rows = importer.template_rows()
    fmt = request.GET.get("format", "xlsx")
    if fmt == "csv":
        body, ctype, ext = importer.to_csv(header, importer.export_rows(qs)), "text/csv; charset=utf-8", "csv"
    else:
        body = importer.to_xlsx(header, importer.export_rows(qs))
        ctype, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="catalog-export.{ext}"'
    return response


@login_required
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    header, rows = importer.template_rows()
    if fmt == "csv":
        response = HttpResponse(importer.to_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            importer.to_xlsx(header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="catalog-template.{fmt}"'
    return response


# ---- staff: one item -----------------------------------------------------------------------


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_or_404(selectors.item_get, actor=request.user, pk=pk)
    return render(
        request,
        "catalog/item_detail.html",
        {
            "item": item,
            "materials": selectors.item_materials(item),
            "versions": selectors.item_versions(actor=request.user, item=item)[:10],
            "delegations": selectors.item_delegations(item),
            "can_edit": selectors.can_edit(request.user, item),
            "can_publish": selectors.can_publish(request.user, item),
            "publish_form": PublishForm(),
        },
    )


def _material_initial(item: Any) -> list[dict[str, Any]]:
    if item is None:
        return []
    return [
        {
            "type_name": m.material_type.name,
            "issuer": m.issuer,
            "originals": m.originals,
            "copies": m.copies,
            "essential": m.essential,
            "may_be_missing": m.may_be_missing,
            "certificate_satisfies": m.material_type.certificate_satisfies,
        }
        for m in selectors.item_materials(item)
    ]


def _material_rows(formset: Any) -> list[dict[str, Any]]:
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not data.get("type_name"):
            continue
        mt = services.material_type_for(
            data["type_name"], certificate_satisfies=data.get("certificate_satisfies") or None
        )
        rows.append({**data, "material_type": mt})
    return rows


@login_required
def item_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = _get_or_404(selectors.item_get_for_edit, actor=request.user, pk=pk) if pk else None
    editable = sorted(selectors.editable_codes(request.user))
    if not editable:
        raise Http404
    jurisdiction = (
        item.jurisdiction_id if item else request.POST.get("jurisdiction") or request.GET.get("unit") or editable[0]
    )
    if jurisdiction not in editable:
        raise Http404
    kwargs = {
        "departments": selectors.departments_for(jurisdiction),
        "staff": selectors.staff_for(jurisdiction),
    }
    if request.method == "POST":
        form = ItemForm(request.POST, instance=item, **kwargs)
        formset = MaterialFormSet(request.POST, prefix="m")
        if form.is_valid() and formset.is_valid():
            try:
                if item is None:
                    item = services.item_create(actor=request.user, jurisdiction=jurisdiction, data=form.service_data())
                else:
                    item = services.item_update(actor=request.user, item=item, data=form.service_data())
                services.item_set_materials(actor=request.user, item=item, materials=_material_rows(formset))
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("草稿已保存，发布后生效"))
                return redirect("catalog:item-detail", pk=item.pk)
    else:
        form = ItemForm(instance=item, **kwargs)
        formset = MaterialFormSet(initial=_material_initial(item), prefix="m")
    return render(
        request,
        "catalog/item_form.html",
        {"form": form, "formset": formset, "item": item, "jurisdiction": jurisdiction, "units": editable},
    )


@login_required
@require_POST
def item_publish(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_or_404(selectors.item_get, actor=request.user, pk=pk)
    form = PublishForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        version = services.item_publish(item=item, actor=request.user, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已发布第 %(n)d 版") % {"n": version.number})
    return redirect("catalog:item-detail", pk=item.pk)


@login_required
@require_POST
def items_publish_all(request: HttpRequest) -> HttpResponse:
    """Publish every unpublished draft of one jurisdiction (after an import)."""
    jurisdiction = request.POST.get("jurisdiction", "")
    try:
        n = services.items_publish_all(
            actor=request.user, jurisdiction=jurisdiction, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已发布 %(n)d 项") % {"n": n})
    return redirect("catalog:item-list")


@login_required
@require_POST
def item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_or_404(selectors.item_get, actor=request.user, pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写理由"))
        return redirect("catalog:item-detail", pk=item.pk)
    action = {"suspend": services.item_suspend, "resume": services.item_resume, "retire": services.item_retire}
    try:
        action[form.cleaned_data["action"]](item=item, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("状态已更新"))
    return redirect("catalog:item-detail", pk=item.pk)


def _display(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        parts = []
        for v in value:
            if isinstance(v, dict):
                flag = "" if v.get("essential", True) else _("（非必备）")
                parts.append(f"{v.get('material_type_name') or v.get('name')}{flag}")
            else:
                parts.append(str(v))
        return "；".join(parts)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@login_required
def item_versions(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_or_404(selectors.item_get, actor=request.user, pk=pk)
    versions = list(selectors.item_versions(actor=request.user, item=item))
    by_number = {v.number: v for v in versions}
    diff = []
    a = b = None
    if versions:
        try:
            b = by_number.get(int(request.GET.get("b", versions[0].number)))
            a = by_number.get(int(request.GET.get("a", (b.number - 1) if b else 0)))
        except (TypeError, ValueError):
            b = versions[0]
        if b is not None:
            diff = [
                {**d, "old": _display(d["old"]), "new": _display(d["new"])}
                for d in diff_snapshots(a.snapshot if a else None, b.snapshot)
            ]
    return render(
        request,
        "catalog/item_versions.html",
        {"item": item, "versions": versions, "diff": diff, "a": a, "b": b},
    )


# ---- staff: import -------------------------------------------------------------------------


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    editable = sorted(selectors.editable_codes(request.user))
    if not editable:
        raise Http404
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        jurisdiction = request.POST.get("jurisdiction") or editable[0]
        if jurisdiction not in editable:
            raise Http404
        if form.is_valid():
            try:
                job = importer.import_job_create(
                    jurisdiction=jurisdiction,
                    upload=form.cleaned_data["file"],
                    filename=form.cleaned_data["file"].name,
                    dry_run=form.cleaned_data["dry_run"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("catalog:import-job", pk=job.pk)
    else:
        form = ImportForm()
    return render(
        request,
        "catalog/import_start.html",
        {"form": form, "units": editable, "jobs": selectors.import_job_list(actor=request.user)},
    )


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_or_404(selectors.import_job_get, actor=request.user, pk=pk)
    return render(request, "catalog/import_job.html", {"job": job})


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx every second while the job runs."""
    job = _get_or_404(selectors.import_job_get, actor=request.user, pk=pk)
    return render(request, "catalog/_import_progress.html", {"job": job})


@login_required
@require_POST
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Runs a pending job (the page fires this once; progress is polled separately)."""
    job = _get_or_404(selectors.import_job_get, actor=request.user, pk=pk)
    importer.import_job_run(job, request.user)
    job = selectors.import_job_get(actor=request.user, pk=pk)
    return render(request, "catalog/_import_result.html", {"job": job})


@login_required
def import_errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The bad rows of a job as CSV (row, column, message) to fix them in the spreadsheet."""
    job = _get_or_404(selectors.import_job_get, actor=request.user, pk=pk)
    rows = [[e.get("row"), e.get("column"), e.get("message")] for e in job.errors]
    response = HttpResponse(importer.to_csv(["行号", "列", "错误"], rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """After a clean dry run: the same file again, for real."""
    job = _get_or_404(selectors.import_job_get, actor=request.user, pk=pk)
    try:
        new = importer.import_job_commit(job, request.user)
    except DomainError:
        raise Http404 from None
    return redirect("catalog:import-job", pk=new.pk)


# ---- staff: statistics, delegations, themes ------------------------------------------------


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    data = selectors.catalog_stats(actor=request.user, jurisdiction=request.GET.get("unit", ""))
    channel_labels = {c.value: str(c.label) for c in Channel}
    mode_labels = {m.value: str(m.label) for m in DelegationMode}
    charts = {
        "type": [{"name": f"{label}（{code}）", "value": n} for code, label, n in data["by_type_labelled"]],
        "department": {
            "names": [d for d, _n in data["by_department"][:20]],
            "values": [n for _d, n in data["by_department"][:20]],
        },
        "channel": {
            "names": [channel_labels[c] for c in data["by_channel"]],
            "values": list(data["by_channel"].values()),
        },
        "source": [{"name": s, "value": n} for s, n in data["delegated_by_source"]],
        "mode": [{"name": mode_labels.get(m, m), "value": n} for m, n in data["delegated_by_mode"].items()],
    }
    type_labels = dict(ItemType.choices)
    delegated_types = [(code, type_labels.get(code, code), n) for code, n in data["delegated_by_type"].items()]
    return render(request, "catalog/stats.html", {"stats": data, "charts": charts, "delegated_types": delegated_types})


@login_required
def delegation_list(request: HttpRequest) -> HttpResponse:
    form = DelegationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = selectors.item_find_for_edit(actor=request.user, ref=form.cleaned_data["item"])
            services.delegation_create(
                actor=request.user,
                item=item,
                from_department_name=form.cleaned_data["from_department_name"],
                mode=form.cleaned_data["mode"],
                document_number=form.cleaned_data["document_number"],
                document_date=form.cleaned_data["document_date"],
                document_file=form.cleaned_data["document_file"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("放权记录已保存"))
            return redirect("catalog:delegations")
    rows = selectors.delegation_list(actor=request.user, status=request.GET.get("status", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/delegation_list.html",
        {"page": page, "form": form, "editable_items": selectors.item_refs_for_edit(actor=request.user)},
    )


@login_required
def delegation_file(request: HttpRequest, pk: int) -> FileResponse:
    delegation = _get_or_404(selectors.delegation_get, actor=request.user, pk=pk)
    if not delegation.document_file:
        raise Http404
    return FileResponse(delegation.document_file.open("rb"), as_attachment=True)


@login_required
def theme_list(request: HttpRequest) -> HttpResponse:
    form = ThemeForm(request.POST or None)
    editable = sorted(selectors.editable_codes(request.user))
    if request.method == "POST" and editable and form.is_valid():
        jurisdiction = request.POST.get("jurisdiction") or editable[0]
        try:
            items = [selectors.item_find_for_edit(actor=request.user, ref=ref) for ref in form.cleaned_data["items"]]
            services.theme_save(
                actor=request.user,
                jurisdiction=jurisdiction,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                items=items,
                description=form.cleaned_data["description"],
            )
        except DomainError as exc:
            form.add_error("items" if exc.field in (None, "item", "items") else None, exc.message)
        else:
            messages.success(request, _("主题已保存"))
            return redirect("catalog:themes")
    return render(
        request,
        "catalog/theme_list.html",
        {"themes": selectors.theme_list(actor=request.user), "form": form, "units": editable},
    )


# ---- public service guides (no login) ------------------------------------------------------


# Searches shown under the box (what residents ask the window most).
GUIDE_HOT = ("营业执照", "开饭店", "社保", "医保", "低保", "残疾证", "结婚", "建房")


def guide_index(request: HttpRequest) -> HttpResponse:
    """办事指南: search as residents type it (名称、拼音、首字母、群众说法), browse by life event, 一件事 and department.

    Only public service items (``selectors.GUIDE_TYPES``); 处罚/强制/征收/检查 are never listed."""
    filters: dict[str, Any] = {
        "q": request.GET.get("q", "").strip()[:50],
        "item_type": request.GET.get("type", ""),
        "department": request.GET.get("department", "")[:100],
        "channel": request.GET.get("channel", ""),
        "topic": request.GET.get("topic", "")[:10],
    }
    if filters["item_type"] not in selectors.GUIDE_TYPES:
        filters["item_type"] = ""
    theme = request.GET.get("theme", "")
    if theme.isdigit():
        filters["theme"] = int(theme)
    jurisdiction = request.GET.get("j", "")[:12]
    filters = {k: v for k, v in filters.items() if v}
    results = selectors.guide_search(jurisdiction=jurisdiction, **filters)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    q = filters.get("q", "")
    topic = selectors.guide_topic(filters.get("topic", ""))
    jurisdictions = selectors.guide_jurisdictions()
    unit_name = next((name for code, name, _n in jurisdictions if code == jurisdiction), "")
    return render(
        request,
        "catalog/guide_index.html",
        {
            "page": page,
            "query": query.urlencode(),
            "q": q,
            "topic": topic,
            "filtered": bool(filters) or request.GET.get("all") == "1",
            "unit_name": unit_name,
            "hot": GUIDE_HOT,
            "topics": selectors.guide_topics(),
            "types": [(t.value, t.label) for t in ItemType if t.value in selectors.GUIDE_TYPES],
            "channels": [(c.value, c.label) for c in Channel],
            "departments": selectors.guide_departments(jurisdiction=jurisdiction)[:40],
            "themes": selectors.guide_themes(q=q, jurisdiction=jurisdiction),
            "jurisdictions": jurisdictions,
            "current": request.GET,
            "j": jurisdiction,
        },
    )


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, dark="#1f2d3d")


def guide_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_or_404(selectors.guide_item_get, pk=pk)
    snap = item.current_version.snapshot
    url = request.build_absolute_uri(reverse("guide:item", args=[item.pk]))
    unit_labels = {u.value: str(u.label) for u in LimitUnit}
    channel_labels = {c.value: str(c.label) for c in Channel}
    return render(
        request,
        "catalog/guide_item.html",
        {
            "item": item,
            "snap": snap,
            "version": item.current_version,
            "qr": _qr_svg(url),
            "url": url,
            "promised_unit": unit_labels.get(snap.get("promised_unit"), ""),
            "statutory_unit": unit_labels.get(snap.get("statutory_unit"), ""),
            "channels": [channel_labels.get(c, c) for c in snap.get("channels", [])],
            "type_label": dict(ItemType.choices).get(snap.get("item_type"), ""),
            "print": request.GET.get("print") == "1",
        },
    )


def guide_item_qr(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_or_404(selectors.guide_item_get, pk=pk)
    url = request.build_absolute_uri(reverse("guide:item", args=[item.pk]))
    return HttpResponse(segno.make(url, error="m").svg_inline(scale=4), content_type="image/svg+xml")


def guide_theme(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _get_or_404(selectors.theme_get, pk=pk, public=True)
    return render(
        request,
        "catalog/guide_theme.html",
        {"theme": theme, "items": selectors.theme_items(theme), "materials": selectors.theme_materials(theme)},
    )


def guide_search_json(request: HttpRequest) -> JsonResponse:
    """Type-ahead for the guide's search box: the ten best items and the matching 一件事."""
    q = request.GET.get("q", "").strip()[:50]
    jurisdiction = request.GET.get("j", "")[:12]
    rows = list(selectors.guide_search(q=q, jurisdiction=jurisdiction)[:10]) if q else []
    themes = selectors.guide_themes(q=q, jurisdiction=jurisdiction)[:5] if q else []
    return JsonResponse(
        {
            "results": [{"id": i.pk, "name": i.name, "unit": i.jurisdiction.name} for i in rows],
            "themes": [{"id": t.pk, "name": t.name} for t in themes],
        }
    )

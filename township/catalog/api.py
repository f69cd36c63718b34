"""Catalog endpoints (/api/v1/catalog/): list/search, detail, versions, themes, import, export, statistics.

Errors are ``{"code", "message", "field"}``; every endpoint scopes by the caller's grants.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from township.catalog import importer, selectors, services
from township.catalog.models import Item, ItemVersion, Material
from township.core.errors import DomainError

router = Router(tags=["catalog"])


class ItemOut(Schema):
    id: int
    jurisdiction: str
    name: str
    name_initials: str
    implementation_code: str
    basic_code: str
    item_type: str
    item_type_label: str
    department_name: str
    handling_kind: str
    statutory_limit: int | None
    statutory_unit: str
    promised_limit: int | None
    promised_unit: str
    risk_class: str
    channels: list[str]
    status: str
    dirty: bool
    current_version_id: int | None
    responsible_user: str | None


class MaterialOut(Schema):
    material_type_code: str
    material_type_name: str
    name: str
    essential: bool
    may_be_missing: bool
    originals: int
    copies: int
    certificate_satisfies: bool


class ItemDetailOut(ItemOut):
    legal_basis: str
    conditions: str
    gap_allowed: bool
    gap_deadline_days: int | None
    commitment_allowed: bool
    commitment_text: str
    commitment_check_days: int | None
    visible_to_towns: bool
    materials: list[MaterialOut]


class ItemPageOut(Schema):
    items: list[ItemOut]
    next_cursor: int | None


class VersionOut(Schema):
    id: int
    item_id: int
    number: int
    reason: str
    approver: str | None
    published_at: datetime


class VersionDetailOut(VersionOut):
    snapshot: dict[str, Any]


class ItemIn(Schema):
    jurisdiction: str | None = None
    name: str | None = None
    item_type: str | None = None
    implementation_code: str | None = None
    basic_code: str | None = None
    department_name: str | None = None
    handling_kind: str | None = None
    statutory_limit: int | None = None
    statutory_unit: str | None = None
    promised_limit: int | None = None
    promised_unit: str | None = None
    risk_class: str | None = None
    legal_basis: str | None = None
    conditions: str | None = None
    gap_allowed: bool | None = None
    gap_deadline_days: int | None = None
    commitment_allowed: bool | None = None
    commitment_text: str | None = None
    commitment_check_days: int | None = None
    channel_online: bool | None = None
    channel_no_visit: bool | None = None
    channel_one_visit: bool | None = None
    channel_village_agent: bool | None = None
    visible_to_towns: bool | None = None


class PublishIn(Schema):
    reason: str


class ThemeOut(Schema):
    id: int
    jurisdiction: str
    code: str
    name: str
    items: list[dict[str, Any]]
    materials: list[dict[str, Any]]


class ImportError_(Schema):
    row: int
    column: str
    code: str
    message: str


class ImportOut(Schema):
    ok: bool
    dry_run: bool
    jurisdiction: str
    total: int
    created: int
    updated: int
    by_type: dict[str, int]
    errors: list[ImportError_]


def item_out(item: Item) -> dict[str, Any]:
    return {
        "id": item.pk,
        "jurisdiction": item.jurisdiction_id,
        "name": item.name,
        "name_initials": item.name_initials,
        "implementation_code": item.implementation_code,
        "basic_code": item.basic_code,
        "item_type": item.item_type,
        "item_type_label": item.get_item_type_display(),
        "department_name": item.department_name,
        "handling_kind": item.handling_kind,
        "statutory_limit": item.statutory_limit,
        "statutory_unit": item.statutory_unit,
        "promised_limit": item.promised_limit,
        "promised_unit": item.promised_unit,
        "risk_class": item.risk_class,
        "channels": item.channels,
        "status": item.status,
        "dirty": item.dirty,
        "current_version_id": item.current_version_id,
        "responsible_user": item.responsible_user.display_name if item.responsible_user_id else None,
    }


def detail_out(item: Item) -> dict[str, Any]:
    out = item_out(item)
    out.update(
        {
            f: getattr(item, f)
            for f in (
                "legal_basis",
                "conditions",
                "gap_allowed",
                "gap_deadline_days",
                "commitment_allowed",
                "commitment_text",
                "commitment_check_days",
                "visible_to_towns",
            )
        }
    )
    out["materials"] = [
        {
            "material_type_code": m.material_type.code,
            "material_type_name": m.material_type.name,
            "name": m.display_name,
            "essential": m.essential,
            "may_be_missing": m.may_be_missing,
            "originals": m.originals,
            "copies": m.copies,
            "certificate_satisfies": m.material_type.certificate_satisfies,
        }
        for m in selectors.item_materials(item)
    ]
    return out


def version_out(v: ItemVersion, *, snapshot: bool = False) -> dict[str, Any]:
    out = {
        "id": v.pk,
        "item_id": v.item_id,
        "number": v.number,
        "reason": v.reason,
        "approver": v.approver.display_name if v.approver_id else None,
        "published_at": v.published_at,
    }
    if snapshot:
        out["snapshot"] = v.snapshot
    return out


def _page(qs: Any, cursor: int | None, limit: int, *, public: bool = False) -> dict[str, Any]:
    limit = max(1, min(limit, 100))
    qs = qs.order_by("id")
    if cursor:
        qs = qs.filter(id__gt=cursor)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    out = [item_out(i) for i in rows]
    if public:
        for row in out:
            row["responsible_user"] = None
    return {"items": out, "next_cursor": rows[-1].pk if more and rows else None}


@router.get("/items", response=ItemPageOut, summary="事项列表/搜索")
def items(
    request: HttpRequest,
    q: str = "",
    item_type: str = "",
    department: str = "",
    status: str = "",
    channel: str = "",
    risk_class: str = "",
    jurisdiction: str = "",
    unassigned: bool = False,
    cursor: int | None = None,
    limit: int = 20,
) -> dict[str, Any]:
    """Own items plus county items made visible to towns. ``q`` matches any substring of the name, the
    implementation code or the pinyin initials (``yyzz``). Keyset pages via ``cursor``."""
    qs = selectors.item_list(
        actor=request.user,
        q=q[:50],
        item_type=item_type,
        department=department,
        status=status,
        channel=channel,
        risk_class=risk_class,
        jurisdiction=jurisdiction,
        unassigned=unassigned,
    )
    return _page(qs, cursor, limit)


@router.post("/items", response={201: ItemDetailOut}, summary="新增事项（草稿）")
def item_create(request: HttpRequest, payload: ItemIn) -> Status:
    """Error codes: catalog_forbidden, required, bad_item_type, bad_unit, bad_risk_class,
    promise_exceeds_statute, gap_deadline_required, gap_not_for_control, commitment_text_required, duplicate_code."""
    data = payload.dict(exclude_none=True)
    jurisdiction = data.pop("jurisdiction", None)
    if not jurisdiction:
        codes = sorted(selectors.editable_codes(request.user))
        if len(codes) != 1:
            raise DomainError("jurisdiction_required", "请指定所属单位", field="jurisdiction")
        jurisdiction = codes[0]
    data.setdefault("name", "")
    data.setdefault("item_type", "")
    item = services.item_create(actor=request.user, jurisdiction=jurisdiction, data=data)
    return Status(201, detail_out(item))


@router.get("/items/{item_id}", response=ItemDetailOut, summary="事项详情（草稿）")
def item_detail(request: HttpRequest, item_id: int) -> dict[str, Any]:
    """Error codes: not_found (also outside your scope)."""
    return detail_out(selectors.item_get(actor=request.user, pk=item_id))


@router.patch("/items/{item_id}", response=ItemDetailOut, summary="修改事项草稿")
def item_update(request: HttpRequest, item_id: int, payload: ItemIn) -> dict[str, Any]:
    """Error codes: not_found, catalog_forbidden, item_retired, and the draft rules of POST /items."""
    item = selectors.item_get(actor=request.user, pk=item_id)
    data = payload.dict(exclude_none=True)
    data.pop("jurisdiction", None)
    return detail_out(services.item_update(actor=request.user, item=item, data=data))


@router.post("/items/{item_id}/publish", response={201: VersionDetailOut}, summary="审核发布新版本")
def item_publish(request: HttpRequest, item_id: int, payload: PublishIn) -> Status:
    """Error codes: not_found, catalog_publish_forbidden, reason_required, item_retired, promised_limit_required."""
    item = selectors.item_get(actor=request.user, pk=item_id)
    version = services.item_publish(item=item, actor=request.user, reason=payload.reason)
    return Status(201, version_out(version, snapshot=True))


@router.get("/items/{item_id}/versions", response=list[VersionOut], summary="版本历史")
def item_versions(request: HttpRequest, item_id: int) -> list[dict[str, Any]]:
    """Error codes: not_found."""
    item = selectors.item_get(actor=request.user, pk=item_id)
    return [version_out(v) for v in selectors.item_versions(actor=request.user, item=item)]


@router.get("/versions/{version_id}", response=VersionDetailOut, summary="已发布版本（快照）")
def version_detail(request: HttpRequest, version_id: int) -> dict[str, Any]:
    """The immutable snapshot an application pins. Error codes: not_found."""
    version = selectors.item_version_get(pk=version_id)
    selectors.item_get(actor=request.user, pk=version.item_id)
    return version_out(version, snapshot=True)


@router.get("/themes", response=list[ThemeOut], summary="一件事主题")
def themes(request: HttpRequest) -> list[dict[str, Any]]:
    out = []
    for theme in selectors.theme_list(actor=request.user):
        out.append(
            {
                "id": theme.pk,
                "jurisdiction": theme.jurisdiction_id,
                "code": theme.code,
                "name": theme.name,
                "items": [{"id": ti.item_id, "name": ti.item.name} for ti in theme.theme_items.all()],
                "materials": selectors.theme_materials(theme),
            }
        )
    return out


@router.post("/import", response=ImportOut, summary="导入事项（.xlsx/.csv）")
def import_items(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    dry_run: bool = Form(True),  # noqa: B008
    jurisdiction: str = Form(""),  # noqa: B008
) -> dict[str, Any]:
    """All rows or none. ``dry_run`` (default true) only validates. Row errors come back in ``errors``
    (row, column, code, message). Error codes: catalog_forbidden, bad_format, bad_file, empty_file, bad_encoding,
    jurisdiction_required, unknown_jurisdiction, file_too_large."""
    if file.size and file.size > 20 * 1024 * 1024:
        raise DomainError("file_too_large", "文件不能超过 20MB", field="file")
    result = importer.run_import(
        raw=file.read(),
        filename=file.name or "",
        jurisdiction=jurisdiction or None,
        actor=request.user,
        dry_run=dry_run,
    )
    return {
        "ok": result.ok,
        "dry_run": result.dry_run,
        "jurisdiction": result.jurisdiction,
        "total": result.total,
        "created": result.created,
        "updated": result.updated,
        "by_type": result.by_type,
        "errors": result.errors,
    }


@router.get("/export", summary="导出事项（.xlsx/.csv）")
def export_items(
    request: HttpRequest, format: str = "xlsx", q: str = "", item_type: str = "", jurisdiction: str = ""
) -> HttpResponse:
    """The import template's columns, so an export can be edited and imported again."""
    qs = selectors.item_list(actor=request.user, q=q, item_type=item_type, jurisdiction=jurisdiction).prefetch_related(
        Prefetch("materials", queryset=Material.objects.select_related("material_type"))
    )
    header, _rows = importer.template_rows()
    if format == "csv":
        response = HttpResponse(
            importer.to_csv(header, importer.export_rows(qs)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            importer.to_xlsx(header, importer.export_rows(qs)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="catalog.{"csv" if format == "csv" else "xlsx"}"'
    return response


@router.get("/stats", summary="清单统计")
def stats(request: HttpRequest, jurisdiction: str = "") -> dict[str, Any]:
    """Counts by type, department, delegation source and channel within your scope."""
    data = selectors.catalog_stats(actor=request.user, jurisdiction=jurisdiction)
    data.pop("by_type_labelled", None)
    data["by_department"] = [{"name": n, "count": c} for n, c in data["by_department"]]
    data["delegated_by_source"] = [{"name": n, "count": c} for n, c in data["delegated_by_source"]]
    return data


@router.get("/public/items", response=ItemPageOut, auth=None, summary="办事指南搜索（公开）")
def public_items(
    request: HttpRequest,
    q: str = "",
    item_type: str = "",
    department: str = "",
    channel: str = "",
    jurisdiction: str = "",
    cursor: int | None = None,
    limit: int = 20,
) -> dict[str, Any]:
    """Published items only; no login."""
    qs = selectors.item_public_list(
        jurisdiction=jurisdiction, q=q[:50], item_type=item_type, department=department, channel=channel
    )
    return _page(qs, cursor, limit, public=True)


@router.get("/public/items/{item_id}", response=VersionDetailOut, auth=None, summary="办事指南（公开）")
def public_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    """The current published version of an item. Error codes: not_found."""
    item = selectors.guide_item_get(pk=item_id)  # public service items only (never a penalty power)
    return version_out(item.current_version, snapshot=True)

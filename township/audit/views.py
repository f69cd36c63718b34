"""操作日志 pages (系统管理 → 安全审计, beside the login log): read-only, for the auditor only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from township.audit import selectors
from township.audit.export import operation_log_xlsx, reveal_log_xlsx
from township.audit.models import Action
from township.audit.reveals import reveal_log_list
from township.audit.selectors import LogPage
from township.core.errors import DomainError, PermissionRefused

_FILTER_KEYS = ("actor", "object_type", "action", "date_from", "date_to", "q")


def _auditor(request: HttpRequest) -> None:
    try:
        selectors.require_auditor(request.user)  # type: ignore[arg-type]
    except PermissionRefused:
        raise PermissionDenied from None


def _log_page(
    request: HttpRequest, keys: tuple[str, ...], lister: Callable[..., LogPage]
) -> tuple[dict[str, Any], LogPage]:
    """The auditor's list pages: filters from the query (a bad one is shown as a message and ignored), one keyset
    page (a damaged cursor starts again at the first page), and the links to export and page on."""
    _auditor(request)
    raw = {k: request.GET.get(k, "").strip() for k in keys}
    error = ""
    try:
        f = selectors.operation_filter(raw)
    except DomainError as exc:
        error, f = exc.message, selectors.OperationFilter()
    cursor = request.GET.get("cursor") or None
    try:
        page = lister(actor=request.user, f=f, cursor=cursor)
    except DomainError:
        cursor = None
        page = lister(actor=request.user, f=f)
    params = {k: v for k, v in raw.items() if v}
    context = {
        "error": error,
        "filters": raw,
        "export_url": "export/?" + urlencode(params),
        "next_url": "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else "",
        "first_url": "?" + urlencode(params),
        "paged": bool(cursor),
    }
    return context, page


def _log_export(
    request: HttpRequest, keys: tuple[str, ...], writer: Callable[..., bytes], filename: str
) -> HttpResponse:
    _auditor(request)
    try:
        f = selectors.operation_filter({k: request.GET.get(k, "") for k in keys})
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    data = writer(actor=request.user, f=f)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response


@login_required
@require_GET
def operation_log(request: HttpRequest) -> HttpResponse:
    """The searchable, paged list of 操作日志."""
    context, page = _log_page(request, _FILTER_KEYS, selectors.operation_log_list)
    rows = [
        {"row": r, "lines": lines} for r, lines in zip(page.items, selectors.change_lines_for(page.items), strict=True)
    ]
    context |= {"rows": rows, "object_types": selectors.object_type_choices(), "actions": Action.choices}
    return render(request, "audit/operation_log.html", context)


@login_required
@require_GET
def operation_log_export(request: HttpRequest) -> HttpResponse:
    return _log_export(request, _FILTER_KEYS, operation_log_xlsx, "operation-log")


_REVEAL_KEYS = ("actor", "date_from", "date_to", "q")


@login_required
@require_GET
def reveal_log(request: HttpRequest) -> HttpResponse:
    """个人信息查看记录: who showed which resident ID or phone number in full, when and from where."""
    context, page = _log_page(request, _REVEAL_KEYS, reveal_log_list)
    return render(request, "audit/reveal_log.html", {**context, "rows": page.items})


@login_required
@require_GET
def reveal_log_export(request: HttpRequest) -> HttpResponse:
    return _log_export(request, _REVEAL_KEYS, reveal_log_xlsx, "reveal-log")

"""操作日志 pages (系统管理 → 安全审计, beside the login log): read-only, for the auditor only."""

from __future__ import annotations

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
from township.core.errors import DomainError, PermissionRefused

_FILTER_KEYS = ("actor", "object_type", "action", "date_from", "date_to", "q")


def _auditor(request: HttpRequest) -> None:
    try:
        selectors.require_auditor(request.user)  # type: ignore[arg-type]
    except PermissionRefused:
        raise PermissionDenied from None


@login_required
@require_GET
def operation_log(request: HttpRequest) -> HttpResponse:
    """The searchable, paged list; a bad filter is shown as a message and the list is not filtered by it."""
    _auditor(request)
    raw = {k: request.GET.get(k, "").strip() for k in _FILTER_KEYS}
    error = ""
    try:
        f = selectors.operation_filter(raw)
    except DomainError as exc:
        error, f = exc.message, selectors.OperationFilter()
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.operation_log_list(actor=request.user, f=f, cursor=cursor)  # type: ignore[arg-type]
    except DomainError:  # a damaged cursor: start again at the first page
        cursor = None
        page = selectors.operation_log_list(actor=request.user, f=f)  # type: ignore[arg-type]
    params = {k: v for k, v in raw.items() if v}
    rows = [
        {"row": r, "lines": lines} for r, lines in zip(page.items, selectors.change_lines_for(page.items), strict=True)
    ]
    return render(
        request,
        "audit/operation_log.html",
        {
            "rows": rows,
            "error": error,
            "filters": raw,
            "object_types": selectors.object_type_choices(),
            "actions": Action.choices,
            "export_url": "export/?" + urlencode(params),
            "next_url": "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else "",
            "first_url": "?" + urlencode(params),
            "paged": bool(cursor),
        },
    )


@login_required
@require_GET
def operation_log_export(request: HttpRequest) -> HttpResponse:
    _auditor(request)
    try:
        f = selectors.operation_filter({k: request.GET.get(k, "") for k in _FILTER_KEYS})
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    data = operation_log_xlsx(actor=request.user, f=f)  # type: ignore[arg-type]
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="operation-log-{stamp}.xlsx"'
    return response


_REVEAL_KEYS = ("actor", "date_from", "date_to", "q")


@login_required
@require_GET
def reveal_log(request: HttpRequest) -> HttpResponse:
    """个人信息查看记录: who showed which resident ID or phone number in full, when and from where."""
    _auditor(request)
    raw = {k: request.GET.get(k, "").strip() for k in _REVEAL_KEYS}
    error = ""
    try:
        f = selectors.operation_filter(raw)
    except DomainError as exc:
        error, f = exc.message, selectors.OperationFilter()
    cursor = request.GET.get("cursor") or None
    try:
        page = reveal_log_list(actor=request.user, f=f, cursor=cursor)  # type: ignore[arg-type]
    except DomainError:
        cursor = None
        page = reveal_log_list(actor=request.user, f=f)  # type: ignore[arg-type]
    params = {k: v for k, v in raw.items() if v}
    return render(
        request,
        "audit/reveal_log.html",
        {
            "rows": page.items,
            "error": error,
            "filters": raw,
            "export_url": "export/?" + urlencode(params),
            "next_url": "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else "",
            "first_url": "?" + urlencode(params),
            "paged": bool(cursor),
        },
    )


@login_required
@require_GET
def reveal_log_export(request: HttpRequest) -> HttpResponse:
    _auditor(request)
    try:
        f = selectors.operation_filter({k: request.GET.get(k, "") for k in _REVEAL_KEYS})
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    data = reveal_log_xlsx(actor=request.user, f=f)  # type: ignore[arg-type]
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="reveal-log-{stamp}.xlsx"'
    return response

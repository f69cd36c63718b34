"""Shared parts of the 系统管理 pages: the access check, the list page (搜索 / 重置, pages, 导出), forms."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from township.core.errors import DomainError
from township.core.excel import append_row, xlsx_response
from township.org.models import User
from township.system.duties import holds
from township.web.views import staff_required

PAGE_SIZE = 20
EXPORT_LIMIT = 100_000


def me(request: HttpRequest) -> User:
    """The signed-in user (the pages are behind ``staff_required``)."""
    return cast(User, request.user)


def set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def admin_page(roles: tuple[str, ...]) -> Callable[..., Callable[..., HttpResponse]]:
    """Signed in (password change done) and holding one of the administrator ``roles``; else 403."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @staff_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not holds(me(request), roles):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                if exc.status == 403:
                    raise PermissionDenied(exc.message) from exc
                if exc.status == 404:
                    raise Http404(exc.message) from exc
                raise

        return wrapper

    return decorate


def q(request: HttpRequest, name: str, max_length: int = 64) -> str:
    return request.GET.get(name, "").strip()[:max_length]


def q_int(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def tag(text: Any, cls: str) -> dict[str, Any]:
    return {"tag": cls, "text": text}


def _text(cell: Any) -> Any:
    if isinstance(cell, dict):
        return str(cell.get("text", ""))
    if cell is None:
        return ""
    if hasattr(cell, "isoformat"):
        return timezone.localtime(cell).strftime("%Y-%m-%d %H:%M") if hasattr(cell, "tzinfo") else str(cell)
    return cell if isinstance(cell, int | float) else str(cell)


def list_page(
    request: HttpRequest,
    *,
    title: str,
    filters: list[dict[str, Any]],
    headers: Sequence[Any],
    items: Iterable[Any],
    row: Callable[[Any], list[Any]],
    export_name: str = "",
    actions: str = "",
    toolbar: list[tuple[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponseBase:
    """A list page, or its Excel export when ``?export=xlsx`` (the rows the filter shows, every page)."""
    if export_name and request.GET.get("export") == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title[:31])
        append_row(ws, [str(h) for h in headers])
        for n, obj in enumerate(items):
            if n >= EXPORT_LIMIT:
                break
            append_row(ws, [_text(c) for c in row(obj)])
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        return xlsx_response(wb, f"{export_name}-{stamp}.xlsx")
    page: Any = Paginator(cast(Any, items), PAGE_SIZE).get_page(request.GET.get("page"))
    params = {f["name"]: f["value"] for f in filters if f.get("value") not in ("", None)}
    query = urlencode(params)
    context = {
        "title": title,
        "filters": filters,
        "headers": headers,
        "rows": [{"obj": obj, "cells": row(obj)} for obj in page.object_list],
        "page_obj": page,
        "query": query,
        "export_url": ("?" + urlencode({**params, "export": "xlsx"})) if export_name else "",
        "actions": actions,
        "toolbar": toolbar or [],
        **(extra or {}),
    }
    return render(request, "system/list.html", context)


def text_filter(name: str, label: str, value: str) -> dict[str, Any]:
    return {"name": name, "label": label, "kind": "text", "value": value}


def select_filter(name: str, label: str, value: Any, options: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "kind": "select",
        "value": value,
        "options": [(str(k), v) for k, v in options],
    }


def form_page(
    request: HttpRequest, *, title: str, form: forms.Form, parent: tuple[str, str] | None = None, note: str = ""
) -> HttpResponse:
    return render(request, "system/form.html", {"title": title, "form": form, "parent": parent, "note": note})


def apply_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal beside its field (or above the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)

"""The JSON API at /api/v1/: session auth for the browser, personal tokens for integrations.

Errors are always ``{"code", "message", "field"}``. Each app contributes a Router in ``<app>/api.py``
mounted below; the OpenAPI 3 document is generated from the code (snapshot: docs/openapi.json).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from township.core.errors import DomainError
from township.org.services import api_token_authenticate


def _has_token(request: HttpRequest) -> bool:
    auth = request.headers.get("Authorization", "")
    return auth.lower().startswith("bearer ") or bool(request.headers.get("X-API-Token"))


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tsp_…`` — a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class TokenHeader(APIKeyHeader):
    """``X-API-Token: tsp_…`` for clients that cannot set Authorization."""

    param_name = "X-API-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = api_token_authenticate(key or "")
        if user is not None:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """The browser's session, with Django's CSRF check. A request that presents a token is judged by its token
    alone (no CSRF: a token is never sent by the browser on its own), and one without a signed-in session is
    simply unauthenticated (401), not refused for a missing CSRF token."""

    def __call__(self, request: HttpRequest) -> Any:
        if _has_token(request) or not request.user.is_authenticated:
            return None
        return super().__call__(request)


class ErrorOut(Schema):
    """Every refusal: a stable code, a Chinese message and the field at fault (if any)."""

    code: str
    message: str
    field: str | None


# Statuses any operation may answer with ErrorOut besides its documented successes (401 only where auth applies,
# 429 only on the public operations, which are rate-limited).
ERROR_STATUSES = {
    400: "请求格式有误（无法解析、含不允许的字符或超出长度）",
    401: "未登录或令牌无效",
    403: "无权执行此操作",
    404: "记录不存在或无权访问",
    409: "与当前状态冲突",
    422: "输入有误或业务规则不允许",
    429: "请求过于频繁，请稍后再试（公开接口限流）",
}
# Only on operations that take files (multipart bodies): the file refused by size or by type.
FILE_ERROR_STATUSES = {
    413: "文件超过允许的大小",
    415: "不支持此类文件",
}


def _strings(value: Any) -> Iterator[str]:
    """Every string (keys included) in a parsed JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _nul_field(request: HttpRequest, path_kwargs: dict[str, Any]) -> str | None:
    """The name of the first input carrying a NUL character, or None: path, query, form fields and JSON body."""
    for name, value in path_kwargs.items():
        if "\x00" in str(value):
            return name
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in v for v in values):
            return name.replace("\x00", "")
    content_type = request.content_type or ""
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name, values in request.POST.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                return name.replace("\x00", "")
    elif request.method in ("POST", "PUT", "PATCH") and (content_type in ("", "text/plain") or "json" in content_type):
        if b"\x00" in request.body:
            return "body"
        try:
            data = json.loads(request.body)
        except ValueError:
            return None  # not JSON: the operation's parser answers 400
        if isinstance(data, dict):
            for key, item in data.items():
                if any("\x00" in s for s in _strings({key: item})):
                    return str(key).replace("\x00", "")
        elif any("\x00" in s for s in _strings(data)):
            return "body"
    return None


class TownshipAPI(NinjaAPI):
    """NinjaAPI with the defences every operation shares: NUL characters refused before any code runs (they
    cannot be stored in PostgreSQL text), and the error responses documented on every operation."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._refuse_nul(pattern.callback)
        return urls

    def _refuse_nul(self, view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            field = _nul_field(request, kwargs)
            if field is not None:
                return _error(
                    request, 400, "invalid_characters", _("输入含有不允许的控制字符（NUL），请删除后重试"), field
                )
            return view(request, *args, **kwargs)

        return wrapper

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema()
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    if status == 401 and not operation.get("security"):
                        continue
                    if status == 429 and operation.get("security"):  # only the public operations are rate-limited
                        continue
                    responses.setdefault(status, {"description": description, "content": ref})
                if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
                    for status, description in FILE_ERROR_STATUSES.items():
                        responses.setdefault(status, {"description": description, "content": ref})
        return schema


api = TownshipAPI(
    title="Township API",
    version="1",
    description="乡镇综合治理平台 API。会话（浏览器，需 CSRF 令牌）或个人令牌（Authorization: Bearer 或 "
    'X-API-Token，无需 CSRF）认证；错误统一为 {"code", "message", "field"}。',
    urls_namespace="api",
    auth=[TokenAuth(), TokenHeader(), BrowserSession()],
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, code: str, message: str, field: str | None = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "field": field}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "form", "payload")]
    field = ".".join(loc) or None
    return _error(request, 422, "invalid", _("输入有误：%(msg)s") % {"msg": first.get("msg", "")}, field)


@api.exception_handler(DjangoValidationError)
def on_model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        message = "；".join(str(m) for e in errors for m in e.messages)
        return _error(request, 422, "invalid", message, None if field == "__all__" else field)
    return _error(request, 422, "invalid", "；".join(exc.messages))


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """The database refused a value (too long, out of range) that no check caught first."""
    return _error(request, 400, "invalid_value", _("输入的值超出允许的长度或范围"))


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    return _error(request, 409, "conflict", _("与已有记录冲突（重复或被引用），请刷新后重试"))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("请先登录或提供有效的 API 令牌"))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("记录不存在或无权访问"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return _error(request, 400, "bad_request", _("请求格式有误，无法解析"))
    return _error(request, exc.status_code, "http_error", str(exc))


# Routers of each app (one line each). The case engine adds one operation per registered action first.
from township.cases.api import add_action_routes  # noqa: E402

add_action_routes()
api.add_router("/cases/", "township.cases.api.router")
api.add_router("/subjects/", "township.subjects.api.router")
api.add_router("/credit/", "township.credit.api.router")
api.add_router("/certificates/", "township.certificates.api.router")
api.add_router("/catalog/", "township.catalog.api.router")
api.add_router("/grid/", "township.grid.api.router")
api.add_router("/approval/", "township.approval.api.router")
api.add_router("/enforcement/", "township.enforcement.api.router")
api.add_router("/audit/", "township.audit.api.router")
api.add_router("/opinions/", "township.opinions.api.router")
api.add_router("/hotline/", "township.hotline.api.router")
api.add_router("/petitions/", "township.petitions.api.router")
api.add_router("/mediation/", "township.mediation.api.router")
api.add_router("/command/", "township.command.api.router")
api.add_router("/field/", "township.field.api.router")
api.add_router("/cameras/", "township.cameras.api.router")
api.add_router("/party/", "township.party.api.router")
api.add_router("/downloads/", "township.downloads.api.router")
api.add_router("/system/", "township.system.api.router")

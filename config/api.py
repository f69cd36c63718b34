"""The JSON API at /api/v1/: session auth for the browser, personal tokens for integrations.

Errors are always ``{"code", "message", "field"}``. Each app contributes a Router in ``<app>/api.py``
mounted below; the OpenAPI 3 document is generated from the code (snapshot: docs/openapi.json).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from township.core.errors import DomainError
from township.org.services import api_token_authenticate


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


api = NinjaAPI(
    title="Township API",
    version="1",
    description="乡镇综合治理平台 API。会话（浏览器）或个人令牌（Authorization: Bearer）认证；"
    '错误统一为 {"code", "message", "field"}。',
    urls_namespace="api",
    auth=[SessionAuth(), TokenAuth(), TokenHeader()],
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


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("请先登录或提供有效的 API 令牌"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
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

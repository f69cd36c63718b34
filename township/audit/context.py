"""Who is acting, from where: a context variable set per request by ``AuditContextMiddleware``.

Outside a request (management commands, ``seed_demo``, the worker, migrations) there is no context and the log
records the actor "system". The user is read from the request only when a row is written, so the middleware
costs no query, and an API token user (authenticated inside the endpoint) is seen as the actor.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from township.audit.models import Source


@dataclass(frozen=True)
class RequestContext:
    request: HttpRequest
    ip: str | None
    source: str


_current: ContextVar[RequestContext | None] = ContextVar("township_audit_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


def _source(path: str) -> str:
    if path.startswith("/api/"):
        return Source.API
    if path.startswith("/admin/"):
        return Source.ADMIN
    return Source.WEB


class AuditContextMiddleware:
    """Put after AuthenticationMiddleware: every change made while answering this request is logged with its
    user, unit and client IP (REMOTE_ADDR; a reverse proxy must set it to the client's address)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = RequestContext(request=request, ip=request.META.get("REMOTE_ADDR") or None, source=_source(request.path))
        token = _current.set(ctx)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)

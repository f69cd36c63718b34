"""Bench-only: counts the SQL statements a request sends through Django and answers them in two headers:
``X-Statements`` (the statements proper) and ``X-Statements-Tx`` (transaction control sent as SQL: SAVEPOINT,
RELEASE, ROLLBACK TO, and SQLite's BEGIN IMMEDIATE; PostgreSQL's implicit BEGIN/COMMIT are not sent as SQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

TX_PREFIXES = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


class _Counter:
    def __init__(self) -> None:
        self.total = 0
        self.tx = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith(TX_PREFIXES):
            self.tx += 1
        else:
            self.total += 1
        return execute(sql, params, many, context)


class StatementCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = _Counter()
        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Statements"] = str(counter.total)
        response["X-Statements-Tx"] = str(counter.tx)
        return response

"""Statements compiled once: a queryset that runs on every request, built and compiled by the ORM the first time in
each thread, then run again with a new value for its one variable parameter.

Building a queryset with annotations and subqueries and compiling it to SQL costs more than running it: the API
token's statement (the token, its user, the lock and the password's age, the authorisation version) took ≈ 1.6 ms
to build and compile and ≈ 0.6 ms to run (docs/performance.md). ``FrozenQuery`` keeps the compiler of the first
build — its SQL, its parameters and what it selects — and answers the same model instances, select_related objects
and annotations as the queryset would, through the ORM's own iterable. The statement is the same text each time,
so the query-count tests and the query-shape check see it as before.

The queryset is built with a marker in place of each value (a string or an integer nobody passes); each must
appear exactly once among the compiled parameters, and every other parameter must not depend on the moment (use
``Now()``, not ``timezone.now()``). One compiler per thread and database connection: Django's connections are per
thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

M = TypeVar("M", bound=Model)

MARKER = "\x1ffrozen-query-value\x1f"  # in place of a text value
MARKER_2 = "\x1ffrozen-query-second-value\x1f"  # in place of a second text value
INT_MARKER = -7_318_553_091_337  # in place of an integer key (no row has it, and it equals no other parameter)


class _Source:
    """What ``ModelIterable`` reads of a queryset: the database, the compiler (through ``query``), no known
    related objects."""

    def __init__(self, compiler: Any) -> None:
        self.db = compiler.using
        self.query = self
        self._known_related_objects: dict[Any, Any] = {}
        self._compiler = compiler

    def get_compiler(self, using: str | None = None, **_kwargs: Any) -> Any:
        return self._compiler


class _Compiled:
    def __init__(self, connection: Any, compiler: Any, sql: str, params: list[Any], positions: list[int]) -> None:
        self.connection = connection
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.positions = positions  # where each value goes, in the order of the markers


class FrozenQuery(Generic[M]):
    """``build(value, …)`` returns the queryset for the values; ``first(value, …)`` runs it (compiled once per
    thread and connection) and answers its first row as a model instance, or None. ``markers`` stand for the values
    when it is compiled (one text value by default)."""

    def __init__(
        self,
        build: Callable[..., QuerySet[M]],
        *,
        marker: Any = MARKER,
        markers: tuple[Any, ...] | None = None,
        using: str = "default",
    ) -> None:
        self._build = build
        self._markers = markers or (marker,)
        self._using = using
        self._local = threading.local()

    def _compiled(self) -> _Compiled:
        connection = connections[self._using]
        compiled: _Compiled | None = getattr(self._local, "compiled", None)
        if compiled is not None and compiled.connection is connection:
            return compiled
        compiler = self._build(*self._markers)[:1].query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        positions = []
        for marker in self._markers:
            found = [i for i, p in enumerate(params) if type(p) is type(marker) and p == marker]
            if len(found) != 1:
                raise ImproperlyConfigured(f"FrozenQuery: each value must appear once among the parameters: {params!r}")
            positions.append(found[0])
        compiled = _Compiled(connection, compiler, sql, list(params), positions)
        self._local.compiled = compiled
        return compiled

    def first(self, *values: Any) -> M | None:
        if len(values) != len(self._markers):
            raise TypeError(f"FrozenQuery.first takes {len(self._markers)} value(s), not {len(values)}")
        for marker, value in zip(self._markers, values, strict=True):
            if isinstance(marker, int) and not -(2**63) <= value < 2**63:
                return None  # as the ORM answers a key beyond a 64-bit column: no row (the database would refuse it)
        compiled = self._compiled()
        params = list(compiled.params)
        for position, value in zip(compiled.positions, values, strict=True):
            params[position] = value
        statement = (compiled.sql, tuple(params))
        compiled.compiler.as_sql = lambda *_a, **_k: statement  # what execute_sql runs; the rest stays compiled
        rows: Any = ModelIterable(_Source(compiled.compiler))  # type: ignore[arg-type]
        return next(iter(rows), None)

    def annotations(self) -> tuple[str, ...]:
        """The names of the queryset's annotations (set on each answered instance)."""
        return tuple(self._compiled().compiler.annotation_col_map or ())

    def forget(self) -> None:
        """Compile again at the next use in this thread (a test that changes what ``build`` reads)."""
        self._local.compiled = None

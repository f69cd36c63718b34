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

``FrozenStatement`` keeps a compiled ``SELECT`` to be used inside a statement of one's own (``INSERT … SELECT``,
grid/counts.py and grid/points.py): it answers the SQL text, the parameters with the values in place and the names of
the selected columns. A datetime marker is found in the form the backend passes it (SQLite: text), and the values
put in its place are adapted the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

M = TypeVar("M", bound=Model)

MARKER = "\x1ffrozen-query-value\x1f"  # in place of a text value
MARKER_2 = "\x1ffrozen-query-second-value\x1f"  # in place of a second text value
INT_MARKER = -7_318_553_091_337  # in place of an integer key (no row has it, and it equals no other parameter)
# in place of moments (aware, at odd microseconds no caller passes)
DATETIME_MARKER = datetime(1901, 2, 3, 4, 5, 6, 789_013, tzinfo=UTC)
DATETIME_MARKER_2 = datetime(1901, 2, 3, 4, 5, 6, 789_017, tzinfo=UTC)
# in place of floats (coordinates: far outside any range a caller passes, and distinct)
FLOAT_MARKERS = (-7.318553091337e-291, -7.318553091339e-291, -7.318553091341e-291, -7.318553091343e-291)


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


def instances(compiler: Any, sql: str, params: Any) -> Iterator[Any]:
    """The model instances (with their select_related objects and annotations) of ``compiler``'s statement run
    with ``params``, through the ORM's own iterable: the compiler stays as compiled, only its SQL is given."""
    statement = (sql, tuple(params))
    compiler.as_sql = lambda *_a, **_k: statement  # what execute_sql runs; the rest stays compiled
    rows: Any = ModelIterable(_Source(compiler))  # type: ignore[arg-type]
    return iter(rows)


class _Compiled:
    def __init__(
        self, connection: Any, compiler: Any, sql: str, params: list[Any], positions: list[tuple[int, Any]]
    ) -> None:
        self.connection = connection
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.positions = positions  # (index, adapter) of each value, in the order of the markers

    def bind(self, values: tuple[Any, ...]) -> list[Any]:
        return bind(self.params, self.positions, values)


def _same(param: Any, marker: Any) -> bool:
    return type(param) is type(marker) and bool(param == marker)


def marker_positions(connection: Any, params: Any, markers: tuple[Any, ...]) -> list[tuple[int, Any]]:
    """Where each marker went among a compiled statement's ``params``: (index, adapter) in the order of the markers.
    A datetime is passed to the database as the backend adapts it (SQLite: text), so a datetime marker is also looked
    for in that form, and its values must be adapted the same way (the adapter; None: the value as it is)."""
    positions: list[tuple[int, Any]] = []
    for marker in markers:
        adapt = None
        found = [i for i, p in enumerate(params) if _same(p, marker)]
        if not found and isinstance(marker, datetime):
            adapt = connection.ops.adapt_datetimefield_value
            found = [i for i, p in enumerate(params) if _same(p, adapt(marker))]
        if len(found) != 1:
            raise ImproperlyConfigured(
                f"Frozen statement: each value must appear once among the parameters: {params!r}"
            )
        positions.append((found[0], adapt))
    return positions


def bind(params: Any, positions: Any, values: tuple[Any, ...]) -> list[Any]:
    """``params`` with ``values`` in the places ``marker_positions`` found for their markers."""
    bound = list(params)
    for (position, adapt), value in zip(positions, values, strict=True):
        bound[position] = value if adapt is None else adapt(value)
    return bound


def _compile(queryset: QuerySet[Any], markers: tuple[Any, ...], using: str) -> _Compiled:
    """Compile ``queryset`` (built with ``markers`` for its values) and find where each marker went."""
    connection = connections[using]
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    return _Compiled(connection, compiler, sql, list(params), marker_positions(connection, params, markers))


class _Frozen:
    def __init__(self, build: Callable[..., QuerySet[Any]], markers: tuple[Any, ...], using: str) -> None:
        self._build = build
        self._markers = markers
        self._using = using
        self._local = threading.local()

    def _queryset(self) -> QuerySet[Any]:
        return self._build(*self._markers)

    def _compiled(self) -> _Compiled:
        connection = connections[self._using]
        compiled: _Compiled | None = getattr(self._local, "compiled", None)
        if compiled is not None and compiled.connection is connection:
            return compiled
        compiled = _compile(self._queryset(), self._markers, self._using)
        self._local.compiled = compiled
        return compiled

    def _check(self, values: tuple[Any, ...]) -> bool:
        """False when a value cannot match (an integer key beyond a 64-bit column)."""
        if len(values) != len(self._markers):
            raise TypeError(f"a frozen statement takes {len(self._markers)} value(s), not {len(values)}")
        for marker, value in zip(self._markers, values, strict=True):
            if isinstance(marker, int) and not -(2**63) <= value < 2**63:
                return False  # as the ORM answers a key beyond a 64-bit column: no row (the database would refuse it)
        return True

    def forget(self) -> None:
        """Compile again at the next use in this thread (a test that changes what ``build`` reads)."""
        self._local.compiled = None


class FrozenQuery(_Frozen, Generic[M]):
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
        super().__init__(build, markers or (marker,), using)

    def _queryset(self) -> QuerySet[Any]:
        return self._build(*self._markers)[:1]

    def first(self, *values: Any) -> M | None:
        if not self._check(values):
            return None
        compiled = self._compiled()
        return next(instances(compiled.compiler, compiled.sql, compiled.bind(values)), None)

    def annotations(self) -> tuple[str, ...]:
        """The names of the queryset's annotations (set on each answered instance)."""
        return tuple(self._compiled().compiler.annotation_col_map or ())


class FrozenStatement(_Frozen):
    """A queryset compiled once per thread and connection, to be used inside a statement of one's own (``INSERT …
    SELECT``): ``bind(value, …)`` answers its SQL, its parameters with the values in place, and the names of the
    columns it selects, in order (a model field's column, else the annotation's name)."""

    def __init__(
        self, build: Callable[..., QuerySet[Any]], *, markers: tuple[Any, ...], using: str = "default"
    ) -> None:
        super().__init__(build, markers, using)

    def bind(self, *values: Any) -> tuple[str, list[Any], list[str]]:
        if not self._check(values):
            raise ValueError("a frozen statement's integer value is beyond 64 bits")
        compiled = self._compiled()
        return compiled.sql, compiled.bind(values), selected_columns(compiled.compiler)


def selected_columns(compiler: Any) -> list[str]:
    """The names of what a compiled SELECT answers, in order: a model field's column, else the alias."""
    return [alias or expression.target.column for expression, _sql, alias in compiler.select]


def compiled_select(queryset: QuerySet[Any], using: str = "default") -> tuple[str, list[Any], list[str]]:
    """What ``FrozenStatement.bind`` answers, for a queryset compiled now (one used once)."""
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    return sql, list(params), selected_columns(compiler)

"""Large value-tuple reads fetched in PostgreSQL's binary format.

A ``values_list`` query with thousands of rows spends most of its time in the client turning each value's text
into a Python object: the map's 4,000 points (28,000 values) took ≈ 8 ms to run and fetch as text and ≈ 4 ms in
binary, where an integer or a float arrives as its bytes (docs/performance.md, "Reads fetched in binary").
Times load in binary without Django's text loader for time zones (a Python function per value): a page of 100
events with two moments each spent ≈ 1.2 ms loading them as text. ``rows(qs)`` runs such a query on a binary cursor
of the same Django connection — Django's cursor wrapper, so the query log, the execute wrappers (statement counts,
the query-shape check) and the error translation apply as to any query — and answers the tuples or dicts
``list(qs)`` would (a moment in the connection's zone, UTC, as Django gives it).

It applies to a ``values_list`` (not flat, not named) or a ``values`` query whose columns need no converter from the
backend (integers, floats, text, booleans, dates and times: what PostgreSQL's binary loaders give as Django would);
anything else, and every other database, is ``list(qs)``.

``CompiledReads`` and ``CompiledInstances`` keep such reads compiled, per key of their inputs (``core.keys``): the
first for value rows (in binary), the second for model instances on every database (我的待办's first page).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable, ValuesListIterable
from django.db.models.sql.where import WhereNode

from township.core import frozen
from township.core.kept import Kept


@dataclass(frozen=True)
class Compiled:
    """A read compiled for the binary cursor: its SQL (None: it can match nothing), its parameters, and the names of
    its columns for a ``values`` query (None: a ``values_list``, answered as tuples)."""

    using: str
    sql: str | None
    params: tuple[Any, ...]
    names: tuple[str, ...] | None
    positions: tuple[tuple[int, Any], ...] = ()  # where the values of a read built with markers go (core.frozen)


def compiled(qs: QuerySet[Any], markers: tuple[Any, ...] = ()) -> Compiled | None:
    """``qs`` compiled for ``run``, or None when it must go through the ORM (see the module's text). ``markers``: the
    values ``qs`` was built with in place of those ``run`` will be given (``core.frozen``'s markers)."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql" or qs._iterable_class not in (ValuesListIterable, ValuesIterable):
        return None
    compiler = qs.query.get_compiler(qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        if markers:
            return None  # nothing to bind: the ORM decides again with the real values
        return Compiled(qs.db, None, (), None)
    if compiler.get_converters([col for col, _alias, _ann in compiler.select]):
        return None
    names = None
    if not issubclass(qs._iterable_class, ValuesListIterable):
        query = compiler.query  # the names as ValuesIterable gives them
        names = tuple(
            query.selected if query.selected else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
    positions = tuple(frozen.marker_positions(connection, params, markers))
    return Compiled(qs.db, sql, tuple(params), names, positions)


def run(read: Compiled, values: tuple[Any, ...] = ()) -> list[Any]:
    """The rows of a compiled read, fetched in binary: tuples, or dicts of its names; ``values`` in the places of
    the markers it was built with."""
    if read.sql is None:
        return []
    params = frozen.bind(read.params, read.positions, values) if read.positions else read.params
    connection = connections[read.using]
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection.cursor(binary=True)
    # Django's own wrapping of a new cursor (the debug wrapper while queries are logged), as ``connection.cursor()``.
    with connection._prepare_cursor(raw) as cursor:  # type: ignore[attr-defined]  # (not in the stubs)
        cursor.execute(read.sql, params)
        fetched = cursor.fetchall()
    if read.names is None:
        return fetched  # type: ignore[no-any-return]
    return [dict(zip(read.names, row, strict=True)) for row in fetched]


def rows(qs: QuerySet[Any]) -> list[Any]:
    """The rows of the ``values_list`` or ``values`` query ``qs``: tuples or dicts (fetched in binary on
    PostgreSQL)."""
    read = compiled(qs)
    return list(qs) if read is None else run(read)


class CompiledReads:
    """Reads compiled once per process and run again, by a key that fixes their SQL and parameters completely
    (``core.keys.plain_key`` of every input the query is built from, the actor's data scope included): building and
    compiling a list's filter cost more than running it (docs/performance.md). ``rows(key, build)`` answers
    ``rows(build())``; with a key it builds and compiles only the first time. A key of None (an input with no exact
    equality) and a read the ORM must take (another database, a converter) are built and run each time. At most
    ``size`` reads are kept, the oldest dropped first."""

    def __init__(self, size: int) -> None:
        self._reads: Kept[Hashable, Compiled] = Kept(size)

    def rows(
        self,
        key: Hashable | None,
        build: Callable[..., QuerySet[Any]],
        values: tuple[Any, ...] = (),
        markers: tuple[Any, ...] = (),
    ) -> list[Any]:
        """``rows(build(*values))``. With ``values``, the read kept is built once as ``build(*markers)`` (one marker
        of ``core.frozen`` per value, each appearing once among its parameters) and run with each call's values: the
        key then covers every input but those values."""
        if len(values) != len(markers):
            raise TypeError(f"{len(values)} value(s) for {len(markers)} marker(s)")
        if key is None:
            return rows(build(*values))
        read = self._reads.get(key)
        if read is None:
            read = compiled(build(*markers), markers)
            if read is None:
                return rows(build(*values))
            self._reads.put(key, read)
        return run(read, values)

    def __len__(self) -> int:
        return len(self._reads)

    def clear(self) -> None:
        self._reads.clear()


@dataclass(frozen=True)
class _Kept:
    using: str
    compiler: Any
    sql: str | None  # None: it can match nothing
    params: tuple[Any, ...]


class CompiledInstances:
    """Reads of model instances compiled once per process by key, as ``CompiledReads`` (the same rule for the key):
    ``list(key, build)`` answers ``list(build())``, building and compiling only the first time a key is seen. The
    compiler kept is copied for each call onto this thread's connection and run through the ORM's own iterable
    (``core.frozen.instances``): the same instances, select_related objects and statement text as the queryset."""

    def __init__(self, size: int) -> None:
        self._reads: Kept[Hashable, _Kept] = Kept(size)

    def list(self, key: Hashable | None, build: Callable[[], QuerySet[Any]]) -> list[Any]:
        if key is None:
            return list(build())
        kept = self._reads.get(key)
        if kept is None:
            qs = build()
            compiler = qs.query.get_compiler(qs.db)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                sql, params = None, ()
            kept = self._reads.put(key, _Kept(qs.db, _light(compiler), sql, tuple(params)))
        if kept.sql is None:
            return []
        mine = copy.copy(kept.compiler)
        mine.connection = connections[kept.using]  # Django's connections are per thread
        return list(frozen.instances(mine, kept.sql, kept.params))

    def __len__(self) -> int:
        return len(self._reads)


def _light(compiler: Any) -> Any:
    """A compiler that reads the rows of ``compiler``'s statement as it would, without its filter: the query's
    ``WHERE`` (a union of a dozen subqueries for 我的待办) is most of what a kept read holds in memory, and only the SQL
    text, already made, needs it. The same compiler when the columns read differ (they do not depend on the filter)."""
    query = compiler.query.chain()
    query.where = WhereNode()
    light = query.get_compiler(compiler.using)
    light.pre_sql_setup()
    same = [(str(e), a) for e, _s, a in light.select] == [(str(e), a) for e, _s, a in compiler.select]
    return light if same and light.has_extra_select == compiler.has_extra_select else compiler

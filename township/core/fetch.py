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
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable, ValuesListIterable


def rows(qs: QuerySet[Any]) -> list[Any]:
    """The rows of the ``values_list`` or ``values`` query ``qs``: tuples or dicts (fetched in binary on
    PostgreSQL)."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql" or qs._iterable_class not in (ValuesListIterable, ValuesIterable):
        return list(qs)
    compiler = qs.query.get_compiler(qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return []
    if compiler.get_converters([col for col, _alias, _ann in compiler.select]):
        return list(qs)
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection.cursor(binary=True)
    # Django's own wrapping of a new cursor (the debug wrapper while queries are logged), as ``connection.cursor()``.
    with connection._prepare_cursor(raw) as cursor:  # type: ignore[attr-defined]  # (not in the stubs)
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if issubclass(qs._iterable_class, ValuesListIterable):
        return fetched  # type: ignore[no-any-return]
    query = compiler.query  # the names as ValuesIterable gives them
    names = (
        list(query.selected)
        if query.selected
        else [*query.extra_select, *query.values_select, *query.annotation_select]
    )
    return [dict(zip(names, row, strict=True)) for row in fetched]

"""Cache keys that fix a query's SQL completely, or none.

A read compiled once and run again (``fetch.CompiledReads``) is only as safe as its key: a key that misses one input
of the SQL would answer one user's rows to another. ``plain_key(*parts)`` builds the key *from the inputs
themselves* — the data-scope ``Q`` of the actor, the filters, the columns — so that two equal keys are two equal
inputs, and the same inputs compile to the same statement. It accepts only values whose equality is exact:

- text, integers, booleans, floats, ``None``, dates and times, each tagged with its exact type (``True`` and ``1``,
  ``1`` and ``1.0`` are different keys);
- tuples and lists (in order), sets (sorted), dicts (by key);
- ``Q`` (its connector, negation and children) and ``F`` (its name).

Anything else — a queryset, a subquery, an expression, a model instance — makes the whole key ``None``: such a read is
compiled each time, as before. The caller decides which moments make a read vary (``timezone.now()`` in a filter):
those must be parts of the key, or the read must not be keyed.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, Q

_SCALARS = (str, int, bool, float, type(None), date, datetime, time, timedelta)


class _NotPlain(Exception):
    """A part without exact equality: the key is None."""


def _plain(value: Any) -> Hashable:
    kind = type(value)
    if kind in _SCALARS:
        if kind is datetime:
            return (kind.__name__, value, str(value.tzinfo))  # the same instant in two zones: two keys
        return (kind.__name__, value)
    if kind is tuple or kind is list:
        return (kind.__name__, tuple(_plain(v) for v in value))
    if kind is set or kind is frozenset:
        return ("set", tuple(sorted((_plain(v) for v in value), key=repr)))
    if kind is dict:
        return ("dict", tuple(sorted(((_plain(k), _plain(v)) for k, v in value.items()), key=repr)))
    if kind is Q:
        return ("Q", value.connector, value.negated, tuple(_plain(child) for child in value.children))
    if kind is F:
        return ("F", value.name)
    raise _NotPlain(kind.__name__)


def plain_key(*parts: Any) -> Hashable | None:
    """A hashable key of ``parts`` in which equal keys mean equal inputs, or ``None`` when a part holds anything
    whose equality is not its value (see the module's text)."""
    try:
        return tuple(_plain(p) for p in parts)
    except _NotPlain:
        return None

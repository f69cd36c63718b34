"""Which SQL a Citus cluster cannot route to one town's shard (issue 19, docs/scaling.md "Queries on the cluster").

Pure string checks on the SQL Django sends, so that plain PostgreSQL runs can catch what the cluster would refuse:

- a join between two business tables (``township.core.citus.BUSINESS``) whose ON clause does not equate their
  ``jurisdiction_id`` columns and where the WHERE clause does not filter both by the key (Citus: "complex joins are
  only supported when all distributed tables are co-located and joined on their distribution columns");
- ``SELECT … FOR UPDATE`` on a business table without the key in the WHERE clause.

Used by ``tests/test_query_shape.py`` and, over the whole suite, by the ``TOWNSHIP_QUERY_SHAPE`` mode of the
project's ``conftest.py`` (the PostgreSQL pass of ``.ci/run``).
"""

from __future__ import annotations

import functools
import re

from township.core import citus

_JOIN = re.compile(
    r'(?:INNER|LEFT OUTER|RIGHT OUTER|FULL OUTER) JOIN "(?P<table>\w+)"(?: (?P<alias>[A-Z]\d+))? ON (?P<on>.*?)'
    r"(?= (?:INNER|LEFT OUTER|RIGHT OUTER|FULL OUTER) JOIN | WHERE | GROUP BY | ORDER BY | LIMIT |\)? ?$)"
)
_FROM = re.compile(r'FROM "(?P<table>\w+)"(?: (?P<alias>[A-Z]\d+))?')
# a correlated subquery's condition on the outer row: U0."case_id" = ("grid_event"."id")
_CORRELATED = re.compile(r'\b(U\d+)\."(\w+)" = \("?(\w+)"?\."(\w+)"\)')
_EQ = re.compile(r'"?(\w+)"?\."(\w+)" = \(?"?(\w+)"?\."(\w+)"')


def _aliases(sql: str) -> dict[str, str]:
    out = {}
    for m in list(_FROM.finditer(sql)) + list(_JOIN.finditer(sql)):
        out[m.group("alias") or m.group("table")] = m.group("table")
    return out


def _key_filtered(sql: str, alias: str) -> bool:
    return re.search(rf'"?\b{alias}"?\."{citus.KEY}" (=|IN) ', sql) is not None


def _component(keyed_to: dict[str, set[str]], alias: str) -> set[str]:
    """``alias`` and every alias joined with it on the key, directly or through others."""
    seen, todo = {alias}, [alias]
    while todo:
        for other in keyed_to.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


@functools.lru_cache(maxsize=8192)
def offenders_cached(sql: str) -> frozenset[tuple[str, str, str]]:
    """``offenders`` memoised by the SQL text (parameters are placeholders, so a suite repeats a few thousand texts)."""
    return frozenset(offenders(sql))


def offenders(sql: str) -> set[tuple[str, str, str]]:
    """The joins of ``sql`` that Citus cannot route, as (left table, right table, column); FOR UPDATE as (table,
    "FOR UPDATE", "")."""
    business = set(citus.BUSINESS)
    names = _aliases(sql)
    out = set()
    keyed_to: dict[str, set[str]] = {}  # alias -> the aliases its ON clauses equate its key with
    for m in _JOIN.finditer(sql):
        on = m.group("on")
        pairs = _EQ.findall(on)
        for x1, k1, x2, k2 in pairs:
            if k1 == k2 == citus.KEY:
                keyed_to.setdefault(x1, set()).add(x2)
                keyed_to.setdefault(x2, set()).add(x1)
        for a1, c1, a2, _c2 in pairs:
            t1, t2 = names.get(a1, a1), names.get(a2, a2)
            if t1 not in business or t2 not in business or c1 == citus.KEY:
                continue
            keyed = any({(x1, x2), (x2, x1)} & {(a1, a2)} and k1 == k2 == citus.KEY for x1, k1, x2, k2 in pairs)
            if not keyed and not (_key_filtered(sql, a1) and _key_filtered(sql, a2)):
                out.add((t1, t2, c1))
    correlated = _CORRELATED.findall(sql)
    for inner, c1, outer, _c2 in correlated:
        t1, t2 = names.get(inner, inner), names.get(outer, outer)
        if t1 not in business or t2 not in business or c1 == citus.KEY:
            continue
        # keyed to the outer row, or to a row the outer one is joined with on the key
        outers = _component(keyed_to, outer)
        if not any(i == inner and o in outers and k1 == k2 == citus.KEY for i, k1, o, k2 in correlated):
            out.add((t1, t2, c1))
    if " FOR UPDATE" in sql or " FOR NO KEY UPDATE" in sql:
        # routed to one shard when every business table is filtered by the key or joined on it with one that is
        reach: set[str] = set()
        for alias in names:
            if _key_filtered(sql, alias):
                reach |= _component(keyed_to, alias)
        for alias, table in names.items():
            if table in business and alias not in reach:
                out.add((table, "FOR UPDATE", ""))
    return out

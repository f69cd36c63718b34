"""Query shape for Citus (issue 19, docs/scaling.md "Queries on the cluster"), checked on plain PostgreSQL.

The SQL of representative requests (every menu page of the demo roles that see most of the product, the public
lookups) is captured with ``connection.execute_wrapper``. The test fails on

- a join between two business tables (``township.core.citus.BUSINESS``) whose ON clause does not equate their
  ``jurisdiction_id`` columns and where the WHERE clause does not filter both by the key (Citus: "complex joins are
  only supported when all distributed tables are co-located and joined on their distribution columns");
- ``SELECT … FOR UPDATE`` on a business table without the key in the WHERE clause.

``KNOWN`` lists the offenders that remain, each with its reason and an issue-style TODO; the list only shrinks (the
test fails on a new offender and on a listed one that is gone).
"""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection, transaction

from township.core import citus

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQL shape Citus routes is PostgreSQL's (SQLite's differs)"
)

# (left table, right table, join column): reason — TODO(issue 19) each; shrink only.
KNOWN: dict[tuple[str, str, str], str] = {}

_JOIN = re.compile(
    r'(?:INNER|LEFT OUTER|RIGHT OUTER|FULL OUTER) JOIN "(?P<table>\w+)"(?: (?P<alias>[A-Z]\d+))? ON (?P<on>.*?)'
    r"(?= (?:INNER|LEFT OUTER|RIGHT OUTER|FULL OUTER) JOIN | WHERE | GROUP BY | ORDER BY | LIMIT |\)? ?$)"
)
_FROM = re.compile(r'FROM "(?P<table>\w+)"(?: (?P<alias>[A-Z]\d+))?')
_EQ = re.compile(r'"?(\w+)"?\."(\w+)" = \(?"?(\w+)"?\."(\w+)"')


def _aliases(sql: str) -> dict[str, str]:
    out = {}
    for m in list(_FROM.finditer(sql)) + list(_JOIN.finditer(sql)):
        out[m.group("alias") or m.group("table")] = m.group("table")
    return out


def _key_filtered(sql: str, alias: str) -> bool:
    return re.search(rf'"?\b{alias}"?\."{citus.KEY}" (=|IN) ', sql) is not None


def offenders(sql: str) -> set[tuple[str, str, str]]:
    """The joins of ``sql`` that Citus cannot route, as (left table, right table, column); FOR UPDATE as (table,
    "FOR UPDATE", "")."""
    business = set(citus.BUSINESS)
    names = _aliases(sql)
    out = set()
    for m in _JOIN.finditer(sql):
        on = m.group("on")
        for a1, c1, a2, _c2 in _EQ.findall(on):
            t1, t2 = names.get(a1, a1), names.get(a2, a2)
            if t1 not in business or t2 not in business or c1 == citus.KEY:
                continue
            keyed = any(
                {(x1, x2), (x2, x1)} & {(a1, a2)} and k1 == k2 == citus.KEY for x1, k1, x2, k2 in _EQ.findall(on)
            )
            if not keyed and not (_key_filtered(sql, a1) and _key_filtered(sql, a2)):
                out.add((t1, t2, c1))
    if " FOR UPDATE" in sql or " FOR NO KEY UPDATE" in sql:
        for alias, table in names.items():
            if table in business and not _key_filtered(sql, alias):
                out.add((table, "FOR UPDATE", ""))
    return out


def test_the_checker_sees_what_citus_refuses():
    bad = (
        'SELECT "grid_event"."id" FROM "grid_event" INNER JOIN "cases_case" ON ("grid_event"."case_id" = '
        '"cases_case"."id") WHERE "grid_event"."jurisdiction_id" = %s'
    )
    good = (
        'SELECT "grid_event"."id" FROM "grid_event" INNER JOIN "cases_case" ON ("grid_event"."case_id" = '
        '"cases_case"."id") WHERE ("grid_event"."jurisdiction_id" = %s AND "cases_case"."jurisdiction_id" = %s)'
    )
    keyed = (
        'SELECT 1 FROM "grid_event" INNER JOIN "cases_case" T3 ON ("grid_event"."case_id" = T3."id" AND '
        '("grid_event"."jurisdiction_id" = (T3."jurisdiction_id"))) WHERE "grid_event"."id" = %s'
    )
    aliased = (
        'SELECT 1 FROM "grid_event" LEFT OUTER JOIN "grid_grid" T4 ON ("grid_event"."grid_id" = T4."id") '
        'WHERE "grid_event"."jurisdiction_id" = %s ORDER BY 1'
    )
    lock = 'SELECT 1 FROM "certificates_sealkey" WHERE "certificates_sealkey"."id" = %s FOR UPDATE'
    assert offenders(bad) == {("grid_event", "cases_case", "case_id")}
    assert offenders(good) == set()
    assert offenders(keyed) == set()
    assert offenders(aliased) == {("grid_event", "grid_grid", "grid_id")}
    assert offenders(lock) == {("certificates_sealkey", "FOR UPDATE", "")}
    assert offenders('SELECT 1 FROM "org_user" INNER JOIN "org_rolegrant" ON ("org_user"."id" = "x"."y")') == set()


@pytest.fixture(scope="module")
def demo_org(django_db_setup, django_db_blocker):
    from township.org import demo

    with django_db_blocker.unblock(), transaction.atomic():
        demo.seed(io.StringIO())
        yield
        transaction.set_rollback(True)


ROLES = ("approval_head", "grid_supervisor", "dispatcher", "officer", "clerk")


@on_postgresql
@pytest.mark.slow
def test_requests_route_on_the_key(demo_org, db, client):
    from township.core.navigation import menu_tree
    from township.org.models import User

    seen: dict[tuple[str, str, str], str] = {}

    def capture(execute, sql, params, many, context):
        for o in offenders(sql):
            seen.setdefault(o, sql[:400])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        for username in ROLES:
            user = User.objects.get(username=username)
            client.force_login(user)
            for group in menu_tree(user):
                for child in group["children"]:
                    client.get(child["url"])
            client.logout()
        client.get("/grid/public/track/?ticket=500116108000-ABCDEFGH")
        client.get("/open311/v2/tokens/500116108000-ABCDEFGH.json")
    new = {k: v for k, v in seen.items() if k not in KNOWN}
    gone = sorted(set(KNOWN) - set(seen))
    assert not new, "joins or locks Citus cannot route (add the key):\n" + "\n".join(
        f"{k}: {v}" for k, v in new.items()
    )
    assert not gone, f"fixed: remove from KNOWN {gone}"

"""Query shape for Citus (issue 19, docs/scaling.md "Queries on the cluster"), checked on plain PostgreSQL.

The checker is ``township/core/query_shape.py``; over the whole suite it runs in the PostgreSQL pass of .ci/run
(``TOWNSHIP_QUERY_SHAPE=fail``, conftest.py). Here the checker itself is tested, and the SQL of representative
requests (every menu page of the demo roles that see most of the product, the public lookups) is captured with
``connection.execute_wrapper``. The test fails on

- a join between two business tables (``township.core.citus.BUSINESS``) whose ON clause does not equate their
  ``jurisdiction_id`` columns and where the WHERE clause does not filter both by the key (Citus: "complex joins are
  only supported when all distributed tables are co-located and joined on their distribution columns");
- ``SELECT … FOR UPDATE`` on a business table without the key in the WHERE clause.

``KNOWN`` lists the offenders that remain, each with its reason and an issue-style TODO; the list only shrinks (the
test fails on a new offender and on a listed one that is gone).
"""

from __future__ import annotations

import io

import pytest
from django.db import connection, transaction

from township.core.query_shape import offenders

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQL shape Citus routes is PostgreSQL's (SQLite's differs)"
)

# (left table, right table, join column): reason — TODO(issue 19) each; shrink only.
KNOWN: dict[tuple[str, str, str], str] = {}


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
        'SELECT 1 FROM "grid_event" LEFT OUTER JOIN "cases_case" T4 ON ("grid_event"."case_id" = T4."id") '
        'WHERE "grid_event"."jurisdiction_id" = %s ORDER BY 1'
    )
    lock = 'SELECT 1 FROM "certificates_sealkey" WHERE "certificates_sealkey"."id" = %s FOR UPDATE'
    assert offenders(bad) == {("grid_event", "cases_case", "case_id")}
    assert offenders(good) == set()
    assert offenders(keyed) == set()
    assert offenders(aliased) == {("grid_event", "cases_case", "case_id")}
    subquery = (
        'SELECT 1 FROM "cases_case" WHERE NOT EXISTS(SELECT 1 AS "a" FROM "cases_caseseal" U0 WHERE '
        '(U0."case_id_sealed" = ("cases_case"."id") AND U0."seq" = ("cases_case"."head_seq")) LIMIT 1)'
    )
    assert offenders(subquery) == {
        ("cases_caseseal", "cases_case", "case_id_sealed"),
        ("cases_caseseal", "cases_case", "seq"),
    }
    keyed_subquery = subquery.replace(
        'WHERE (U0."case', 'WHERE (U0."jurisdiction_id" = ("cases_case"."jurisdiction_id") AND U0."case'
    )
    assert offenders(keyed_subquery) == set()
    to_reference = 'SELECT 1 FROM "grid_event" INNER JOIN "grid_grid" ON ("grid_event"."grid_id" = "grid_grid"."id")'
    assert offenders(to_reference) == set()  # a reference table joins anything
    assert offenders(lock) == {("certificates_sealkey", "FOR UPDATE", "")}
    joined_lock = (
        'SELECT 1 FROM "enforcement_remedy" LEFT OUTER JOIN "enforcement_remedy" T4 ON ("enforcement_remedy"."id" = '
        'T4."replaces_id" AND ("enforcement_remedy"."jurisdiction_id" = T4."jurisdiction_id")) WHERE '
        '("enforcement_remedy"."jurisdiction_id" = %s AND T4."id" IS NULL) FOR UPDATE OF "enforcement_remedy"'
    )
    assert offenders(joined_lock) == set()
    assert offenders(
        joined_lock.replace(' AND ("enforcement_remedy"."jurisdiction_id" = T4."jurisdiction_id")', "")
    ) == {
        ("enforcement_remedy", "FOR UPDATE", ""),
        ("enforcement_remedy", "enforcement_remedy", "id"),
    }
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

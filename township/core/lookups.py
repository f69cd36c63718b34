"""``InPage``: ``id IN (a page's ids)`` that PostgreSQL reads by the primary key.

A list selects its page's ids first (narrow rows, sorted and cut by the database), then the page's rows with what it
shows. Written ``id IN (SELECT … LIMIT 100)``, PostgreSQL plans a semi join and, not knowing the subquery returns 100
rows, hashes them and scans the whole table to probe the hash (the grid's event list read all 11,266 events at 100k
cases for a page of 100; docs/performance.md, "Where the time goes"). ``id = ANY(ARRAY(SELECT …))`` is computed
once as an array and read with the primary-key index: one statement still, and the same rows. Other databases keep
``IN (SELECT …)`` (SQLite reads it by the key already).

    Event.objects.filter(InPage(F("id"), page_ids_queryset))
"""

from __future__ import annotations

from typing import Any

from django.db.models.lookups import In


class InPage(In):
    """``lhs IN (subquery)``; on PostgreSQL ``lhs = ANY(ARRAY(subquery))``."""

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if not getattr(self.rhs, "subquery", False):
            raise TypeError("InPage takes a queryset of one column, not values")
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        if not (rhs_sql.startswith("(") and rhs_sql.endswith(")")):
            rhs_sql = f"({rhs_sql})"
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)

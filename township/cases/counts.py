"""The per-day case counts (``CaseDayCount``): bumped by the engine's services, rebuilt from the cases on demand."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from township.core.citus import on_citus
from township.core.inserts import writes_in_with


def _upsert(table: str, key: dict[str, Any], increments: dict[str, int], returning: str = "") -> Any:
    """``INSERT … ON CONFLICT (key) DO UPDATE SET f = f + excluded.f`` — one statement, no savepoint, on
    PostgreSQL and SQLite (≥ 3.35 with ``RETURNING``) alike. The row stays locked until the transaction ends."""
    qn = connection.ops.quote_name
    columns = [*key, *increments]
    sets = ", ".join(f"{qn(c)} = {qn(table)}.{qn(c)} + excluded.{qn(c)}" for c in increments)
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608 - names are ours
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(qn(c) for c in key)}) DO UPDATE SET {sets}"
        + (f" RETURNING {returning}" if returning else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key.values(), *increments.values()])
        return cursor.fetchone() if returning else None


def _next_id_sql(table: str) -> str | None:
    """SQL giving the id the next row of ``table`` will get, for the RETURNING clause of the counter's statement:
    PostgreSQL draws it from the table's sequence; SQLite reads its AUTOINCREMENT counter — safe because every
    SQLite transaction here holds the one write lock from its start (``transaction_mode: IMMEDIATE``) and the
    counter's statement has just written."""
    if connection.vendor == "postgresql":
        if on_citus(connection):  # Citus refuses non-immutable functions in RETURNING: the caller does without
            return None
        return f"nextval(pg_get_serial_sequence('{connection.ops.quote_name(table)}', 'id'))"
    if connection.vendor == "sqlite":
        last = f"(SELECT max(seq) FROM sqlite_sequence WHERE name = '{table}')"  # noqa: S608 - our table
        return f"(max(coalesce({last}, 0), coalesce((SELECT max(id) FROM {table}), 0)) + 1)"  # noqa: S608
    return None


def next_value(*, jurisdiction_id: str, case_type: str, year: int) -> tuple[int, int | None]:
    """The next case number of a jurisdiction, case type and year (``CaseCounter``) and the id the new case may
    take (None where the database cannot tell): one statement."""
    from township.cases.models import Case, CaseCounter

    key = {"jurisdiction_id": jurisdiction_id, "case_type": case_type, "year": year}
    next_id = _next_id_sql(Case._meta.db_table)
    returning = connection.ops.quote_name("last") + (f", {next_id}" if next_id else "")
    row = _upsert(CaseCounter._meta.db_table, key, {"last": 1}, returning=returning)
    return int(row[0]), (int(row[1]) if next_id else None)


def numbered_in_one_statement() -> bool:
    """Whether a new case's number, its day count and the number's write go in one statement at the end
    (``township/cases/numbering.py``): where openings run side by side and the database allows it (PostgreSQL)."""
    return writes_in_with()


def number_and_count(case: Any, *, prefix: str, year: int, at: datetime) -> int | None:
    """PostgreSQL, one statement: the next value of the counter of ``case``'s town, type and year, one more opened
    on its day count, and the number ``prefix`` + the value (six digits at least) written on the case. Nothing is
    counted when the case is not there (written in a savepoint that rolled back): no gap. Returns the value, or
    None for no case."""
    from township.cases.models import Case, CaseCounter, CaseDayCount

    qn = connection.ops.quote_name
    cases, counter, days = (qn(m._meta.db_table) for m in (Case, CaseCounter, CaseDayCount))
    sql = (
        f"WITH c AS (INSERT INTO {counter} (jurisdiction_id, case_type, year, last) "  # noqa: S608 - names are ours
        f"SELECT %s, %s, %s, 1 WHERE EXISTS (SELECT 1 FROM {cases} WHERE jurisdiction_id = %s AND id = %s) "
        f"ON CONFLICT (jurisdiction_id, case_type, year) DO UPDATE SET last = {counter}.last + 1 RETURNING last), "
        f"d AS (INSERT INTO {days} (jurisdiction_id, village_code, case_type, day, opened, closed, closed_late) "
        "SELECT %s, %s, %s, %s, 1, 0, 0 WHERE EXISTS (SELECT 1 FROM c) "  # after the counter: one lock order
        f"ON CONFLICT (jurisdiction_id, village_code, case_type, day) DO UPDATE SET opened = {days}.opened + 1) "
        f"UPDATE {cases} SET number = %s || lpad(c.last::text, greatest(6, length(c.last::text)), '0') FROM c "
        f"WHERE {cases}.jurisdiction_id = %s AND {cases}.id = %s RETURNING c.last"
    )
    jurisdiction_id, day = case.jurisdiction_id, connection.ops.adapt_datefield_value(timezone.localdate(at))
    params = [
        *(jurisdiction_id, case.case_type, year, jurisdiction_id, case.pk),
        *(jurisdiction_id, case.village_id or "", case.case_type, day),
        *(prefix, jurisdiction_id, case.pk),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row else None


def bump(case: Any, at: datetime, **increments: int) -> None:
    """Add ``increments`` (opened / closed / closed_late) to the row of ``case``'s town, village, type and day:
    one statement, the row created on first use."""
    from township.cases.models import CaseDayCount

    changes = {field: n for field, n in increments.items() if n}
    if not changes:
        return
    key = {
        "jurisdiction_id": case.jurisdiction_id,
        "village_code": case.village_id or "",
        "case_type": case.case_type,
        "day": connection.ops.adapt_datefield_value(timezone.localdate(at)),
    }
    fields = {"opened": 0, "closed": 0, "closed_late": 0, **changes}
    _upsert(CaseDayCount._meta.db_table, key, fields)


def rebuild(case_model: Any, count_model: Any) -> int:
    """Recount everything from the cases (the migration's backfill and ``manage.py recount_cases``)."""
    tally: Counter[tuple[str, str, str, Any, str]] = Counter()
    rows = case_model.objects.values_list(
        "jurisdiction_id", "village_id", "case_type", "opened_at", "closed_at", "finished_late"
    )
    for jur, village, case_type, opened_at, closed_at, late in rows.iterator(chunk_size=5000):
        tally[(jur, village or "", case_type, timezone.localdate(opened_at), "opened")] += 1
        if closed_at is not None:
            day = timezone.localdate(closed_at)
            tally[(jur, village or "", case_type, day, "closed")] += 1
            if late:
                tally[(jur, village or "", case_type, day, "closed_late")] += 1
    merged: dict[tuple[str, str, str, Any], dict[str, int]] = {}
    for (jur, village, case_type, day, field), n in tally.items():
        merged.setdefault((jur, village, case_type, day), {})[field] = n
    with transaction.atomic():
        count_model.objects.all().delete()
        count_model.objects.bulk_create(
            [
                count_model(jurisdiction_id=j, village_code=v, case_type=t, day=d, **fields)
                for (j, v, t, d), fields in merged.items()
            ],
            batch_size=2000,
        )
    return len(merged)

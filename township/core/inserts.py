"""New rows of several tables written in one statement where the database allows it (issue 18, the write path).

``insert_together(batch, batch, …)`` writes each batch (instances of one model) as ``save()`` would — the fields'
``pre_save`` (``auto_now_add``), the ``pre_save`` and ``post_save`` signals with ``created=True`` — but on PostgreSQL
as one data-modifying ``WITH`` statement: one round trip instead of one per table. A row that another row of the call
points to (an application and its materials) gets its id drawn first from its sequence, all such ids in one
``SELECT nextval(…), …``; the other rows take theirs in the insert and are not read back (their ``pk`` stays unset).
Foreign keys are checked at the end of the statement (Django's are deferred to the commit besides), so the order of
the batches inside it does not matter to the database. SQLite (no writes in ``WITH``) and a Citus coordinator (such
a statement over distributed tables) write the batches one after the other with ``bulk_create``, in order.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.constants import OnConflict
from django.db.models.signals import post_save, pre_save
from django.db.models.sql.subqueries import InsertQuery

from township.core.citus import on_citus


def writes_in_with() -> bool:
    """Whether two writes may go in one statement (a data-modifying ``WITH``): PostgreSQL; not SQLite (no writes in
    ``WITH``) nor a Citus coordinator (such a statement over distributed tables)."""
    return connection.vendor == "postgresql" and not on_citus(connection)


@dataclass(frozen=True)
class Rows:
    """Batches for ``insert_together`` with its options, handed to a write that inserts rows of its own with them
    (``cases.services.case_open``'s ``record``: a case type's record written in the statement of its case)."""

    batches: Sequence[Sequence[Model]]
    ignore_conflicts: Collection[type[Model]] = ()
    ids_of: Sequence[Model] = ()


def insert_together(
    *batches: Sequence[Model], ignore_conflicts: Collection[type[Model]] = (), ids_of: Sequence[Model] = ()
) -> None:
    """Insert every batch (a list of new instances of one model, empty lists allowed): one statement on PostgreSQL.
    ``ignore_conflicts``: the models whose rows may be there already (``ON CONFLICT DO NOTHING``; not read back).
    ``ids_of``: rows whose ids the caller needs besides those another row points to."""
    rows: list[list[Model]] = [list(b) for b in batches if b]
    if not rows:
        return
    for batch in rows:
        model = type(batch[0])
        if any(type(obj) is not model for obj in batch) or model._meta.parents:
            raise TypeError("insert_together: a batch holds instances of one model without parents")
    for batch in rows:
        for obj in batch:
            pre_save.send(sender=type(obj), instance=obj, raw=False, using=connection.alias, update_fields=None)
    if writes_in_with():
        _draw_ids(rows, ids_of)
        parts = [_compiled(batch, type(batch[0]) in ignore_conflicts) for batch in rows]
        *withs, (last_sql, _last_params) = parts
        sql = "".join(f"{'WITH' if i == 0 else ','} w{i} AS ({s}) " for i, (s, _p) in enumerate(withs)) + last_sql
        with connection.cursor() as cursor:
            cursor.execute(sql, [p for _s, params in parts for p in params])  # type: ignore[misc]
        for batch in rows:
            for obj in batch:
                obj._state.adding, obj._state.db = False, connection.alias
    else:
        for batch in rows:
            model = type(batch[0])
            model._default_manager.bulk_create(batch, ignore_conflicts=model in ignore_conflicts)
    for batch in rows:
        for obj in batch:
            post_save.send(
                sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=connection.alias
            )


_drawn = threading.local()  # ids drawn ahead (``draw_ids_ahead``), by table; ``ids`` on first use


def _ahead() -> dict[str, list[int]]:
    ids: dict[str, list[int]] = _drawn.__dict__.setdefault("ids", {})
    return ids


def draw_ids_ahead(*models: type[Model]) -> None:
    """PostgreSQL (not Citus): one id of each model's table, drawn now in one statement and handed out by the next
    ``draw_id`` or ``insert_together`` that needs one — for a write that draws ids at several places (a case, then
    its application). An id drawn and not used (the write failed between) is handed out by the thread's next draw
    for that table: a sequence never gives a value twice, so it is still free; ids may have gaps (case numbers not)."""
    if writes_in_with():
        tables = [str(m._meta.db_table) for m in models]
        for table, value in zip(tables, _nextvals(tables), strict=True):
            _ahead().setdefault(table, []).append(value)


def draw_id(model: type[Model]) -> int:
    """The id of a row about to be inserted into ``model``'s table (PostgreSQL): one drawn ahead, else a new one."""
    return _take([str(model._meta.db_table)])[0]


def _take(tables: list[str]) -> list[int]:
    """An id for each table: drawn ahead where there is one, the others from their sequences in one statement."""
    ahead = _ahead()
    taken = {i: ahead[t].pop() for i, t in enumerate(tables) if ahead.get(t)}
    missing = [i for i in range(len(tables)) if i not in taken]
    if missing:
        taken.update(zip(missing, _nextvals([tables[i] for i in missing]), strict=True))
    return [taken[i] for i in range(len(tables))]


def _nextvals(tables: list[str]) -> list[int]:
    """The next value of each table's id sequence: one statement."""
    draws = ", ".join(["nextval(pg_get_serial_sequence(%s, 'id'))"] * len(tables))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {draws}", [connection.ops.quote_name(t) for t in tables])  # noqa: S608
        return [int(v) for v in cursor.fetchone()]


def _draw_ids(batches: Sequence[list[Model]], ids_of: Sequence[Model]) -> None:
    """Ids for the rows without one that a row of the call points to or the caller asks for, from their sequences:
    one statement."""
    waiting = {id(obj): obj for batch in batches for obj in batch if obj.pk is None}
    wanted = {id(obj): obj for obj in ids_of if id(obj) in waiting}
    for batch in batches:
        for field in batch[0]._meta.concrete_fields:
            if not field.many_to_one and not field.one_to_one:
                continue
            for obj in batch:
                target = obj._state.fields_cache.get(field.name)
                if target is not None and id(target) in waiting and getattr(obj, field.attname) is None:
                    wanted[id(target)] = target
    if not wanted:
        return
    targets = list(wanted.values())
    for target, value in zip(targets, _take([str(t._meta.db_table) for t in targets]), strict=True):
        target.pk = value


def _compiled(batch: list[Model], ignore: bool) -> tuple[str, list[object]]:
    """The ``INSERT`` of one batch (``bulk_create``'s own statement, without ``RETURNING``)."""
    opts = batch[0]._meta
    fields = [f for f in opts.concrete_fields if not f.generated]
    with_pk = [obj.pk is not None for obj in batch]
    if not all(with_pk):
        if any(with_pk):
            raise ValueError("insert_together: a batch's rows all have their id or none has")
        fields = [f for f in fields if f is not opts.auto_field]
    for obj in batch:
        obj._prepare_related_fields_for_save(operation_name="insert_together")  # type: ignore[attr-defined]
    shape = (type(batch[0]), tuple(f.attname for f in fields), ignore)
    if len(batch) == 1 and shape in _ONE_ROW:
        values = [f.pre_save(batch[0], True) for f in fields]
        if not any(hasattr(v, "resolve_expression") for v in values):
            return _ONE_ROW[shape], [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
    query = InsertQuery(batch[0].__class__, on_conflict=OnConflict.IGNORE if ignore else None)
    query.insert_values(fields, batch, raw=False)
    statements = query.get_compiler(connection=connection).as_sql()
    if len(statements) != 1:
        raise ValueError("insert_together: a batch compiled to several statements")
    sql, params = statements[0]
    if len(batch) == 1 and sql.count("%s") == len(fields) and not any(hasattr(f, "get_placeholder") for f in fields):
        _ONE_ROW[shape] = sql  # one plain placeholder a field: the text does not depend on the values
    return sql, list(params)


# The INSERT of one row of a model, by (model, fields, ignore conflicts): the text the ORM compiled the first time,
# kept when each field took a plain placeholder (no expression value, no field with its own placeholder). Later rows
# of that shape take their values as the ORM does (``pre_save``, then ``get_db_prep_save``) without compiling again:
# it was ≈ 0.5 ms of a report's three inserts.
_ONE_ROW: dict[tuple[type[Model], tuple[str, ...], bool], str] = {}


def insert_if_updated(model: type[Model], where: dict[str, Any], values: dict[str, Any], row: Model) -> bool:
    """PostgreSQL (``writes_in_with``), one statement: ``model.objects.filter(**where).update(**values)`` (fields
    by name or attname, ``pk``; equality only) and, only when that changed a row, the insert of the new ``row`` (its
    id read back; ``save()``'s signals). Atomic on its own, so outside a transaction it needs none (no ``BEGIN`` and
    ``COMMIT`` round trips). Returns whether the update matched. The statement's text is built once per shape: no
    query is compiled per call (for the case engine's transition, ≈ 0.3 ms of a 3 ms request)."""
    setting, keyed, update_sql = _update(model, tuple(values), tuple(where))
    update_params = [
        *(f.get_db_prep_save(v, connection) for f, v in zip(setting, values.values(), strict=True)),
        *(f.get_db_prep_value(v, connection) for f, v in zip(keyed, where.values(), strict=True)),
    ]
    if row.pk is not None:
        raise ValueError("insert_if_updated: the new row takes its id in the insert")
    fields, insert = _insert_select(type(row))
    row._prepare_related_fields_for_save(operation_name="insert_if_updated")  # type: ignore[attr-defined]
    pre_save.send(sender=type(row), instance=row, raw=False, using=connection.alias, update_fields=None)
    sql = f"WITH moved AS ({update_sql}) {insert}"
    params = [*update_params, *(f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.fetchone()
    if written is None:
        return False
    row.pk = written[0]
    row._state.adding, row._state.db = False, connection.alias
    post_save.send(sender=type(row), instance=row, created=True, update_fields=None, raw=False, using=connection.alias)
    return True


@functools.cache
def _insert_select(model: type[Model]) -> tuple[list[Any], str]:
    """The fields and the ``INSERT … SELECT`` of a new ``model`` row after a ``moved`` CTE (PostgreSQL): typed
    placeholders, as the values are a SELECT list here, not a VALUES row the INSERT would type."""
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.generated and f is not opts.auto_field]
    qn, table, pk = connection.ops.quote_name, str(opts.db_table), str(opts.pk.column)
    selected = ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields)
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(str(f.column)) for f in fields)}) "  # noqa: S608 - names are ours
        f"SELECT {selected} WHERE EXISTS (SELECT 1 FROM moved) RETURNING {qn(pk)}"
    )
    return fields, sql


@functools.cache
def _update(model: type[Model], setting: tuple[str, ...], keyed: tuple[str, ...]) -> tuple[list[Any], list[Any], str]:
    """The fields set, the key fields and the ``UPDATE … RETURNING 1`` of ``insert_if_updated`` (PostgreSQL). Built
    from the fields, not frozen from a queryset (``core/frozen``: a SELECT with one or two variable values): here
    every value varies."""
    opts = model._meta
    qn = connection.ops.quote_name

    def field(name: str) -> Any:
        return opts.pk if name == "pk" else opts.get_field(name)

    sets, keys = [field(n) for n in setting], [field(n) for n in keyed]
    sql = (
        f"UPDATE {qn(opts.db_table)} SET {', '.join(f'{qn(f.column)} = %s' for f in sets)} "  # noqa: S608
        f"WHERE {' AND '.join(f'{qn(f.column)} = %s' for f in keys)} RETURNING 1"
    )
    return sets, keys, sql

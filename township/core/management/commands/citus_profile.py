"""Apply the Citus profile (docs/scaling.md, issue 19) on a Citus coordinator.

    manage.py citus_profile --plan         # print the SQL (works anywhere; on SQLite from the models)
    manage.py citus_profile --apply        # run it on a Citus coordinator (idempotent)
    manage.py citus_profile --doc [--write]  # the generated part of docs/scaling.md

The order that works on a real cluster: drop the foreign keys (a table with a foreign key to a reference table
would become a Citus local table), make the business tables' primary keys and unique constraints include the key,
create the reference tables, distribute the business tables co-located with the anchor, add the foreign keys back
(composite between business tables, none across towns).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from township.core import citus


@dataclass(frozen=True)
class FK:
    table: str
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    deferrable: bool = True


@dataclass(frozen=True)
class Unique:
    table: str
    name: str
    is_constraint: bool
    columns: tuple[str, ...]
    indexdef: str


@dataclass
class Catalog:
    fks: list[FK]
    pks: dict[str, tuple[str, tuple[str, ...]]]  # table -> (constraint name, columns)
    uniques: list[Unique]
    placed: dict[str, str]  # table -> "business" | "reference" | "citus-local"
    source: str
    authz_triggers: tuple[str, ...] = ()  # tables still carrying the authorisation version's trigger


def _q(name: str) -> str:
    return connection.ops.quote_name(name) if connection.vendor == "postgresql" else f'"{name}"'


def is_citus() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
        return cur.fetchone() is not None


_FK_SQL = (
    "SELECT cl.relname, c.conname, f.relname, array(SELECT a.attname::text FROM unnest("
    "c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a"
    " ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), "
    "array(SELECT a.attname::text FROM unnest("
    "c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a"
    " ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o), c.condeferrable"
    " FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class f ON f.oid = c.confrelid"
    " WHERE c.contype = 'f' AND cl.relnamespace = 'public'::regnamespace ORDER BY 1, 2"
)
_PK_SQL = (
    "SELECT cl.relname, c.conname, array(SELECT a.attname::text FROM unnest("
    "c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a"
    " ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o)"
    " FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid"
    " WHERE c.contype = 'p' AND cl.relnamespace = 'public'::regnamespace"
)
_UNIQUE_SQL = (
    "SELECT t.relname, i.relname, con.oid IS NOT NULL, array(SELECT a.attname::text FROM unnest("
    "ix.indkey::int2[]) WITH ORDINALITY k(n, o) JOIN pg_attribute a"
    " ON a.attrelid = ix.indrelid AND a.attnum = k.n ORDER BY k.o),"
    " pg_get_indexdef(ix.indexrelid) FROM pg_index ix"
    " JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid"
    " LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.contype = 'u'"
    " WHERE ix.indisunique AND NOT ix.indisprimary AND t.relnamespace = 'public'::regnamespace ORDER BY 1, 2"
)


def read_catalog() -> Catalog:
    """The live state of a PostgreSQL database (plain or Citus)."""
    tables = set(citus.model_tables())
    fks, pks, uniques, placed = [], {}, [], {}
    with connection.cursor() as cur:
        cur.execute(_FK_SQL)
        for table, name, ref, c1, c2, deferrable in cur.fetchall():
            if table in tables:
                fks.append(FK(table, name, tuple(c1), ref, tuple(c2), deferrable))
        cur.execute(_PK_SQL)
        for table, name, c1 in cur.fetchall():
            pks[table] = (name, tuple(c1))
        cur.execute(_UNIQUE_SQL)
        for table, name, is_con, c1, indexdef in cur.fetchall():
            if table in tables:
                uniques.append(Unique(table, name, is_con, tuple(c1), indexdef))
        if is_citus():
            cur.execute(
                "SELECT c.relname, p.partmethod, p.repmodel FROM pg_dist_partition p"
                " JOIN pg_class c ON c.oid = p.logicalrelid WHERE c.relnamespace = 'public'::regnamespace"
            )
            for table, method, repmodel in cur.fetchall():
                placed[table] = "business" if method == "h" else "reference" if repmodel == "t" else "citus-local"
        cur.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = %s AND c.relnamespace = 'public'::regnamespace ORDER BY 1",
            [citus.AUTHZ_TRIGGER],
        )
        triggers = tuple(row[0] for row in cur.fetchall())
    return Catalog(fks, pks, uniques, placed, "pg_catalog of " + connection.settings_dict["NAME"], triggers)


def _pg_name(table: str, columns: list[str], suffix: str) -> str:
    """Django's PostgreSQL name for an index or constraint (63 characters at most)."""
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

    class _Ops:
        @staticmethod
        def max_name_length() -> int:
            return 63

    namer = object.__new__(BaseDatabaseSchemaEditor)
    namer.connection = type("C", (), {"ops": _Ops()})()
    return str(namer._create_index_name(table, columns, suffix=suffix))  # type: ignore[attr-defined]


def model_catalog() -> Catalog:
    """The state of a freshly migrated PostgreSQL database, derived from the models (for --plan anywhere)."""
    fks: list[FK] = []
    pks: dict[str, tuple[str, tuple[str, ...]]] = {}
    uniques: list[Any] = []
    for table, model in citus.model_tables().items():
        meta = model._meta
        pks[table] = (f"{table}_pkey", (meta.pk.column,))
        for field in meta.concrete_fields:
            if field.is_relation and field.db_constraint and field.related_model is not None:
                ref = field.target_field.model._meta.db_table
                suffix = f"_fk_{ref}_{field.target_field.column}"
                fks.append(
                    FK(
                        table,
                        _pg_name(table, [field.column], suffix),
                        (field.column,),
                        ref,
                        (field.target_field.column,),
                    )
                )
            if field.unique and not field.primary_key:
                name = f"{table}_{field.column}_key"
                uniques.append(
                    Unique(
                        table,
                        name,
                        True,
                        (field.column,),
                        f"CREATE UNIQUE INDEX {name} ON public.{table} USING btree ({field.column})",
                    )
                )
        for constraint in meta.constraints:
            if constraint.__class__.__name__ == "UniqueConstraint" and constraint.fields:
                columns = tuple(meta.get_field(f).column for f in constraint.fields)
                where = " WHERE (…)" if constraint.condition is not None else ""
                uniques.append(
                    Unique(
                        table,
                        constraint.name,
                        constraint.condition is None,
                        columns,
                        f"CREATE UNIQUE INDEX {constraint.name} ON public.{table} USING btree "
                        f"({', '.join(columns)}){where}",
                    )
                )
        for together in meta.unique_together:
            columns = tuple(meta.get_field(f).column for f in together)
            name = _pg_name(table, list(columns), "_uniq")
            uniques.append(
                Unique(
                    table,
                    name,
                    True,
                    columns,
                    f"CREATE UNIQUE INDEX {name} ON public.{table} USING btree ({', '.join(columns)})",
                )
            )
    return Catalog(
        fks, pks, uniques, {}, "the models (names as on a fresh PostgreSQL database)", citus.AUTHZ_TRIGGER_TABLES
    )


def desired_fk(fk: FK) -> FK | None:
    """What a foreign key becomes in the profile: the same, composite, or nothing (a plain id)."""
    src, dst = citus.placement(fk.table), citus.placement(fk.ref_table)
    if src is None or dst is None or src == "local" or dst == "local":
        return None
    if src == "reference" and dst == "business":
        return None
    if src == "business" and dst == "business":
        if len(fk.columns) != 1 or (fk.table, fk.columns[0]) in citus.CROSS_JURISDICTION_FKS:
            return None
        if fk.columns[0] == citus.KEY:
            return None
        column = fk.columns[0]
        digest = hashlib.sha256(f"{fk.table}.{column}".encode()).hexdigest()[:8]
        name = f"{fk.table}_{column}"[:48] + f"_{digest}_cfk"
        return FK(fk.table, name, (citus.KEY, column), fk.ref_table, (citus.KEY, fk.ref_columns[0]), fk.deferrable)
    return fk


def colocated_fk_columns(table: str, fks: list[FK]) -> set[str]:
    """Columns of ``table`` that point at a co-located business row: (key, column) is as unique as column."""
    out = set()
    for fk in fks:
        want = desired_fk(fk)
        if fk.table == table and want is not None and want.columns[0] == citus.KEY:
            out.add(fk.columns[0])
    return out


def uniques_without_key(catalog: Catalog) -> list[Unique]:
    return [u for u in catalog.uniques if citus.placement(u.table) == "business" and citus.KEY not in u.columns]


def unjustified_uniques(catalog: Catalog) -> list[Unique]:
    """Unique constraints of business tables that would only be unique per town on the cluster, and are not listed."""
    out = []
    for u in uniques_without_key(catalog):
        if colocated_fk_columns(u.table, catalog.fks) & set(u.columns):
            continue
        if len(u.columns) == 1 and (u.table, u.columns[0]) in citus.PER_TOWN_ONLY_UNIQUES:
            continue
        out.append(u)
    return out


def _fk_sql(fk: FK) -> str:
    deferrable = " DEFERRABLE INITIALLY DEFERRED" if fk.deferrable else ""
    return (
        f"ALTER TABLE {_q(fk.table)} ADD CONSTRAINT {_q(fk.name)} FOREIGN KEY ({', '.join(map(_q, fk.columns))}) "
        f"REFERENCES {_q(fk.ref_table)} ({', '.join(map(_q, fk.ref_columns))}){deferrable}"
    )


def _sig(fk: FK) -> tuple[Any, ...]:
    return (fk.table, fk.columns, fk.ref_table, fk.ref_columns)


def plan(catalog: Catalog, model: Catalog | None = None) -> list[str]:
    """The statements that take ``catalog`` to the profile, in the order that works; [] when it is there.

    The foreign keys wanted come from the models (``model``), so a run that stopped half-way resumes."""
    model = model or model_catalog()
    key = citus.KEY
    todo_ref = [t for t in citus.REFERENCE if catalog.placed.get(t) != "reference" and t in catalog.pks]
    todo_dist = [t for t in citus.BUSINESS if catalog.placed.get(t) != "business" and t in catalog.pks]
    moving = set(todo_ref) | set(todo_dist)
    wanted: dict[tuple[Any, ...], FK] = {}
    for fk in model.fks:
        want = desired_fk(fk)
        if want is not None:
            wanted[_sig(want)] = want
    current = {_sig(fk): fk for fk in catalog.fks}
    out: list[str] = ["-- 1. foreign keys off (a foreign key to a reference table makes a Citus local table)"]
    for fk in catalog.fks:
        if fk.table in moving or fk.ref_table in moving or _sig(fk) not in wanted:
            out.append(f"ALTER TABLE {_q(fk.table)} DROP CONSTRAINT {_q(fk.name)}")
            current.pop(_sig(fk), None)
    out.append(f"-- 2. primary keys ({key}, id) and unique constraints with the key on business tables")
    for table in citus.BUSINESS:
        if table not in catalog.pks:
            continue
        name, columns = catalog.pks[table]
        if columns[:1] != (key,):
            out.append(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}")
            out.append(f"ALTER TABLE {_q(table)} ADD PRIMARY KEY ({_q(key)}, {', '.join(map(_q, columns))})")
    for u in uniques_without_key(catalog):
        if u.is_constraint:
            out.append(f"ALTER TABLE {_q(u.table)} DROP CONSTRAINT {_q(u.name)}")
        else:
            out.append(f"DROP INDEX {_q(u.name)}")
        out.append(re.sub(r"USING (\w+) \(", rf"USING \1 ({_q(key)}, ", u.indexdef, count=1))
    out.append("-- 3. reference tables (without the authorisation version's triggers: Citus refuses a table with")
    out.append("--    triggers, and on the workers' placements they would write a reference table from a shard)")
    out += [f"DROP TRIGGER {_q(citus.AUTHZ_TRIGGER)} ON {_q(t)}" for t in catalog.authz_triggers]
    out += [f"SELECT create_reference_table('{t}')" for t in todo_ref]
    out.append(f"-- 4. business tables, co-located with {citus.ANCHOR}")
    if todo_dist:
        # the append-only triggers of the timeline (cases 0008) run on the shards; Citus asks for this opt-in
        out.append("SET citus.enable_unsafe_triggers TO on")
    for table in todo_dist:
        colocate = "" if table == citus.ANCHOR else f", colocate_with => '{citus.ANCHOR}'"
        out.append(f"SELECT create_distributed_table('{table}', '{key}'{colocate})")
    out.append("-- 5. foreign keys back: composite between business tables, none across towns")
    for sig, fk in wanted.items():
        if sig not in current:
            out.append(_fk_sql(fk))
    if all(s.startswith("--") for s in out):
        return []
    return out


def write_doc(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    begin, end = text.find(citus.DOC_BEGIN), text.find(citus.DOC_END)
    if begin < 0 or end < 0:
        raise CommandError(f"{path}: markers {citus.DOC_BEGIN!r} … {citus.DOC_END!r} not found")
    new = text[:begin] + citus.doc_block() + text[end + len(citus.DOC_END) :]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


class Command(BaseCommand):
    help = "Apply the Citus profile on a Citus coordinator (--apply), print its SQL (--plan), or its doc (--doc)."

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--apply", action="store_true", help="run the statements (Citus coordinator only)")
        group.add_argument("--plan", action="store_true", help="print the statements (default)")
        group.add_argument("--doc", action="store_true", help="print the generated part of docs/scaling.md")
        parser.add_argument("--write", action="store_true", help="with --doc: update docs/scaling.md in place")

    def handle(self, *args: Any, apply: bool = False, doc: bool = False, write: bool = False, **options: Any) -> None:
        if doc:
            if write:
                path = Path(settings.BASE_DIR) / "docs" / "scaling.md"
                self.stdout.write(f"{path}: {'updated' if write_doc(path) else 'current'}")
            else:
                self.stdout.write(citus.doc_block())
            return
        missing = sorted(t for t in citus.model_tables() if citus.placement(t) is None)
        if missing:
            raise CommandError("tables in no list of township/core/citus.py: " + ", ".join(missing))
        citus_db = is_citus()
        if apply and not citus_db:
            raise CommandError(
                f"Not a Citus coordinator ({connection.vendor}: the citus extension is not installed in "
                f"{connection.settings_dict['NAME']}). The profile only applies to a Citus cluster; "
                "--plan prints its SQL."
            )
        catalog = read_catalog() if connection.vendor == "postgresql" else model_catalog()
        for u in unjustified_uniques(catalog):
            self.stderr.write(f"warning: {u.table}.{u.name} {u.columns} becomes unique per town only")
        statements = plan(catalog)
        if not apply:
            self.stdout.write(f"-- Citus profile, from {catalog.source}")
            if not citus_db:
                self.stdout.write("-- (not a Citus database: printed only; --apply refuses here)")
            self.stdout.write(";\n".join(statements) + (";" if statements else "-- nothing to do"))
            return
        ran = 0
        with connection.cursor() as cur:
            for sql in statements:
                if sql.startswith("--"):
                    self.stdout.write(sql)
                    continue
                try:
                    cur.execute(sql)
                except Exception as exc:
                    raise CommandError(f"{sql}\n  failed: {exc}") from exc
                ran += 1
        left = plan(read_catalog())
        placed = read_catalog().placed
        n_dist = sum(1 for t in citus.BUSINESS if placed.get(t) == "business")
        n_ref = sum(1 for t in citus.REFERENCE if placed.get(t) == "reference")
        self.stdout.write(
            f"citus profile: {ran} statements run; {n_dist}/{len(citus.BUSINESS)} business tables distributed, "
            f"{n_ref}/{len(citus.REFERENCE)} reference tables" + ("" if not left else f"; {len(left)} still to do")
        )
        if left:
            raise CommandError("the profile is not complete:\n" + "\n".join(left))

"""The Citus profile (township/core/citus.py, manage.py citus_profile; docs/scaling.md, issue 19).

Runs on SQLite and PostgreSQL: the lists are checked against the models, the plan is derived from the models (and
from the live catalog on PostgreSQL), and --apply must refuse on a database without Citus.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from township.core import citus
from township.core.management.commands import citus_profile as cmd

pytestmark = pytest.mark.django_db


def test_every_table_is_in_exactly_one_list():
    tables = set(citus.model_tables())
    lists = {"business": set(citus.BUSINESS), "reference": set(citus.REFERENCE), "local": set(citus.LOCAL)}
    missing = sorted(tables - set().union(*lists.values()))
    assert not missing, f"place these tables in township/core/citus.py (business, reference or local): {missing}"
    stale = sorted(set().union(*lists.values()) - tables)
    assert not stale, f"tables in township/core/citus.py that no model has any more: {stale}"
    names = list(citus.BUSINESS) + list(citus.REFERENCE) + list(citus.LOCAL)
    assert len(names) == len(set(names)), "a table is in more than one list"
    assert citus.BUSINESS[0] == citus.ANCHOR


def test_business_tables_carry_the_key_and_reference_tables_point_at_no_business_table():
    for table, model in citus.model_tables().items():
        columns = {f.column for f in model._meta.concrete_fields}
        if citus.placement(table) == "business":
            assert citus.KEY in columns, f"{table} is distributed by {citus.KEY} but has no such column"
    fks = cmd.model_catalog().fks
    for fk in fks:
        if citus.placement(fk.table) == "reference" and citus.placement(fk.ref_table) == "business":
            assert cmd.desired_fk(fk) is None  # dropped by the profile, never re-created


def test_every_unique_of_a_business_table_includes_the_key():
    """A unique constraint without the key is accepted only when one of its columns points at a co-located row
    (then (key, column) is as strict, as the composite foreign key pins the key), or it is a listed TODO."""
    catalog = cmd.model_catalog()
    bad = [(u.table, u.name, u.columns) for u in cmd.unjustified_uniques(catalog)]
    assert not bad, f"unique constraints of business tables without {citus.KEY}: {bad}"
    # the TODO list only shrinks: an entry whose constraint now includes the key must go
    open_ = {(u.table, u.columns[0]) for u in cmd.uniques_without_key(catalog) if len(u.columns) == 1}
    fixed = sorted(set(citus.PER_TOWN_ONLY_UNIQUES) - open_)
    assert not fixed, f"remove these fixed entries from PER_TOWN_ONLY_UNIQUES: {fixed}"


def test_cross_town_links_are_real_foreign_keys_between_business_tables():
    fks = {(fk.table, fk.columns[0]): fk for fk in cmd.model_catalog().fks}
    for (table, column), why in citus.CROSS_JURISDICTION_FKS.items():
        assert why
        assert (table, column) in fks, f"{table}.{column} is not a foreign key"
        assert citus.placement(table) in ("business", "reference"), table


def test_plan_orders_the_steps_that_work_on_a_cluster():
    statements = cmd.plan(cmd.model_catalog())
    text = "\n".join(statements)
    first_ref = text.index("create_reference_table(")
    first_dist = text.index(f"create_distributed_table('{citus.ANCHOR}', '{citus.KEY}')")
    last_drop = max(i for i, s in enumerate(statements) if "DROP CONSTRAINT" in s and "_fk_" in s)
    assert last_drop < statements.index(f"SELECT create_reference_table('{citus.REFERENCE[0]}')")
    assert first_ref < first_dist
    for table in citus.BUSINESS:
        assert f"create_distributed_table('{table}', '{citus.KEY}'" in text, table
    for table in citus.REFERENCE:
        assert f"create_reference_table('{table}')" in text, table
    for table in citus.LOCAL:
        assert f"'{table}'" not in text
    assert 'ALTER TABLE "cases_caseevent" ADD PRIMARY KEY ("jurisdiction_id", "id")' in statements
    # a composite foreign key between co-located tables, none across towns
    assert any(
        s.startswith('ALTER TABLE "cases_caseevent" ADD CONSTRAINT')
        and 'FOREIGN KEY ("jurisdiction_id", "case_id") REFERENCES "cases_case" ("jurisdiction_id", "id")' in s
        for s in statements
    )
    assert not any('"cases_caselink"' in s and '"target_id"' in s and "ADD CONSTRAINT" in s for s in statements)
    # a business row points at a reference row (the county's catalog item) with a plain foreign key
    assert any(
        s.startswith('ALTER TABLE "approval_application" ADD CONSTRAINT')
        and 'FOREIGN KEY ("item_id") REFERENCES "catalog_item" ("id")' in s
        for s in statements
    )
    # OneToOne uniques get the key in front
    assert any("approval_application" in s and 'btree ("jurisdiction_id", case_id)' in s for s in statements)


def test_plan_prints_anywhere_and_apply_refuses_without_citus():
    out = io.StringIO()
    call_command("citus_profile", "--plan", stdout=out, stderr=io.StringIO())
    if cmd.is_citus():
        # on the cluster (scripts/citus_ci.sh): the test database carries the profile already
        assert "-- nothing to do" in out.getvalue()
        return
    assert "create_distributed_table('cases_case', 'jurisdiction_id')" in out.getvalue()
    with pytest.raises(CommandError, match="Not a Citus coordinator"):
        call_command("citus_profile", "--apply", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the live catalog is PostgreSQL's")
def test_plan_from_the_live_postgresql_catalog_matches_the_models():
    if cmd.is_citus():
        pytest.skip("on the cluster the live catalog carries the profile (composite keys)")
    live = cmd.read_catalog()
    model = cmd.model_catalog()
    assert {cmd._sig(fk) for fk in live.fks} >= {cmd._sig(fk) for fk in model.fks}
    assert not cmd.unjustified_uniques(live)
    statements = cmd.plan(live)
    assert sum("create_distributed_table" in s for s in statements) == len(citus.BUSINESS)
    assert live.authz_triggers == citus.AUTHZ_TRIGGER_TABLES  # migration org/0006 put them where the profile says


def test_plan_drops_the_authorisation_triggers_before_the_reference_tables():
    """Citus refuses to make a table with triggers a reference table (docs/scaling.md): the profile drops the
    authorisation version's triggers first, and the grants are then read on every request (org.scoping)."""
    from importlib import import_module

    migration = import_module("township.org.migrations.0006_authz_version")
    assert tuple(sorted(migration.TABLES)) == citus.AUTHZ_TRIGGER_TABLES
    statements = cmd.plan(cmd.model_catalog())
    first_ref = statements.index(f"SELECT create_reference_table('{citus.REFERENCE[0]}')")
    drops = [i for i, s in enumerate(statements) if s.startswith(f'DROP TRIGGER "{citus.AUTHZ_TRIGGER}"')]
    assert len(drops) == len(citus.AUTHZ_TRIGGER_TABLES)
    assert max(drops) < first_ref
    done = cmd.Catalog([], {}, [], {}, "a catalog without the triggers")
    assert not any("DROP TRIGGER" in s for s in cmd.plan(done))


def test_joins_between_rows_of_one_town_match_the_key():
    from township.cases.models import CaseLink
    from township.core.town_joins import keyed_fields
    from township.credit.models import Listing
    from township.grid.models import Event

    keyed = {(f.model._meta.db_table, f.column) for f in keyed_fields()}
    assert ("grid_event", "case_id") in keyed and ("cases_caselink", "target_id") not in keyed
    assert not keyed & set(citus.CROSS_JURISDICTION_FKS)
    for table, _column in keyed:
        assert citus.placement(table) == "business"
    forward = str(Event.objects.filter(case__state="open").query)
    assert '"cases_case"."jurisdiction_id" = "grid_event"."jurisdiction_id"' in forward
    reverse = str(Listing.objects.values("case__grid_event__ticket").query)
    assert '"cases_case"."jurisdiction_id" = "grid_event"."jurisdiction_id"' in reverse
    # a cross-town link joins on the id alone (the services never join it on the cluster)
    cross = str(CaseLink.objects.filter(target__state="x").query)
    assert '"jurisdiction_id"' not in cross.split(" ON ")[1]


def test_public_codes_carry_the_town():
    code = citus.public_code("500116108000", "K7Q9X2M4")
    assert code == "500116108000-K7Q9X2M4"
    assert citus.public_code_jurisdiction(code) == "500116108000"
    assert citus.public_code_jurisdiction("K7Q9X2M4PA") is None  # made before the town was embedded
    assert citus.public_code_jurisdiction("D500116108000-0A1B", prefix="D") == "500116108000"
    assert citus.public_code_jurisdiction("-ABC") is None


def test_scaling_doc_is_generated_from_the_lists():
    text = (Path(settings.BASE_DIR) / "docs" / "scaling.md").read_text(encoding="utf-8")
    assert citus.doc_block() in text, "docs/scaling.md is stale: run manage.py citus_profile --doc --write"

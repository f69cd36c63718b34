"""The personal-data migrations on a database that already holds clear values (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from township.core import crypto

BEFORE = [("subjects", "0001_initial"), ("org", "0003_grant_data_scope")]
LUO_ID, LUO_PHONE = "500116198803150266", "13983000001"


def _raw(sql: str, params: list[object]) -> tuple[object, ...]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_encrypted_indexed_and_present_where_they_were_registered():
    if connection.vendor == "sqlite":  # as SQLite builds without SQLITE_SECURE_DELETE do: freed pages keep their bytes
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = OFF")
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    Jurisdiction = old.get_model("org", "Jurisdiction")
    town = Jurisdiction.objects.create(code="500116108", name="白沙镇", level="town")
    Subject = old.get_model("subjects", "Subject")
    luo = Subject.objects.create(kind="person", resident_id=LUO_ID, name="罗晓梅", phone=LUO_PHONE, registered_in=town)
    shop = Subject.objects.create(kind="org", uscc="91500116MA60LWJ12B", name="老街食品", phone="")
    user = old.get_model("org", "User").objects.create(username="luo", resident_id=LUO_ID, phone=LUO_PHONE)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)

    rid, phone, index = _raw(
        "SELECT resident_id, phone, resident_id_index FROM subjects_subject WHERE id = %s", [luo.pk]
    )
    assert str(rid).startswith("sm4:1:") and crypto.decrypt(str(rid)) == LUO_ID
    assert crypto.decrypt(str(phone)) == LUO_PHONE and index == crypto.blind_index(LUO_ID)
    assert _raw("SELECT resident_id, phone FROM subjects_subject WHERE id = %s", [shop.pk]) == (None, "")
    urid, uphone, uindex = _raw("SELECT resident_id, phone, resident_id_index FROM org_user WHERE id = %s", [user.pk])
    assert crypto.decrypt(str(urid)) == LUO_ID and crypto.decrypt(str(uphone)) == LUO_PHONE
    assert uindex == crypto.blind_index(LUO_ID)
    presence = _raw("SELECT jurisdiction_id, source FROM subjects_subjectpresence WHERE subject_id = %s", [luo.pk])
    assert presence == ("500116108", "registered")
    assert _raw("SELECT COUNT(*) FROM subjects_subjectpresence WHERE subject_id = %s", [shop.pk]) == (0,)

    from township.subjects.models import Subject as Current

    assert Current.objects.get(pk=luo.pk).resident_id == LUO_ID
    if connection.vendor == "sqlite":  # the overwritten clear values do not linger in free pages (VACUUM)
        name = Path(connection.settings_dict["NAME"])
        data = b"".join(p.read_bytes() for p in name.parent.glob(name.name + "*"))
        assert data.startswith(b"SQLite format 3")
        assert [v for v in (LUO_ID, LUO_PHONE) if v.encode() in data] == []
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")  # this build's default, for the tests that follow

"""The operation log is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE, even in raw SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from township.audit.models import OperationLog
from township.org.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_row(town_a):
    Department.objects.create(jurisdiction=town_a, name="党政办")
    return OperationLog.objects.latest("id")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_operationlog SET object_repr = 'forged' WHERE id = %s",
        "UPDATE audit_operationlog SET changes = '{}'::jsonb WHERE id = %s",
        "DELETE FROM audit_operationlog WHERE id = %s",
    ],
)
def test_postgres_trigger_refuses_update_and_delete(a_row, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic(), connection.cursor() as c:
        c.execute(sql, [a_row.pk])
    a_row.refresh_from_db()
    assert a_row.object_repr == "党政办"


@pytest.mark.postgres
def test_postgres_trigger_refuses_the_orm_too(a_row):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    with pytest.raises(DatabaseError), transaction.atomic():
        OperationLog.objects.filter(pk=a_row.pk).update(object_repr="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        OperationLog.objects.filter(pk=a_row.pk).delete()
    assert OperationLog.objects.filter(pk=a_row.pk, object_repr="党政办").exists()


def test_deleting_a_user_or_object_keeps_its_rows(town_a):
    """Copies, not foreign keys: a deletion never has to touch an existing row (which the trigger would refuse)."""
    dept = Department.objects.create(jurisdiction=town_a, name="临时办")
    first = OperationLog.objects.latest("id")
    dept.delete()
    first.refresh_from_db()
    assert first.object_repr == "临时办"
    assert OperationLog.objects.latest("id").action == "delete"

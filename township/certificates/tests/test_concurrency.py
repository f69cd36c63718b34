"""Simultaneous issues by one unit get distinct serials and share one seal key (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from township.certificates.models import Certificate, SealKey
from township.certificates.services import certificate_issue

from .conftest import LICENCE_TYPE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_issues_get_distinct_serials(bureau, luo, approver_a):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def issue() -> None:
        from django.db import connection as conn

        try:
            barrier.wait()
            certificate_issue(
                holder=luo, type_code=LICENCE_TYPE, type_name="营业执照", department=bureau, actor=approver_a
            )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=issue) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert len(set(serials)) == 3
    assert [s[-6:] for s in serials] == ["000001", "000002", "000003"]
    assert SealKey.objects.filter(department=bureau).count() == 1

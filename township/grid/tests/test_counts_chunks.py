"""The summary recount takes hundreds of buckets at once (one transaction of a demo's year touches ~240)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from township.grid import counts

pytestmark = pytest.mark.django_db


def test_refresh_of_many_buckets_runs_in_chunks(town_a):
    buckets = [(town_a.code, None, date(2026, 1, 1) + timedelta(days=i)) for i in range(3 * counts.REFRESH_CHUNK + 7)]
    assert counts.refresh(buckets) == 0  # no events there: nothing written, and no "misuse of aggregate" on SQLite

"""大屏 drill-down to the last level: a village's grids with their grid events, then one grid's own figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from township.cases.models import Case
from township.command.screen import resolve_grid, screen_data
from township.core.errors import NotFound

# The grid app's own fixtures: two villages' grids and a reporter (test code may borrow them).
from township.grid.tests.conftest import _event_classes, _fresh_index, grids, patroller_a, report, village_a2  # noqa: F401

pytestmark = pytest.mark.django_db


def test_village_lists_its_grids_and_a_grid_has_its_own_figures(leader_a, report, village_a, town_a, client):  # noqa: F811
    first, second = report(), report()
    assert first.village_id == village_a.code and first.grid is not None
    Case.objects.filter(pk=first.case_id).update(due_at=timezone.now() - timedelta(hours=1))  # overdue
    data = screen_data(actor=leader_a, unit=village_a)
    rows = {r["code"]: r for r in data["children"]}
    code = first.grid.code
    assert rows[code]["open"] == 2 and rows[code]["overdue"] == 1 and rows[code]["month"] == 2
    assert rows[code]["link"] == f"?unit={village_a.code}&grid={code}"
    grid = resolve_grid(village_a, code)
    at_grid = screen_data(actor=leader_a, unit=village_a, grid=grid)
    assert at_grid["grid"]["code"] == code and at_grid["children"] == []
    assert at_grid["warnings"]["overdue"] == 1
    assert [(k["key"], k["month"]) for k in at_grid["kpis"]] == [("grid_event", 2)]
    assert second.case_id  # both count in the grid's month
    # a grid of another village, or a grid asked of a town, is not found
    with pytest.raises(NotFound):
        resolve_grid(village_a, "no-such-grid")
    with pytest.raises(NotFound):
        resolve_grid(town_a, code)
    # the page and the feed
    client.force_login(leader_a)
    html = client.get(f"/command/screen/?unit={village_a.code}&grid={code}").content.decode()
    assert first.grid.name in html
    feed = client.get(f"/command/screen/data/?unit={village_a.code}&grid={code}").json()
    assert feed["grid"]["code"] == code and feed["warnings"]["overdue"] == 1
    assert client.get(f"/command/screen/data/?unit={village_a.code}&grid=nope").status_code == 404

"""The grid app's wiring: the worker escalates overdue steps; the menu shows grid pages by role."""

from __future__ import annotations

from township.cases.timed import timed_jobs
from township.core.navigation import menu_for
from township.org.models import Role


def test_worker_runs_grid_escalation():
    assert "grid.escalations" in {j.name for j in timed_jobs()}


def test_menu_by_role(make_user, town_a):
    dispatcher = make_user((town_a, Role.DISPATCHER))
    patroller = make_user((town_a, Role.GRID_PATROLLER))
    d = {e["url_name"] for e in menu_for(dispatcher)}
    p = {e["url_name"] for e in menu_for(patroller)}
    assert {"grid:desk", "grid:map", "grid:evaluation"} <= d
    assert "grid:report" in p and "grid:desk" not in p

"""Cross-cutting tests load the whole demo; process-wide caches built from rows of an earlier test
(rolled back, ids not reused on PostgreSQL) must not leak into them."""

from __future__ import annotations

import importlib.util

import pytest


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    clears = []
    if importlib.util.find_spec("township.grid.spatial") is not None:
        from township.grid import spatial

        clears.append(spatial.clear)
    for clear in clears:
        clear()
    yield
    for clear in clears:
        clear()

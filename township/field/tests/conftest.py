"""Field fixtures: Baisha's small grid world of the grid tests (towns, villages, six grids, patrollers of two towns,
the default event classes), reused as is."""

from township.grid.tests.conftest import (  # noqa: F401
    PNG,
    _event_classes,
    _fresh_index,
    dispatcher_a,
    grids,
    leader_a,
    patroller_a,
    patroller_b,
    photo,
    village_a2,
)

"""The demo: 尚村镇's 162 grids with the five roles staffed, 32 village agents, 128 cameras, 32 village party
branches and 8 enterprise branches, a day of patrol tracks — and a second run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.db.models import Count

from township.cameras import demo as camera_demo
from township.cameras.models import Camera
from township.grid import demo as grid_demo
from township.org.models import GRID_ROLES, Role, RoleGrant
from township.party import demo as party_demo
from township.party.models import MemberLink, PartyOrg, Rating

pytestmark = pytest.mark.django_db


def _counts():
    from township.grid.models import Grid, GridStaff, Patrol, TrackPoint

    return (
        Patrol.objects.count(),
        TrackPoint.objects.count(),
        Grid.objects.filter(jurisdiction_id="130926103").count(),
        GridStaff.objects.filter(jurisdiction_id="130926103").count(),
        RoleGrant.objects.count(),
        Camera.objects.count(),
        PartyOrg.objects.count(),
        MemberLink.objects.count(),
        Rating.objects.count(),
    )


def test_shangcun_demo(django_db_setup):
    from township.grid.models import Grid, GridStaff
    from township.org.demo import seed_jurisdictions

    seed_jurisdictions()
    out = io.StringIO()
    camera_demo.seed(out)
    party_demo.seed(out)
    camera_demo.finish(out)
    grid_demo.finish(out)
    grids = Grid.objects.filter(jurisdiction_id="130926103", level=3)
    assert grids.count() == 162
    roles = GridStaff.objects.filter(grid__in=grids).values("grid").annotate(n=Count("role", distinct=True))
    assert {r["n"] for r in roles} == {len(GRID_ROLES)} and len(roles) == 162  # all five roles in every grid
    agents = RoleGrant.objects.filter(role=Role.VILLAGE_AGENT, jurisdiction__parent_id="130926103")
    assert agents.count() == 32
    assert Camera.objects.filter(jurisdiction_id="130926103").count() == 128
    assert PartyOrg.objects.filter(jurisdiction_id="130926103", non_public=False, kind="branch").count() == 32
    assert PartyOrg.objects.filter(jurisdiction_id="130926103", non_public=True).count() == 8
    assert MemberLink.objects.filter(role="central_household").count() == 162
    assert Rating.objects.filter(current=False).count() == 1
    # a day of patrol tracks: 40 patrollers, each a finished patrol of 24 points inside their grid
    from township.grid.models import Patrol

    patrols = Patrol.objects.filter(jurisdiction_id="130926103")
    assert patrols.count() == grid_demo.PATROLS_TODAY and not patrols.filter(ended_at__isnull=True).exists()
    assert {p.point_count for p in patrols} == {grid_demo.TRACK_POINTS}
    assert all(p.distance_m > 100 and p.grid_id for p in patrols)
    before = _counts()
    camera_demo.seed(out)
    party_demo.seed(out)
    grid_demo.finish(out)
    assert _counts() == before

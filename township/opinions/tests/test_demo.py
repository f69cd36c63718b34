"""The demo seeds 社情民意 items in 白沙镇 through the services, forwards some in ``finish``; a second run changes
nothing."""

from __future__ import annotations

import io

import pytest

from township.cases.models import CaseLink
from township.opinions.models import Opinion

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_forwards():
    from township.opinions import demo
    from township.org import demo as org_demo

    out = io.StringIO()
    org_demo.seed(out)
    from township.grid.demo_seed import seed_baisha

    seed_baisha(out)
    demo.seed(out)
    demo.finish(out)
    print(out.getvalue())
    total = Opinion.objects.count()
    assert total == 40
    states = set(Opinion.objects.values_list("case__state", flat=True))
    assert {"collected", "answered", "archived", "forwarded"} <= states
    assert Opinion.objects.filter(forwarded_type="grid_event").count() >= 3
    links = CaseLink.objects.count()
    assert links >= 3
    assert not Opinion.objects.filter(case__closed_at__isnull=False, outcome="").exists()
    demo.seed(out)
    demo.finish(out)
    assert (Opinion.objects.count(), CaseLink.objects.count()) == (total, links)

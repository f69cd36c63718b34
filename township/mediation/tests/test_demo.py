"""The demo runs on the demo organisation and is idempotent."""

from __future__ import annotations

import io

import pytest

from township.mediation.machine import S
from township.mediation.models import Committee, Mediation

pytestmark = pytest.mark.django_db


def test_demo_seeds_heishishan_and_is_idempotent():
    from township.mediation import demo
    from township.org import demo as org_demo

    org_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    hss = Committee.objects.get(village_id=demo.HEISHISHAN)
    states = set(Mediation.objects.filter(committee=hss).values_list("case__state", flat=True))
    assert {S.CONFIRMED, S.REFERRED, S.APPLIED} <= states
    assert Committee.objects.count() == 4
    before = (Mediation.objects.count(), Committee.objects.count())
    demo.seed(io.StringIO())
    assert (Mediation.objects.count(), Committee.objects.count()) == before
    assert {m.case.state for m in Mediation.objects.all()} >= {S.MEDIATING, S.ARCHIVED, S.NOT_MEDIATED}

"""葛店's powers (issue 13 item 9): 342 approval and 1,002 enforcement powers generated in the proportions of the
real item catalogue, with 控制/慎审/鼓励 risk classes; seeded once."""

from __future__ import annotations

import io
from collections import Counter

from township.catalog import gedian
from township.catalog.models import Item


def test_rows_keep_the_real_catalogue_proportions():
    approvals, enforcement = gedian.approval_rows(), gedian.enforcement_rows()
    assert len(approvals) == 342 and len({n for _t, n in approvals}) == 342
    assert len(enforcement) == 1002 and len({n for _t, n in enforcement}) == 1002
    types = Counter(t for t, _n in approvals)
    assert types["01"] == 161 and types["20"] == 105  # 536 / 1135 and 348 / 1135 of the real items
    assert Counter(t for t, _n in enforcement) == {"02": 902, "06": 60, "03": 40}
    risk = Counter(gedian.risk_class_for(t, n) for t, n in approvals)
    assert set(risk) == {"control", "careful", "encouraged"} and risk["control"] < risk["careful"]


def test_seed_creates_and_publishes_the_powers_once(db):
    from township.org.models import Jurisdiction, Level

    county = Jurisdiction.objects.create(code="420703", name="华容区", level=Level.COUNTY)
    Jurisdiction.objects.create(code=gedian.GEDIAN, name="葛店镇", level=Level.TOWN, parent=county)
    out = io.StringIO()
    summary = gedian.seed_gedian(out)
    assert summary["approval"] == 342 and summary["enforcement"] == 1002
    assert "按真实事项目录" in out.getvalue()
    assert not Item.objects.filter(jurisdiction_id=gedian.GEDIAN, current_version__isnull=True).exists()
    gedian.seed_gedian(io.StringIO())
    assert Item.objects.filter(jurisdiction_id=gedian.GEDIAN).count() == 1344

"""The 白沙镇 demo (called by township.grid.demo.seed)."""

from __future__ import annotations

from typing import Any

from township.grid import services
from township.grid.demo import BAISHA_BOUNDS, ensure_divisions
from township.grid.models import Grid
from township.org.models import Jurisdiction


def seed_baisha(stdout: Any) -> None:
    ensure_divisions("baisha-divisions.csv")
    town = Jurisdiction.objects.get(pk="500116108")
    if not Grid.objects.filter(jurisdiction=town).exists():
        counts = services.grid_generate(root=town, bounds=BAISHA_BOUNDS, counts=(1, 24, 120))
        stdout.write(f"白沙镇网格：一级 {counts[1]}，二级 {counts[2]}，三级 {counts[3]}\n")

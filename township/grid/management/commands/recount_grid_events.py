"""Rebuild the grid's summaries from the events: 综合评价's day counts (``EventDayCount``) and the map's open points
(``EventPoint``), e.g. after a bulk import or a restore."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from township.grid import counts, points


class Command(BaseCommand):
    help = "Rebuild the grid event day counts (综合评价) and the map's open points from the events."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = counts.rebuild()
        open_points = points.rebuild()
        self.stdout.write(f"{rows} day counts rebuilt; {open_points} open map points")

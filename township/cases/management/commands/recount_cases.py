"""Rebuild the per-day case counts (``CaseDayCount``) from the cases, e.g. after a bulk import or a restore."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from township.cases.counts import rebuild
from township.cases.models import Case, CaseDayCount


class Command(BaseCommand):
    help = "Rebuild the per-day case counts (opened / closed / closed late per town, village, type and day)."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = rebuild(Case, CaseDayCount)
        self.stdout.write(f"{rows} day counts rebuilt")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from township.cases.integrity import checkpoint_create


class Command(BaseCommand):
    help = "Seal the heads of all cases and append a hash-chained checkpoint (the worker runs this too)."

    def handle(self, *args: Any, **options: Any) -> None:
        cp = checkpoint_create()
        self.stdout.write(f"checkpoint {cp.pk}: {cp.seal_count} case(s) sealed")

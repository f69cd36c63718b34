from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from township.cases.integrity import verify_all


class Command(BaseCommand):
    help = "Verify every case's hash-chained timeline and the checkpoints; exit non-zero on any problem."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = verify_all()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"timeline verification failed: {len(problems)} problem(s) in {checked} case(s)")
        self.stdout.write(f"OK: {checked} case(s) verified")

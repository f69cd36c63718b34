from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from township.cases.timed import run_due_jobs, timed_jobs


class Command(BaseCommand):
    help = "Run the timed work (warnings, escalations, deemed transitions, timeline checkpoints) in a loop."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run the due jobs once and exit")
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between rounds")

    def handle(self, *args: Any, **options: Any) -> None:
        names = ", ".join(j.name for j in timed_jobs())
        self.stdout.write(f"worker: jobs {names}")
        while True:
            results = run_due_jobs()
            ran = {k: v for k, v in results.items() if v != "skipped"}
            if ran:
                self.stdout.write(f"worker: {ran}")
            if options["once"]:
                return
            time.sleep(options["interval"])
            close_old_connections()

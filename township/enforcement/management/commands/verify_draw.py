"""python manage.py verify_draw PLAN — re-run a recorded random draw and compare it bit for bit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from township.enforcement.inspection import build_snapshot, inspection_plan_verify
from township.enforcement.models import InspectionPlan


class Command(BaseCommand):
    help = "Re-run a recorded 双随机 draw from its stored pool snapshot and seed; exit 1 if anything differs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", help="plan number (e.g. 白沙抽〔2026〕001) or database id")
        parser.add_argument("--jurisdiction", help="division code, when the number exists in several towns")

    def handle(self, *args: Any, **options: Any) -> None:
        ref = options["plan"]
        plans = InspectionPlan.objects.filter(number=ref)
        if options.get("jurisdiction"):
            plans = plans.filter(jurisdiction_id=options["jurisdiction"])
        if not plans.exists() and ref.isdigit():
            plans = InspectionPlan.objects.filter(pk=int(ref))
        if plans.count() != 1:
            raise CommandError(f"plan {ref!r} not found (or ambiguous: give --jurisdiction)")
        plan = plans.get()
        ok, problems = inspection_plan_verify(plan)
        self.stdout.write(f"plan {plan.number} ({plan.jurisdiction_id}) drawn {plan.drawn_at:%Y-%m-%d %H:%M:%S} UTC")
        self.stdout.write(f"seed        {plan.seed}")
        self.stdout.write(f"pool sha256 {plan.pool_hash}")
        self.stdout.write(f"result      {plan.result_hash} ({len(plan.result.get('visits', []))} visits)")
        if plan.seed:
            current = build_snapshot(plan, plan.drawn_at.date() if plan.drawn_at else plan.period_start)
            if current.hash != plan.pool_hash:
                self.stdout.write("note: the live pool has changed since the draw (the stored snapshot is used)")
        if not ok:
            for p in problems:
                self.stderr.write(f"MISMATCH: {p}")
            raise CommandError("draw could not be reproduced")
        self.stdout.write(self.style.SUCCESS("OK: the draw is reproduced bit for bit"))

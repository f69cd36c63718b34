"""The engine's part of the demo: once every app has written its cases, recount the per-day figures and seal the
timelines in a first checkpoint.

Without it a demo timeline could be truncated and its head rewound unnoticed until the worker's first hour.
"""

from __future__ import annotations

from typing import Any

from township.cases.integrity import checkpoint_create, heads_unsealed


def finish(stdout: Any) -> None:
    # Demos backdate cases with queryset updates (a year of life): recount the per-day figures from the cases.
    from township.cases.counts import rebuild
    from township.cases.models import Case, CaseDayCount

    rebuild(Case, CaseDayCount)
    if not heads_unsealed():  # a second run of seed_demo changes nothing
        return
    cp = checkpoint_create()
    stdout.write(f"timeline checkpoint {cp.pk}: {cp.seal_count} case(s) sealed")

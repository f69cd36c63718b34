"""双随机 sampling by the computed credit grade (信用风险分类监管; DOMAIN §4, DOMAIN2 §5.3; issue 13 item 6).

Pure rules. Good credit: a lower ratio and frequency; bad credit: key supervision, a higher ratio and frequency
(山东省社会信用条例 Art 26(4), 28(4); 深圳经济特区社会信用条例 Art 56; 河南省社会信用条例 Art 30(4)). No national
text fixes the numbers (DOMAIN2 §5.2, last bullet), so they are local policy with these documented defaults,
overridable by ``TOWNSHIP_SAMPLING_BY_GRADE = {"A": {"ratio": .., "interval_days": ..}, ...}``:

| grade | ratio | frequency (a subject is drawn again only after) |
|---|---|---|
| A | 3 %  | 365 days (at most once a year) |
| B | 5 %  | 180 days (at most twice a year) |
| C | 10 % | 90 days (at most four times a year) |
| D | 20 % | 0 days (every plan: key supervision) |

The grade of each target is the credit core's ``credit_grade(subject, on=plan date)`` at the time of the draw,
recorded in the pool snapshot (so the draw stays reproducible; ``verify_draw`` re-runs the recorded snapshot).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

SAMPLING_RULE = "山东省社会信用条例第二十六条第四项、第二十八条第四项；深圳经济特区社会信用条例第五十六条"

DEFAULT_POLICY: dict[str, dict[str, float]] = {
    "A": {"ratio": 0.03, "interval_days": 365},
    "B": {"ratio": 0.05, "interval_days": 180},
    "C": {"ratio": 0.10, "interval_days": 90},
    "D": {"ratio": 0.20, "interval_days": 0},
}


def policy() -> dict[str, dict[str, float]]:
    custom = getattr(settings, "TOWNSHIP_SAMPLING_BY_GRADE", None) or {}
    return {g: {**DEFAULT_POLICY[g], **custom.get(g, {})} for g in DEFAULT_POLICY}


def default_ratios() -> dict[str, float]:
    """The plan's ratios per grade when the planner gives none."""
    return {g: float(p["ratio"]) for g, p in policy().items()}


def interval_days(grade: str) -> int:
    return int(policy().get(grade or "B", policy()["B"])["interval_days"])


def due_again(grade: str, last_checked: dt.date | None, on: dt.date) -> bool:
    """Frequency: whether a subject of ``grade`` last checked on ``last_checked`` may be drawn on ``on``."""
    if last_checked is None:
        return True
    return (on - last_checked).days >= interval_days(grade)


def describe(grade: str) -> dict[str, Any]:
    p = policy().get(grade, policy()["B"])
    return {"grade": grade, "ratio": p["ratio"], "interval_days": int(p["interval_days"]), "rule": SAMPLING_RULE}

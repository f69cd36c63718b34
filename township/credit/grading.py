"""信用分级分类: the A/B/C/D grade computed from a subject's records (pure; no database).

The rule (documented in docs/credit.md, configurable per town with ``CreditGradeScheme``):

    score = base − Σ weight(severity) over negative records in force
                 + min(positive records in force × positive_bonus, positive_cap)
    listed on the 严重失信主体名单 → D
    else A if score ≥ threshold_a, B if ≥ threshold_b, C if ≥ threshold_c, otherwise D.

With the defaults (base 100; minor 5, general 20, serious 50; +5 per positive up to +10; A ≥ 105, B ≥ 90,
C ≥ 60) a subject with nothing known is B; one positive record and nothing negative makes A; one general
record (e.g. a false commitment or an ordinary penalty) makes C; a serious record makes D.
Sources: 山东省社会信用条例 Art 26, 28; 深圳经济特区社会信用条例 Art 56 (agencies grade by public credit evaluation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

DEFAULT_SCHEME: dict[str, int] = {
    "base": 100,
    "weight_minor": 5,
    "weight_general": 20,
    "weight_serious": 50,
    "positive_bonus": 5,
    "positive_cap": 10,
    "threshold_a": 105,
    "threshold_b": 90,
    "threshold_c": 60,
}
SCHEME_FIELDS = tuple(DEFAULT_SCHEME)
DEFAULT_GRADE = "B"


@dataclass(frozen=True)
class Counts:
    """What the rule needs: negative records in force per severity, positives in force, listed or not."""

    minor: int = 0
    general: int = 0
    serious: int = 0
    positive: int = 0
    listed: bool = False


@dataclass(frozen=True)
class Grade:
    grade: str
    score: int
    reason: str
    counts: Counts = field(default_factory=Counts)


def counts_of(records: Iterable[tuple[str, bool, bool]]) -> Counts:
    """``records``: (severity, positive, is_blacklist) of each record in force."""
    n = {"minor": 0, "general": 0, "serious": 0}
    positive = 0
    listed = False
    for severity, is_positive, is_blacklist in records:
        if is_positive:
            positive += 1
            continue
        n[severity or "general"] = n.get(severity or "general", 0) + 1
        listed = listed or is_blacklist
    return Counts(minor=n["minor"], general=n["general"], serious=n["serious"], positive=positive, listed=listed)


def compute_grade(counts: Counts, scheme: dict[str, int] | None = None) -> Grade:
    s = {**DEFAULT_SCHEME, **(scheme or {})}
    bonus = min(counts.positive * s["positive_bonus"], s["positive_cap"])
    score = (
        s["base"]
        - counts.minor * s["weight_minor"]
        - counts.general * s["weight_general"]
        - counts.serious * s["weight_serious"]
        + bonus
    )
    if counts.listed:
        grade = "D"
    elif score >= s["threshold_a"]:
        grade = "A"
    elif score >= s["threshold_b"]:
        grade = "B"
    elif score >= s["threshold_c"]:
        grade = "C"
    else:
        grade = "D"
    return Grade(grade=grade, score=score, reason=reason_text(grade, score, counts), counts=counts)


def reason_text(grade: str, score: int, counts: Counts) -> str:
    """The sentence shown to clerks (in the request's language)."""
    if counts.listed:
        return _("列入严重失信主体名单且未移出，信用等级为D类（信用分%(score)s）。") % {"score": score}
    parts = []
    if counts.serious:
        parts.append(_("严重失信记录%(n)s条") % {"n": counts.serious})
    if counts.general:
        parts.append(_("一般失信记录%(n)s条") % {"n": counts.general})
    if counts.minor:
        parts.append(_("轻微失信记录%(n)s条") % {"n": counts.minor})
    if counts.positive:
        parts.append(_("守信记录%(n)s条") % {"n": counts.positive})
    if not parts:
        return _("暂无在公示期内的信用记录，按默认规则为%(grade)s类（信用分%(score)s）。") % {
            "grade": grade,
            "score": score,
        }
    return _("在公示期内有%(parts)s，信用分%(score)s，评为%(grade)s类。") % {
        "parts": _("、").join(parts),
        "score": score,
        "grade": grade,
    }

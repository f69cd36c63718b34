"""Credit effects applied by the software (信用分级分类监管; DOMAIN2 §5 rule 10; SPEC §3.8–3.9).

Pure rules: every function takes plain values (the grade, whether the subject is listed, the item's risk class and
limits) and returns the effect with the text of its reason, so a clerk sees *why* on the application page and in
the API. The numbers are local policy, not statute (no national text fixes them, DOMAIN2 §5.2 last bullet), so
each is a setting with the default documented here and in docs/linkage.md:

- 绿色通道 for grade A (山东省社会信用条例 Art 26: 绿色通道、程序简化): the promised time is
  ``TOWNSHIP_GREEN_LANE_SHARE`` (default 50 %) of the item's promised days, rounded up, never below
  ``TOWNSHIP_GREEN_LANE_MIN_DAYS`` (default 1 working day) nor below the item's own legal minimum
  (``legal_min_limit`` in the snapshot, e.g. a statutory 公示期), and the ticket is called first at the queue;
- 容缺受理 and 告知承诺 refused for a listed subject and for grade D until repaired (河南省社会信用条例 Art 32(1):
  重点审查对象，不适用告知承诺等简化程序; 深圳经济特区社会信用条例 Art 59; 国办发〔2020〕42号);
- the post-approval check's intensity by the item's risk class (控制/慎审/鼓励), its 容缺/告知承诺 history and the
  grade (山东 Art 26(4), 28(4): good credit lower ratio and frequency, bad credit key supervision and more on-site
  checks; 深圳 Art 56).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

GRADES = ("A", "B", "C", "D")

# ---- 绿色通道 -------------------------------------------------------------------------------------------------

GREEN_LANE_RULE = "山东省社会信用条例第二十六条（守信激励：绿色通道、程序简化）"


def green_lane_share() -> float:
    return float(getattr(settings, "TOWNSHIP_GREEN_LANE_SHARE", 0.5))


def green_lane_min_days() -> int:
    return int(getattr(settings, "TOWNSHIP_GREEN_LANE_MIN_DAYS", 1))


def green_lane_eligible(grade: str, listed: bool) -> bool:
    """Only grade A and not on a list (a listed subject never keeps an incentive)."""
    return grade == "A" and not listed


def green_lane_limit(limit: int, *, grade: str, listed: bool, legal_min: int | None = None) -> int:
    """The promised limit for this applicant: ``limit`` unchanged unless eligible; else the documented share of it,
    rounded up, never below the floor (the setting and the item's legal minimum) and never above ``limit``."""
    if not green_lane_eligible(grade, listed) or limit <= 0:
        return limit
    floor = max(green_lane_min_days(), int(legal_min or 0))
    return min(limit, max(floor, math.ceil(limit * green_lane_share() - 1e-9)))


# ---- 容缺 / 告知承诺 -------------------------------------------------------------------------------------------

SIMPLIFIED_RULE = (
    "河南省社会信用条例第三十二条第一项；深圳经济特区社会信用条例第五十九条；"
    "国办发〔2020〕42号（失信主体不适用告知承诺等简化程序，信用修复后恢复）"
)


def simplified_refusal(*, grade: str, listed: bool, blacklisted: bool = False) -> str:
    """Why 容缺受理 / 告知承诺 is refused on credit grounds: "listed", "grade_d" or "" (allowed)."""
    if listed or blacklisted:
        return "listed"
    if grade == "D":
        return "grade_d"
    return ""


# ---- post-approval check intensity ----------------------------------------------------------------------------

# Levels, lightest first: (key, label, method, working days to the check). Local policy (settings override the days).
LEVELS: tuple[tuple[str, Any, str, int], ...] = (
    ("light", _lazy("简化核查（网络核验）"), "online", 60),
    ("routine", _lazy("常规核查（书面核查）"), "document", 40),
    ("key", _lazy("重点核查（实地核查）"), "on_site", 20),
    ("full", _lazy("全覆盖核查（实地核查）"), "on_site", 10),
)
LEVEL_INDEX = {k: n for n, (k, *_rest) in enumerate(LEVELS)}
BASE_LEVEL = {"control": "full", "careful": "key", "encouraged": "routine", "": "routine"}
CHECK_RULE = "山东省社会信用条例第二十六条第四项、第二十八条第四项；深圳经济特区社会信用条例第五十六条"


def level_days(level: str) -> int:
    custom = getattr(settings, "TOWNSHIP_SUPERVISION_DAYS", None) or {}
    return int(custom.get(level, LEVELS[LEVEL_INDEX[level]][3]))


@dataclass(frozen=True)
class CheckPlan:
    purpose: str  # commitment / gap / licence / denied
    level: str
    label: str
    method: str
    working_days: int
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "level": self.level,
            "label": self.label,
            "method": self.method,
            "working_days": self.working_days,
            "reasons": list(self.reasons),
            "rule": CHECK_RULE,
        }


RISK_LABELS = {
    "control": _lazy("控制类"),
    "careful": _lazy("慎审类"),
    "encouraged": _lazy("鼓励类"),
    "": _lazy("未分类"),
}


def check_plan(*, risk_class: str, accept_mode: str, decision: str, grade: str, listed: bool) -> CheckPlan:
    """The one post-approval supervision task of a decided application (一线贯通): its purpose and intensity.

    Base level by the item's risk class (控制 full, 慎审 key, 鼓励 routine); a 告知承诺 or 容缺 approval is at least
    key (the pledge or the late materials must be checked on site); grade A one level lighter (never for 控制类 and
    never below routine after 告知承诺/容缺); grade C one level heavier; grade D or listed: full. A denial gets the light
    check that the subject does not operate without the licence (无证经营巡查), heavier for 控制类 items."""
    reasons = [_("事项风险等级：%(r)s") % {"r": RISK_LABELS.get(risk_class, risk_class)}]
    if decision == "denied":
        level = "key" if risk_class == "control" else "light"
        reasons.append(_("不予许可：核查是否无证经营"))
        return _plan("denied", level, reasons)
    purpose = {"commitment": "commitment", "gap": "gap"}.get(accept_mode, "licence")
    level = BASE_LEVEL.get(risk_class, "routine")
    idx = LEVEL_INDEX[level]
    if purpose in ("commitment", "gap"):
        idx = max(idx, LEVEL_INDEX["key"])
        reasons.append(_("告知承诺审批：核查承诺的真实性") if purpose == "commitment" else _("容缺受理：核查后补材料"))
    if listed or grade == "D":
        idx = LEVEL_INDEX["full"]
        reasons.append(_("申请人列入严重失信主体名单") if listed else _("申请人信用等级D：重点监管，全覆盖核查"))
    elif grade == "C":
        idx = min(idx + 1, LEVEL_INDEX["full"])
        reasons.append(_("申请人信用等级C：提高核查强度"))
    elif grade == "A" and risk_class != "control":
        floor = LEVEL_INDEX["routine"] if purpose in ("commitment", "gap") else 0
        idx = max(idx - 1, floor)
        reasons.append(_("申请人信用等级A：降低核查强度"))
    return _plan(purpose, LEVELS[idx][0], reasons)


def _plan(purpose: str, level: str, reasons: list[str]) -> CheckPlan:
    _key, label, method, _days = LEVELS[LEVEL_INDEX[level]]
    return CheckPlan(purpose, level, str(label), method, level_days(level), tuple(reasons))


# ---- reading the credit core (township.credit.selectors) -----------------------------------------------------


def credit_standing(subject: Any, on: Any = None, *, with_reason: bool = True) -> dict[str, Any]:
    """The applicant's computed grade, list status and the flags approval already used, with the grade's reason."""
    from township.credit import selectors as credit

    if subject is None:
        return {"grade": "B", "listed": False, "blacklisted": False, "false_commitment": False, "grade_reason": ""}
    listed = bool(credit.credit_is_listed(subject, on=on))
    return {
        "grade": str(credit.credit_grade(subject, on=on) or "B"),
        "listed": listed,
        "blacklisted": bool(credit.credit_is_blacklisted(subject, on)),
        "false_commitment": bool(credit.credit_has_false_commitment(subject, on)),
        "grade_reason": str(credit.credit_grade_reason(subject) or "") if with_reason else "",
    }


def effects_for(
    *, standing: dict[str, Any], snapshot: dict[str, Any], accept_mode: str = "", decision: str = ""
) -> list[dict[str, Any]]:
    """Every credit effect on one application, each ``{key, applied, label, reason, rule}`` for the page and the API."""
    grade, listed = standing["grade"], standing["listed"] or standing["blacklisted"]
    out: list[dict[str, Any]] = []
    limit = snapshot.get("promised_limit")
    if limit is None:
        limit = snapshot.get("statutory_limit")
    if green_lane_eligible(grade, listed):
        shortened = (
            green_lane_limit(int(limit), grade=grade, listed=listed, legal_min=snapshot.get("legal_min_limit"))
            if limit
            else None
        )
        reason = (
            _("信用等级A：承诺时限由%(a)s个工作日缩短为%(b)s个工作日，排队优先叫号") % {"a": limit, "b": shortened}
            if limit
            else _("信用等级A：排队优先叫号")
        )
        out.append(
            {"key": "green_lane", "applied": True, "label": _("绿色通道"), "reason": reason, "rule": GREEN_LANE_RULE}
        )
    else:
        reason = (
            _("列入严重失信主体名单，不享受守信激励")
            if listed
            else _("信用等级%(g)s，绿色通道限信用等级A") % {"g": grade}
        )
        out.append(
            {"key": "green_lane", "applied": False, "label": _("绿色通道"), "reason": reason, "rule": GREEN_LANE_RULE}
        )
    why = simplified_refusal(grade=grade, listed=listed)
    for key, label in (("gap", _("容缺受理")), ("commitment", _("告知承诺"))):
        if why:
            reason = (
                _("列入严重失信主体名单，信用修复前不适用%(l)s")
                if why == "listed"
                else _("信用等级D，信用修复前不适用%(l)s")
            ) % {"l": label}
            out.append(
                {
                    "key": key,
                    "applied": True,
                    "label": _("不适用%(l)s") % {"l": label},
                    "reason": reason,
                    "rule": SIMPLIFIED_RULE,
                }
            )
    if key_false := standing.get("false_commitment"):
        out.append(
            {
                "key": "commitment_false",
                "applied": bool(key_false),
                "label": _("不适用告知承诺"),
                "reason": _("有虚假承诺记录，信用修复前不适用告知承诺"),
                "rule": SIMPLIFIED_RULE,
            }
        )
    plan = check_plan(
        risk_class=snapshot.get("risk_class") or "",
        accept_mode=accept_mode,
        decision=decision or "approved",
        grade=grade,
        listed=listed,
    )
    out.append(
        {
            "key": "check",
            "applied": True,
            "label": _("审批后核查：%(l)s") % {"l": plan.label},
            "reason": "；".join(plan.reasons),
            "rule": CHECK_RULE,
        }
    )
    return out

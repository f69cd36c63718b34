"""Guards of the credit case types: pure functions ``(case, actor, data) -> None`` citing their source.

The facts arrive in ``data`` (``case_type.facts``: the record's minimum end, the statement deadline …) and the
step's input (reason, opinion). Dates are ISO strings so the facts stay plain data.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.machine import needs_input

ORDER36 = "《信用修复管理办法》（国家发展改革委令第36号）"


def _today(data: dict[str, Any]) -> datetime.date:
    today = data.get("today")
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@needs_input
def decision_reason_given(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not str(data.get("reason") or "").strip():
        raise TransitionRefused("reason_required", _("请写明理由"), field="reason")


@needs_input
def statement_given(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not str(data.get("statement") or "").strip():
        raise TransitionRefused("statement_required", _("请填写陈述申辩意见"), field="statement")


@needs_input
def review_opinion_given(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not str(data.get("opinion") or "").strip():
        raise TransitionRefused("opinion_required", _("请填写审查意见"), field="opinion")


def statement_period_over(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """The decision waits for the 陈述申辩 period (行政处罚法第45条; length per the town's rule)."""
    due = data.get("statement_due")
    now = datetime.datetime.fromisoformat(data["now"]) if data.get("now") else timezone.now()
    if due and now < datetime.datetime.fromisoformat(due):
        raise TransitionRefused("statement_period_running", _("陈述申辩期尚未届满，不得作出列入决定"))


def publication_over(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Publication stops by itself at the maximum period (NDRC Order 36), not before."""
    until = data.get("max_until")
    if not until or _today(data) <= datetime.date.fromisoformat(until):
        raise TransitionRefused("publication_running", _("公示期尚未届满"))


def minimum_period_reached(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """No repair before the minimum publication period (NDRC Order 36; 深圳经济特区社会信用条例第79条)."""
    until = data.get("min_until")
    if until and _today(data) < datetime.date.fromisoformat(until):
        raise TransitionRefused(
            "minimum_period_not_reached",
            _("最短公示期至%(d)s届满，届满前不予信用修复（%(c)s）") % {"d": until, "c": ORDER36},
        )


def performance_proven(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """The violation corrected and every duty under the penalty or list performed, proven (NDRC Order 36)."""
    if not data.get("performance_proven"):
        raise TransitionRefused(
            "performance_not_proven",
            _("未核实已纠正失信行为并履行全部法定义务，不予信用修复（%(c)s）") % {"c": ORDER36},
        )


def public_pledge(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """A public 信用承诺 (materials true, liability accepted) (NDRC Order 36)."""
    if not data.get("pledge_public"):
        raise TransitionRefused("pledge_not_public", _("未作出并公开信用承诺，不予信用修复（%(c)s）") % {"c": ORDER36})

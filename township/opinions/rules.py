"""Guards of the 社情民意 machine: pure functions ``(case, actor, data) -> None``.

社情民意 owes no decision (DOMAIN2 §3), but every item ends with a recorded outcome: it is classified before it is
closed (collect → screen → register → classify), and a terminal state is reached only with the outcome written.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.machine import needs_input
from township.opinions.errors import Code


def classified(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """An item is classified (研判分类) before it is answered, forwarded or archived (DOMAIN2 §3 分类)."""
    if not str(data.get("category") or "").strip():
        raise TransitionRefused(Code.CATEGORY_REQUIRED, _("请先研判分类后再办结"), field="category")


@needs_input
def category_given(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not str(data.get("new_category") or "").strip():
        raise TransitionRefused(Code.CATEGORY_REQUIRED, _("请选择分类"), field="category")


@needs_input
def reply_recorded(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """答复 ends the item with the reply to the people written down (DOMAIN2 §3: feedback to the people)."""
    if not str(data.get("reply") or "").strip():
        raise TransitionRefused(Code.REPLY_REQUIRED, _("请填写答复内容"), field="reply")


@needs_input
def outcome_recorded(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """存档 ends the item only with its outcome written (no item is closed without a recorded outcome)."""
    if not str(data.get("outcome") or "").strip():
        raise TransitionRefused(Code.OUTCOME_REQUIRED, _("请填写办理结果（存档理由）"), field="outcome")


@needs_input
def forwarded_case_linked(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """转办 ends the item only once the receiving case exists and is linked (the origin kept on both sides)."""
    if not data.get("forwarded_to"):
        raise TransitionRefused(Code.FORWARD_TARGET_MISSING, _("转办须先在接收业务中建立案件"))

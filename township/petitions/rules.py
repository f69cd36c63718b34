"""Guards of the 信访 machine: pure functions ``(case, actor, data) -> None`` citing 信访工作条例 (2022).

Facts arrive in ``data`` (``township.petitions.case_type._facts``): ``anonymous``, ``source``, ``received_on``,
``recused`` (user ids), ``same_matter_final`` (the number of a 复核-concluded item of the same petitioner and
matter), ``reply_delivered_on`` (delivery date of the written reply of the current level), ``last_reply_on`` (the
reply a 复查/复核 request runs from). Input from the services: ``notice`` (the sealed notice's number), ``reason``,
``transfer_to``; ``today`` may be given for timed work.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.machine import needs_input
from township.core import calendar
from township.core.errors import PermissionRefused
from township.petitions.errors import Code

NOTICE_DAYS = 15  # Art 23 ¶2, ¶3: natural days from receipt
OBJECTION_WORKING_DAYS = 5  # Art 23 ¶3
HANDLING_DAYS = 60  # Art 34
MAX_EXTENSION_DAYS = 30  # Art 34
REVIEW_REQUEST_DAYS = 30  # Art 35, 36: from receiving the written reply
REVIEW_ANSWER_DAYS = 30  # Art 35, 36


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value[:10])
    return None


def _today(data: dict[str, Any]) -> dt.date:
    return _date(data.get("today")) or timezone.localdate()


def not_recused(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """回避 (Art 46): a staff member declared recused does not handle the item."""
    if actor is not None and actor.pk in (data.get("recused") or ()):
        raise PermissionRefused(Code.RECUSED, _("您已声明回避该信访事项，不能办理（信访工作条例第46条）"))


def not_after_re_review(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """After 复核, the same facts and reasons are not accepted again (Art 36 ¶3)."""
    number = data.get("same_matter_final")
    if number:
        raise TransitionRefused(
            Code.MATTER_FINALIZED,
            _("同一信访人以同一事实和理由提出的信访事项已经复核终结（%(n)s），不再受理（信访工作条例第36条第3款）")
            % {"n": number},
        )


@needs_input
def written_notice_issued(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """A named, reachable petitioner is told in writing how the item is handled (Art 23 ¶2, ¶3); none is owed when
    the name or address is unclear."""
    if not data.get("anonymous") and not data.get("notice"):
        raise TransitionRefused(
            Code.NOTICE_REQUIRED, _("须向信访人出具书面告知书（信访工作条例第23条）"), field="notice"
        )


@needs_input
def reason_required(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not str(data.get("reason") or "").strip():
        raise TransitionRefused(Code.REASON_REQUIRED, _("请填写理由"), field="reason")


@needs_input
def transfer_target_required(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not str(data.get("transfer_to") or "").strip():
        raise TransitionRefused(
            Code.TRANSFER_TARGET_REQUIRED, _("请填写有权处理的机关（信访工作条例第22条）"), field="transfer_to"
        )


def objection_only_for_sent_items(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """An objection answers an item transferred or assigned by a higher body (Art 23 ¶3)."""
    if data.get("source") == "direct":
        raise TransitionRefused(
            Code.OBJECTION_DIRECT, _("直接提出的信访事项不能提出异议，请转送有权处理的机关（信访工作条例第23条）")
        )


def objection_within_5_working_days(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Not ours: the objection goes back to the sender within 5 working days of receipt (Art 23 ¶3)."""
    received = _date(data.get("received_on"))
    if received is None:
        return
    last = calendar.add_working_days(received, OBJECTION_WORKING_DAYS)
    if _today(data) > last:
        raise TransitionRefused(
            Code.OBJECTION_LATE,
            _("异议须在收到之日起5个工作日内提出（截止%(d)s），已逾期（信访工作条例第23条第3款）")
            % {"d": last.isoformat()},
        )


def opinion_delivered(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """办结 = the written 信访处理意见书 (复查/复核意见书) is delivered, its delivery date recorded (Art 32, 34, 35)."""
    if data.get("anonymous") and data.get("reply_issued"):
        return  # nobody to deliver to (Art 23 ¶2): the written opinion is kept on file
    if not data.get("reply_delivered_on"):
        raise TransitionRefused(
            Code.OPINION_NOT_DELIVERED,
            _("须先出具书面处理意见书并记录送达日期，方可办结（信访工作条例第32条、第34条）"),
        )


def review_within_30_days(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """复查 / 复核 is asked within 30 days of receiving the written reply (Art 35, 36)."""
    if data.get("anonymous"):
        raise TransitionRefused(Code.REVIEW_NO_REPLY, _("匿名信访事项无书面答复，不适用复查、复核程序"))
    received = _date(data.get("last_reply_on"))
    if received is None:
        raise TransitionRefused(Code.REVIEW_NO_REPLY, _("书面答复尚未送达，不能申请复查或复核"))
    last = received + dt.timedelta(days=REVIEW_REQUEST_DAYS)
    asked = _date(data.get("asked_on")) or _today(data)
    if asked > last:
        raise TransitionRefused(
            Code.REVIEW_LATE,
            _("复查/复核申请须在收到书面答复之日起30日内提出（截止%(d)s），已逾期（信访工作条例第35条、第36条）")
            % {"d": last.isoformat()},
        )


def review_window_passed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """终结 by the worker: no 复查/复核 asked within the 30 days (local 终结 grounds, e.g. 山东省信访条例第46条)."""
    received = _date(data.get("last_reply_on"))
    if received is not None and _today(data) <= received + dt.timedelta(days=REVIEW_REQUEST_DAYS):
        raise TransitionRefused(Code.REVIEW_WINDOW_OPEN, _("申请复查/复核的期限尚未届满"))


def extension_allowed(*, already: int, days: int, reason: str, head: bool) -> None:
    """One extension of at most 30 days, approved by the head, the reason told to the petitioner (Art 34)."""
    if not head:
        raise PermissionRefused(Code.EXTENSION_HEAD_ONLY, _("延长办理期限须经本机关负责人批准（信访工作条例第34条）"))
    if already:
        raise TransitionRefused(Code.EXTENSION_TWICE, _("办理期限只能延长一次（信访工作条例第34条）"), field="days")
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise TransitionRefused(Code.EXTENSION_TOO_LONG, _("延长期限不得超过30日（信访工作条例第34条）"), field="days")
    if not reason.strip():
        raise TransitionRefused(Code.REASON_REQUIRED, _("请填写延期理由（须告知信访人）"), field="reason")

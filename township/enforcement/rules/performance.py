"""After the decision: service (Art 61), payment and the late fine (Art 67, 72), overdue, demand and court enforcement (行政强制法第35条、第53条、第54条)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.enforcement.errors import Code
from township.enforcement.rules.law import (
    CENT,
    LATE_FINE_DAILY_RATE,
    PAYMENT_NATURAL_DAYS,
    PUBLIC_NOTICE_NATURAL_DAYS,
    _money,
    agency_deadline,
    party_deadline,
    party_deadline_or_none,
)

# ---------------------------------------------------------------------------------------------
# Art 61: service
# ---------------------------------------------------------------------------------------------


def service_effective_date(
    *, mode: str, sent_on: dt.date, consent_signed: bool = False, received_on: dt.date | None = None
) -> dt.date:
    """行政处罚法第61条; 民事诉讼法 (service by post; 第95条 public notice): when a document counts as served — for post, the day on the return
    receipt (the party's periods, such as the 15 days to pay, run from receipt, Art 67)."""
    if mode == "electronic" and not consent_signed:
        raise TransitionRefused(
            Code.ELECTRONIC_SERVICE_CONSENT,
            _("当事人同意并签订确认书的，方可采用传真、电子邮件等方式送达（行政处罚法第六十一条）"),
            field="mode",
        )
    if mode not in {"direct", "left", "post", "electronic", "public_notice"}:
        raise TransitionRefused(Code.SERVICE_MODE_INVALID, _("不支持的送达方式"), field="mode")
    if mode == "public_notice":
        return sent_on + dt.timedelta(days=PUBLIC_NOTICE_NATURAL_DAYS)
    if mode == "post":
        if received_on is None:
            raise TransitionRefused(
                Code.RECEIPT_DATE_REQUIRED,
                _("邮寄送达以回执上注明的收件日期为送达日期（民事诉讼法），请填写签收日期"),
                field="received_on",
            )
        if received_on < sent_on:
            raise TransitionRefused(Code.RECEIPT_BEFORE_SENDING, _("签收日期不能早于寄出日期"), field="received_on")
        return received_on
    return sent_on


SERVICE_WORKING_DAYS = 7  # Art 61 (七日 → working days)


def check_service_in_time(*, decided_on: dt.date, sent_on: dt.date) -> None:
    """行政处罚法第61条: if the party is absent, serve the decision within 7 (working) days."""
    if sent_on < decided_on:
        raise TransitionRefused(Code.SERVICE_BEFORE_DECISION, _("送达日期不能早于决定日期"), field="sent_on")
    deadline = agency_deadline(decided_on, SERVICE_WORKING_DAYS)
    if sent_on > deadline:
        raise TransitionRefused(
            Code.SERVICE_LATE,
            _(
                "当事人不在场的，应当在七个工作日内（%(deadline)s前）依照民事诉讼法的有关规定送达决定书（行政处罚法第六十一条）"
            )
            % {"deadline": deadline.isoformat()},
            field="sent_on",
        )


# ---------------------------------------------------------------------------------------------
# Art 67, 72: payment and the late fine
# ---------------------------------------------------------------------------------------------


def payment_deadline(served_on: dt.date) -> dt.date | None:
    """行政处罚法第67条: pay within 15 days of receiving the decision (natural days). ``None`` while the holiday table
    does not reach the end: the fine cannot fall overdue and no late fine runs until the year is entered and
    :func:`township.enforcement.services.penalty_payment_due_refresh` fills the date in."""
    return party_deadline_or_none(served_on, PAYMENT_NATURAL_DAYS, "natural_days")


@dataclass(frozen=True)
class LateFineDay:
    day: dt.date
    amount: Decimal
    total: Decimal
    capped: bool


def late_fine_schedule(fine: Any, payment_due: dt.date, until: dt.date) -> list[LateFineDay]:
    """行政处罚法第72条(一): 3 % of the fine for every day after ``payment_due`` up to ``until``,
    day by day, the total never above the fine itself (行政强制法第45条)."""
    fine = _money(fine)
    daily = (fine * LATE_FINE_DAILY_RATE).quantize(CENT, rounding=ROUND_HALF_UP)
    out: list[LateFineDay] = []
    total = Decimal("0.00")
    day = payment_due + dt.timedelta(days=1)
    while day <= until and fine > 0:
        amount = min(daily, fine - total)
        total += amount
        out.append(LateFineDay(day, amount, total, total >= fine))
        if total >= fine:
            break
        day += dt.timedelta(days=1)
    return out


def late_fine(fine: Any, payment_due: dt.date, until: dt.date) -> Decimal:
    schedule = late_fine_schedule(fine, payment_due, until)
    return schedule[-1].total if schedule else Decimal("0.00")


def check_payment(*, fine: Any, paid: Any, late: Any, paid_late: Any) -> None:
    """行政处罚法第72条: the fine and the late fine due on the payment day are paid in full."""
    if _money(paid) < _money(fine):
        raise TransitionRefused(Code.FINE_UNPAID, _("罚款未足额缴纳"), field="paid_fine")
    if _money(paid_late) < _money(late):
        raise TransitionRefused(
            Code.LATE_FINE_UNPAID,
            _(
                "逾期缴纳罚款，应同时缴纳加处罚款%(late)s元（每日按罚款数额的百分之三加处，不超过罚款数额；行政处罚法第七十二条）"
            )
            % {"late": _money(late)},
            field="paid_late_fine",
        )


def check_overdue(*, payment_due: dt.date | None, today: dt.date, instalment_until: dt.date | None = None) -> None:
    """Only after the payment period (or the approved postponement, Art 66) is a fine overdue."""
    due = instalment_until or payment_due
    if due is None or today <= due:
        raise TransitionRefused(Code.PAYMENT_NOT_OVERDUE, _("缴款期限尚未届满"), field="payment_due")


DEMAND_WORKING_DAYS = 10  # 行政强制法第54条 (periods ≤ 10 days are working days, Art 69)
CHALLENGE_MONTHS = 6  # 行政诉讼法第46条: 6 months to sue (复议: 60 days, shorter)
APPLICATION_MONTHS = 3  # 行政强制法第53条


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def enforcement_window(served_on: dt.date, postponed_until: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """行政强制法第53条: after the 复议/诉讼 periods expire, three months to apply to the court. 行政处罚法第72条:
    after an approved postponement or instalments, the three months run from the end of that period."""
    opens_after = add_months(served_on, CHALLENGE_MONTHS)
    if postponed_until is not None and postponed_until > opens_after:
        opens_after = postponed_until
    return opens_after + dt.timedelta(days=1), add_months(opens_after, APPLICATION_MONTHS)


def check_enforcement_application(
    *,
    served_on: dt.date | None,
    demand_served_on: dt.date | None,
    applied_on: dt.date,
    postponed_until: dt.date | None = None,
) -> None:
    """行政强制法第53条、第54条: a written demand first, 10 working days after it, and inside the 3-month window
    that opens when the periods for 复议 and 诉讼 have expired — or, after an approved postponement, when it ends
    (行政处罚法第72条)."""
    if served_on is None:
        raise TransitionRefused(Code.DECISION_NOT_SERVED, _("处罚决定书尚未送达"))
    if demand_served_on is None:
        raise TransitionRefused(
            Code.DEMAND_REQUIRED,
            _("申请人民法院强制执行前，应当催告当事人履行义务（行政强制法第五十四条）"),
            field="demand_served_on",
        )
    after_demand = party_deadline(demand_served_on, DEMAND_WORKING_DAYS)
    if applied_on <= after_demand:
        raise TransitionRefused(
            Code.DEMAND_PERIOD_RUNNING,
            _("催告书送达十个工作日后当事人仍未履行的，方可申请强制执行（%(d)s后；行政强制法第五十四条）")
            % {"d": after_demand.isoformat()},
            field="applied_on",
        )
    start, end = enforcement_window(served_on, postponed_until)
    if postponed_until is not None and applied_on <= postponed_until:
        raise TransitionRefused(
            Code.POSTPONEMENT_RUNNING,
            _("批准暂缓或分期缴纳的期限（至%(d)s）尚未结束，不得申请人民法院强制执行（行政处罚法第七十二条）")
            % {"d": postponed_until.isoformat()},
            field="applied_on",
        )
    if applied_on < start:
        raise TransitionRefused(
            Code.CHALLENGE_PERIOD_RUNNING,
            _("申请行政复议、提起行政诉讼的期限届满（%(d)s）后方可申请人民法院强制执行（行政强制法第五十三条）")
            % {"d": (start - dt.timedelta(days=1)).isoformat()},
            field="applied_on",
        )
    if applied_on > end:
        raise TransitionRefused(
            Code.APPLICATION_PERIOD_EXPIRED,
            _(
                "应当自复议、诉讼期限届满（批准暂缓或分期的，自其期限结束）之日起三个月内（%(d)s前）"
                "申请人民法院强制执行（行政强制法第五十三条、行政处罚法第七十二条）"
            )
            % {"d": end.isoformat()},
            field="applied_on",
        )

"""Statutory numbers, periods and the calendar, the limitation period (Art 36), officers and credentials (Art 42, 55), evidence preservation (Art 56)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.enforcement.errors import Code

# ---------------------------------------------------------------------------------------------
# Statutory numbers (DOMAIN §2.1); local parameters live in EnforcementConfig / HearingThreshold.
# ---------------------------------------------------------------------------------------------
PENALTY_LAW_2021_IN_FORCE = dt.date(2021, 7, 15)  # the revised law; Art 58's qualification rule binds new reviewers
LIMITATION_YEARS = 2  # Art 36
LIMITATION_YEARS_LIFE_HEALTH_FINANCE = 5  # Art 36
MIN_OFFICERS = 2  # Art 42, 55
PRESERVATION_WORKING_DAYS = 7  # Art 56 (七日 → working days, Art 85)
HEARING_REQUEST_WORKING_DAYS = 5  # Art 64(1) (五日 → working days)
HEARING_NOTICE_WORKING_DAYS = 7  # Art 64(2) (七日 → working days)
DECISION_NATURAL_DAYS = 90  # Art 60
PAYMENT_NATURAL_DAYS = 15  # Art 67
LATE_FINE_DAILY_RATE = Decimal("0.03")  # Art 72(1)
PUBLIC_NOTICE_NATURAL_DAYS = 30  # 民事诉讼法 Art 95
SUMMARY_FINE_PERSON = Decimal("200")  # Art 51
SUMMARY_FINE_ORGANISATION = Decimal("3000")  # Art 51
SUMMARY_TYPES = frozenset({"warning", "fine"})  # Art 51
ON_SPOT_COLLECTION_MAX = Decimal("100")  # Art 68(1)

# Art 58: the four situations that require 法制审核 before deciding.
LEGAL_REVIEW_GROUNDS = {
    "public_interest": "涉及重大公共利益",
    "major_rights_hearing": "直接关系当事人或者第三人重大权益，经过听证程序",
    "complex": "案件情况疑难复杂、涉及多个法律关系",
    "by_law": "法律、法规规定应当进行法制审核",
}

# Art 63(1)(3)(4): types that always carry the hearing right.
HEARING_TYPES = frozenset(
    {"lower_qualification", "revoke_licence", "suspend_business", "close", "bar_practice", "restrict_business"}
)

# Art 59: elements every decision document must contain.
DECISION_ELEMENTS = {
    "party_name": "当事人的姓名或者名称",
    "party_address": "当事人的地址",
    "facts": "违反法律、法规、规章的事实",
    "evidence": "证据",
    "penalty_types": "行政处罚的种类",
    "legal_basis": "行政处罚的依据",
    "performance": "行政处罚的履行方式和期限",
    "remedies": "申请行政复议、提起行政诉讼的途径和期限",
    "agency": "作出行政处罚决定的行政机关名称",
    "date": "作出决定的日期",
}

CENT = Decimal("0.01")


# ---------------------------------------------------------------------------------------------
# Calendar helpers (township.core.calendar; imported lazily so the pure rules load without it)
# ---------------------------------------------------------------------------------------------


def _exact(start: dt.date, n: int, unit: str) -> dt.date:
    from township.core import calendar

    if unit == "working_days":
        return calendar.add_working_days(start, n)
    return calendar.add_natural_days(start, n)


def agency_deadline(start: dt.date, n: int, unit: str = "working_days") -> dt.date:
    """The end of a period the **agency** must keep (decide within 90 days, publish within 7 working days …).

    A thin alias of :func:`township.core.calendar.agency_deadline` (the date without its provisional flag): exact on
    the holiday table; past the last entered year, the earliest day the true end can fall on (every day of a year
    not entered counts), so the agency is held to a stricter date than the law's, never a looser one, and nothing
    is taken from the party.
    """
    from township.core.calendar import agency_deadline as provisional_deadline

    return provisional_deadline(start, n, unit)[0]


def party_deadline(start: dt.date, n: int, unit: str = "working_days") -> dt.date:
    """The end of a period that belongs to the **party** (request a hearing, pay, state and defend, comply after a
    demand). Its end may never be guessed early, so past the last entered year it refuses with
    ``calendar_not_covered``; each caller then decides in the party's favour (accept the request, charge no late fine)
    or refuses the agency's step until the holidays are entered (行政处罚法第八十五条)."""
    from township.core.calendar import CalendarNotCovered

    try:
        return _exact(start, n, unit)
    except CalendarNotCovered as exc:
        raise TransitionRefused(
            Code.CALENDAR_NOT_COVERED,
            _(
                "%(year)s年节假日安排尚未录入，无法确定当事人的法定期限（行政处罚法第八十五条），"
                "请管理员先录入节假日后再办理"
            )
            % {"year": exc.year},
            year=exc.year,
        ) from exc


def party_deadline_or_none(start: dt.date, n: int, unit: str = "working_days") -> dt.date | None:
    """:func:`party_deadline`, or ``None`` while the holiday table does not reach its end."""
    try:
        return party_deadline(start, n, unit)
    except TransitionRefused:
        return None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _money(value: Any) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    return Decimal(str(value))


# ---------------------------------------------------------------------------------------------
# Art 36: limitation period
# ---------------------------------------------------------------------------------------------


def limitation_end(act_date: dt.date, act_ended_on: dt.date | None, life_health_finance: bool) -> dt.date:
    """The last day a violation may still be discovered (Art 36): 2 years, 5 for life/health/finance."""
    start = act_ended_on or act_date
    years = LIMITATION_YEARS_LIFE_HEALTH_FINANCE if life_health_finance else LIMITATION_YEARS
    return add_years(start, years)


def check_limitation(
    *, act_date: dt.date, act_ended_on: dt.date | None, life_health_finance: bool, discovered_on: dt.date
) -> None:
    """行政处罚法第36条: not discovered within 2 (5) years → no penalty, so no filing."""
    if act_ended_on and act_ended_on < act_date:
        raise TransitionRefused(Code.ACT_DATES_INVALID, _("违法行为终了日期不能早于发生日期"), field="act_ended_on")
    if discovered_on < act_date:
        raise TransitionRefused(Code.ACT_IN_FUTURE, _("违法行为发生日期不能晚于发现日期"), field="act_date")
    end = limitation_end(act_date, act_ended_on, life_health_finance)
    if discovered_on > end:
        years = LIMITATION_YEARS_LIFE_HEALTH_FINANCE if life_health_finance else LIMITATION_YEARS
        raise TransitionRefused(
            Code.LIMITATION_EXPIRED,
            _(
                "违法行为在%(years)s年内未被发现，已超过追责时效（%(end)s），依法不再给予行政处罚（行政处罚法第三十六条）"
            )
            % {"years": years, "end": end.isoformat()},
            field="act_date",
        )


# ---------------------------------------------------------------------------------------------
# Art 42, 55: at least two officers with valid credentials
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialView:
    """What the rule needs to know about one credential."""

    number: str
    valid_from: dt.date
    valid_until: dt.date
    revoked: bool = False
    domains: tuple[str, ...] = ()

    def valid_on(self, day: dt.date, domain: str | None = None) -> bool:
        if self.revoked or not (self.valid_from <= day <= self.valid_until):
            return False
        return not (domain and self.domains and domain not in self.domains)


def check_officers(
    officers: Sequence[tuple[int, Sequence[CredentialView]]], *, on: dt.date, domain: str | None = None
) -> None:
    """行政处罚法第42条、第55条: an investigative act needs ≥ 2 distinct officers with valid credentials."""
    ids = {oid for oid, _creds in officers}
    if len(ids) < MIN_OFFICERS:
        raise TransitionRefused(
            Code.TWO_OFFICERS_REQUIRED,
            _("执法人员不得少于两人（行政处罚法第四十二条）"),
            field="officers",
        )
    invalid = [oid for oid, creds in officers if not any(c.valid_on(on, domain) for c in creds)]
    valid = ids - set(invalid)
    if len(valid) < MIN_OFFICERS:
        raise TransitionRefused(
            Code.CREDENTIAL_INVALID,
            _(
                "须有两名以上持有有效执法证件（在有效期内、未注销、领域相符）的执法人员（行政处罚法第四十二条、第五十五条）"
            ),
            field="officers",
        )


# ---------------------------------------------------------------------------------------------
# Art 56: evidence preservation decided within 7 working days
# ---------------------------------------------------------------------------------------------


def preservation_deadline(started_on: dt.date) -> dt.date:
    return agency_deadline(started_on, PRESERVATION_WORKING_DAYS)


def check_preservation_decision(*, started_on: dt.date, decided_on: dt.date, outcome: str) -> None:
    """行政处罚法第56条: a decision on preserved evidence within 7 (working) days; later only release."""
    if decided_on < started_on:
        raise TransitionRefused(Code.PRESERVATION_DATE_INVALID, _("处理决定日期不能早于保存日期"), field="decided_on")
    deadline = preservation_deadline(started_on)
    if decided_on > deadline and outcome != "release":
        raise TransitionRefused(
            Code.PRESERVATION_OVERDUE,
            _(
                "先行登记保存的证据应在七个工作日内（%(deadline)s前）作出处理决定，逾期只能解除保存（行政处罚法第五十六条）"
            )
            % {"deadline": deadline.isoformat()},
            field="decided_on",
        )

"""The Administrative Penalty Law (2021) as code: pure rule functions and the machine guards built on them.

Each ``check_*`` function is pure (values in, ``TransitionRefused`` with a Chinese message out) and cites
its article (DOMAIN.md §2.1). The ``guard_*`` functions adapt them to the case engine's guard signature
``guard(case, actor, data) -> None``; the case's facts arrive in ``data["penalty"]`` (facts.py), so they are pure too.

Periods (Art 85): "二日""三日""五日""七日" are working days; others (15 days to pay, 90 days to decide,
30 days for public-notice service) are natural days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.machine import needs_input
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

    Exact on the holiday table. Past the last entered year (the State Council publishes next year's arrangement late
    in the year) it gives the earliest day the true end can fall on: ``start + n`` calendar days, since every working
    day is a calendar day and a natural-day end only ever rolls forward. The agency is then held to a stricter date
    than the law's, never a looser one, and nothing is taken from the party.
    """
    from township.core.calendar import CalendarNotCovered

    try:
        return _exact(start, n, unit)
    except CalendarNotCovered:
        return start + dt.timedelta(days=n)


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


# ---------------------------------------------------------------------------------------------
# Art 63: the hearing right
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    person_fine: Decimal
    organisation_fine: Decimal
    confiscation_value: Decimal


# Used while a domain has no local "较大数额" threshold: the lowest national standards we know of — 公安机关办理行政
# 案件程序规定 (a person 2,000 yuan, an organisation 10,000) and, for confiscation, 市场监督管理行政处罚听证办法
# (10,000). The party is never denied a hearing for want of configuration; a configured threshold replaces it.
DEFAULT_THRESHOLD = Threshold(Decimal("2000"), Decimal("10000"), Decimal("10000"))


def hearing_right(penalty: dict[str, Any], party_kind: str, threshold: Threshold | None) -> bool:
    """行政处罚法第63条: does the intended penalty give the party the right to request a hearing?"""
    types = set(penalty.get("types") or [])
    if types & HEARING_TYPES:
        return True
    if penalty.get("heavy"):  # Art 63(5)(6): other heavy penalties, or by law
        return True
    if threshold is None:
        threshold = DEFAULT_THRESHOLD
    fine = _money(penalty.get("fine"))
    limit = threshold.person_fine if party_kind == "person" else threshold.organisation_fine
    if "fine" in types and fine >= limit:
        return True
    confiscated = _money(penalty.get("confiscation_value"))
    return bool(types & {"confiscate_gains", "confiscate_property"}) and confiscated >= threshold.confiscation_value


def check_types_within_power(types: Iterable[str]) -> None:
    """行政处罚法第18条: penalties restricting personal liberty only by the public security organs (and others named
    by law) — never by a township's comprehensive enforcement."""
    if "detention" in set(types):
        raise TransitionRefused(
            Code.DETENTION_NOT_ALLOWED,
            _("限制人身自由的行政处罚权只能由公安机关和法律规定的其他机关行使（行政处罚法第十八条）"),
            field="types",
        )


# ---------------------------------------------------------------------------------------------
# Art 44: the notice of the intended penalty with the party's rights
# ---------------------------------------------------------------------------------------------


def check_notice(*, notice: dict[str, Any], hearing_eligible: bool, acts_count: int) -> None:
    """行政处罚法第44条、第54条: after an investigation, tell the intended penalty, facts, reasons, basis and rights."""
    if acts_count < 1:
        raise TransitionRefused(
            Code.INVESTIGATION_MISSING,
            _("尚未进行调查取证，不能告知拟处罚决定（行政处罚法第五十四条）"),
        )
    missing = [k for k in ("facts", "reasons", "basis", "types") if not notice.get(k)]
    if missing:
        raise TransitionRefused(
            Code.NOTICE_INCOMPLETE,
            _("告知书须写明拟作出的行政处罚内容及事实、理由、依据（行政处罚法第四十四条）"),
            field=missing[0],
        )
    rights = set(notice.get("rights") or [])
    if not {"statement", "defence"} <= rights:
        raise TransitionRefused(
            Code.NOTICE_RIGHTS_MISSING,
            _("告知书须告知当事人依法享有的陈述、申辩权利（行政处罚法第四十四条）"),
            field="rights",
        )
    if hearing_eligible and "hearing" not in rights:
        raise TransitionRefused(
            Code.NOTICE_HEARING_RIGHT_MISSING,
            _("拟作出的处罚属于听证范围，告知书须告知当事人有要求听证的权利（行政处罚法第六十三条）"),
            field="rights",
        )


# ---------------------------------------------------------------------------------------------
# Art 64: hearing request, notice and chair
# ---------------------------------------------------------------------------------------------


def check_hearing_request(*, eligible: bool, notice_served_on: dt.date | None, requested_on: dt.date) -> None:
    """行政处罚法第64条(一): request a hearing within 5 (working) days after the notice."""
    if not eligible:
        raise TransitionRefused(
            Code.HEARING_NOT_ELIGIBLE, _("拟作出的处罚不属于听证范围（行政处罚法第六十三条）"), field="requested_on"
        )
    if notice_served_on is None:
        raise TransitionRefused(Code.NOTICE_NOT_SERVED, _("尚未送达行政处罚事先告知书"), field="requested_on")
    # Past the holiday table the end of the party's period is unknown: the request is accepted, never refused.
    deadline = party_deadline_or_none(notice_served_on, HEARING_REQUEST_WORKING_DAYS)
    if deadline is not None and requested_on > deadline:
        raise TransitionRefused(
            Code.HEARING_REQUEST_LATE,
            _("听证申请应在告知后五个工作日内（%(deadline)s前）提出，已逾期（行政处罚法第六十四条）")
            % {"deadline": deadline.isoformat()},
            field="requested_on",
        )


def check_hearing_schedule(
    *, notice_on: dt.date, hearing_on: dt.date, chair_id: int | None, investigator_ids: Iterable[int]
) -> None:
    """行政处罚法第64条(二)(四): notify 7 (working) days before; chaired by a non-investigator."""
    earliest = party_deadline(notice_on, HEARING_NOTICE_WORKING_DAYS)
    if hearing_on < earliest:
        raise TransitionRefused(
            Code.HEARING_NOTICE_TOO_LATE,
            _("应当在举行听证的七个工作日前通知当事人，听证日期不得早于%(earliest)s（行政处罚法第六十四条）")
            % {"earliest": earliest.isoformat()},
            field="hearing_on",
        )
    if chair_id is None:
        raise TransitionRefused(Code.HEARING_CHAIR_MISSING, _("须指定听证主持人"), field="chair")
    if chair_id in set(investigator_ids):
        raise TransitionRefused(
            Code.HEARING_CHAIR_INVESTIGATOR,
            _("听证由非本案调查人员主持（行政处罚法第六十四条）"),
            field="chair",
        )


# ---------------------------------------------------------------------------------------------
# Art 45: not heavier because of the defence
# ---------------------------------------------------------------------------------------------


def is_heavier(decision: dict[str, Any], notice: dict[str, Any]) -> bool:
    """Is ``decision`` heavier than the notified penalty (new type, larger fine or confiscation)?"""
    d_types = set(decision.get("types") or [])
    n_types = set(notice.get("types") or [])
    if d_types - n_types:
        return True
    if _money(decision.get("fine")) > _money(notice.get("fine")):
        return True
    return _money(decision.get("confiscation_value")) > _money(notice.get("confiscation_value"))


def check_not_heavier(*, decision: dict[str, Any], notice: dict[str, Any], defended: bool) -> None:
    """行政处罚法第44条、第62条: the party must have been told the penalty intended, so a heavier decision needs a new
    notice; 第45条: and a heavier penalty because the party stated or defended is forbidden outright."""
    if not is_heavier(decision, notice):
        return
    if defended:
        raise TransitionRefused(
            Code.HEAVIER_THAN_NOTICE,
            _(
                "当事人已陈述、申辩，处罚决定不得重于告知书所载内容；如发现新的违法事实，应重新告知（行政处罚法第四十五条）"
            ),
            field="decision",
        )
    raise TransitionRefused(
        Code.HEAVIER_THAN_NOTICE,
        _("处罚决定重于告知书所载的拟处罚内容，应当重新告知当事人（行政处罚法第四十四条、第六十二条）"),
        field="decision",
    )


# ---------------------------------------------------------------------------------------------
# Art 58: legal review; Art 57: collective discussion
# ---------------------------------------------------------------------------------------------


def check_reviewer_qualification(*, qualification: str, certificate_number: str, qualified_on: dt.date | None) -> None:
    """行政处罚法第58条: a first-time reviewer holds the national legal profession qualification; without it only a
    person who already did legal review before the 2021 law took effect."""
    if qualification == "legal_profession" and not (certificate_number or "").strip():
        raise TransitionRefused(
            Code.QUALIFICATION_MISSING,
            _("初次从事法制审核的人员应当取得法律职业资格，请填写资格证书编号（行政处罚法第五十八条）"),
            field="certificate_number",
        )
    if qualification == "legacy" and (qualified_on is None or qualified_on >= PENALTY_LAW_2021_IN_FORCE):
        raise TransitionRefused(
            Code.LEGACY_REVIEWER_DATE,
            _(
                "不要求法律职业资格的，仅限2021年7月15日前已从事法制审核的人员，请填写开始从事法制审核的日期"
                "（行政处罚法第五十八条）"
            ),
            field="qualified_on",
        )


# ---------------------------------------------------------------------------------------------
# (legal review, continued)
# ---------------------------------------------------------------------------------------------


def check_legal_review(
    *,
    grounds: Iterable[str],
    reviewer_id: int | None,
    reviewer_qualified: bool,
    investigator_ids: Iterable[int],
    passed: bool | None,
) -> None:
    """行政处罚法第58条: in the listed situations, 法制审核 before deciding, by a qualified non-investigator."""
    grounds = [g for g in grounds if g]
    if not grounds:
        return
    if reviewer_id is None or passed is None:
        raise TransitionRefused(
            Code.LEGAL_REVIEW_REQUIRED,
            _("本案属于应当进行法制审核的情形，未经法制审核或者审核未通过的，不得作出决定（行政处罚法第五十八条）"),
        )
    if not reviewer_qualified:
        raise TransitionRefused(
            Code.REVIEWER_UNQUALIFIED,
            _("初次从事行政处罚决定法制审核的人员，应当取得法律职业资格（行政处罚法第五十八条）"),
            field="reviewer",
        )
    if reviewer_id in set(investigator_ids):
        raise TransitionRefused(Code.REVIEWER_IS_INVESTIGATOR, _("法制审核人员不得是本案调查人员"), field="reviewer")
    if not passed:
        raise TransitionRefused(
            Code.LEGAL_REVIEW_FAILED,
            _("法制审核未通过，不得作出决定（行政处罚法第五十八条）"),
        )


def check_reviewer(*, reviewer_id: int, reviewer_qualified: bool, investigator_ids: Iterable[int]) -> None:
    """行政处罚法第58条: who may review."""
    if not reviewer_qualified:
        raise TransitionRefused(
            Code.REVIEWER_UNQUALIFIED,
            _("初次从事行政处罚决定法制审核的人员，应当取得法律职业资格（行政处罚法第五十八条）"),
            field="reviewer",
        )
    if reviewer_id in set(investigator_ids):
        raise TransitionRefused(Code.REVIEWER_IS_INVESTIGATOR, _("法制审核人员不得是本案调查人员"), field="reviewer")


def check_collective_discussion(*, major: bool, discussion: dict[str, Any]) -> None:
    """行政处罚法第57条: complex or major cases are decided by the heads collectively."""
    if not major:
        return
    if not discussion or len(discussion.get("participants") or []) < 3 or not discussion.get("conclusion"):
        raise TransitionRefused(
            Code.COLLECTIVE_DISCUSSION_REQUIRED,
            _("情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定（行政处罚法第五十七条）"),
        )


# ---------------------------------------------------------------------------------------------
# Art 62, 64, 65: no decision before the party was heard
# ---------------------------------------------------------------------------------------------


def check_party_heard(
    *,
    notice_served_on: dt.date | None,
    decided_on: dt.date,
    statement_days: int,
    waived: bool,
    defended: bool,
    statement_reviewed: bool,
    hearing_eligible: bool,
    hearing_requested: bool,
    hearing_held: bool,
    hearing_waived: bool = False,
) -> None:
    """行政处罚法第62条、第64条、第65条: notice, statement window, review of the defence, hearing held."""
    if notice_served_on is None:
        raise TransitionRefused(
            Code.NOTICE_REQUIRED,
            _(
                "未向当事人告知拟作出的行政处罚内容及事实、理由、依据和权利，不得作出行政处罚决定（行政处罚法第六十二条）"
            ),
        )
    if hearing_requested and not hearing_held:
        raise TransitionRefused(
            Code.HEARING_PENDING,
            _("当事人已要求听证，应当组织听证并根据听证笔录作出决定（行政处罚法第六十五条）"),
        )
    check_party_windows(
        notice_served_on=notice_served_on,
        on=decided_on,
        statement_days=statement_days,
        waived=waived,
        defended=defended,
        hearing_eligible=hearing_eligible,
        hearing_requested=hearing_requested,
        hearing_waived=hearing_waived,
    )
    if defended and not statement_reviewed:
        raise TransitionRefused(
            Code.STATEMENT_NOT_REVIEWED,
            _("应当充分听取当事人意见，对提出的事实、理由和证据进行复核（行政处罚法第四十五条）"),
        )


def check_party_windows(
    *,
    notice_served_on: dt.date,
    on: dt.date,
    statement_days: int,
    waived: bool,
    defended: bool,
    hearing_eligible: bool,
    hearing_requested: bool,
    hearing_waived: bool,
    step: str = "decide",
) -> None:
    """行政处罚法第62条、第64条: the party's periods after the notice. The statement window ends early only when the
    party stated or expressly waived; the 5-working-day hearing window (where eligible) runs whatever the party said,
    unless a hearing was requested or expressly waived in writing."""
    ends = []
    if not waived and not defended:
        ends.append(party_deadline(notice_served_on, statement_days))
    if hearing_eligible and not hearing_requested and not hearing_waived:
        ends.append(party_deadline(notice_served_on, HEARING_REQUEST_WORKING_DAYS))
    if ends and on <= max(ends):
        if step == "review":
            message = _(
                "当事人陈述、申辩（及申请听证）期限至%(end)s，期满后再进行法制审核，以免妨碍当事人申请听证"
                "（行政处罚法第六十二条、第六十四条）"
            )
        else:
            message = _(
                "当事人陈述、申辩（及申请听证）期限至%(end)s，期满前不得作出决定（行政处罚法第六十二条、第六十四条）"
            )
        raise TransitionRefused(Code.STATEMENT_WINDOW_OPEN, message % {"end": max(ends).isoformat()})


def check_decision_date(*, decided_on: dt.date, today: dt.date) -> None:
    """The decision is made, sealed and dated in the system on the day it is made: no pre-dating (which would slip past
    the party's windows) and no back-dating (which would slip past the 90 days of Art 60)."""
    if decided_on != today:
        raise TransitionRefused(
            Code.DECISION_DATE_NOT_TODAY,
            _("决定日期应为作出决定的当日（%(today)s），不能预填或倒签") % {"today": today.isoformat()},
            field="decided_on",
        )


# ---------------------------------------------------------------------------------------------
# Art 60: decide within 90 days of filing
# ---------------------------------------------------------------------------------------------


def decision_deadline(filed_on: dt.date, extension_days: int = 0) -> dt.date:
    return agency_deadline(filed_on, DECISION_NATURAL_DAYS + extension_days, "natural_days")


def check_decision_in_time(*, decided_on: dt.date, due: dt.date) -> None:
    """行政处罚法第60条: decide within 90 days of filing unless an approved extension applies."""
    if decided_on > due:
        raise TransitionRefused(
            Code.DECISION_OVERDUE,
            _("应当自立案之日起九十日内作出行政处罚决定，期限已于%(due)s届满且未经批准延长（行政处罚法第六十条）")
            % {"due": due.isoformat()},
        )


def check_extension(*, approver_is_head: bool, reason: str, days: int) -> None:
    """行政处罚法第60条 with the department rules: an extension is approved by the head and reasoned."""
    if days <= 0 or not reason.strip():
        raise TransitionRefused(Code.EXTENSION_INVALID, _("延长期限须为正数，并写明理由"), field="reason")
    if not approver_is_head:
        raise TransitionRefused(Code.EXTENSION_APPROVER, _("延长办案期限须经行政机关负责人批准"), field="approved_by")


# ---------------------------------------------------------------------------------------------
# Art 59: the decision document's elements
# ---------------------------------------------------------------------------------------------


def check_decision_elements(decision: dict[str, Any]) -> None:
    """行政处罚法第59条: every element must be present."""
    for key, label in DECISION_ELEMENTS.items():
        if not decision.get(key):
            raise TransitionRefused(
                Code.DECISION_ELEMENT_MISSING,
                _("行政处罚决定书缺少“%(label)s”（行政处罚法第五十九条）") % {"label": label},
                field=key,
            )


def check_penalty_in_range(
    *, decision: dict[str, Any], item_types: Iterable[str], fine_min: Any, fine_max: Any
) -> None:
    """The penalty must be one the item's basis allows (Art 4 法定原则), the fine within its range."""
    types = set(decision.get("types") or [])
    allowed = set(item_types)
    if allowed and types - allowed:
        raise TransitionRefused(Code.PENALTY_TYPE_NOT_ALLOWED, _("处罚种类超出该事项法定的处罚种类"), field="types")
    if "fine" in types:
        fine = _money(decision.get("fine"))
        if fine_max is not None and fine > _money(fine_max):
            raise TransitionRefused(Code.FINE_ABOVE_RANGE, _("罚款金额超过法定上限"), field="fine")
        if fine_min is not None and fine < _money(fine_min):
            raise TransitionRefused(Code.FINE_BELOW_RANGE, _("罚款金额低于法定下限"), field="fine")


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


# ---------------------------------------------------------------------------------------------
# Art 51, 68: summary procedure and on-the-spot collection
# ---------------------------------------------------------------------------------------------


def check_summary_penalty(*, party_kind: str, types: Iterable[str], fine: Any, evidence_count: int) -> None:
    """行政处罚法第51条: on the spot only a warning or a fine ≤ 200 (citizen) / 3,000 yuan (organisation)."""
    types = set(types)
    if not types or types - SUMMARY_TYPES:
        raise TransitionRefused(
            Code.SUMMARY_TYPE_NOT_ALLOWED,
            _("简易程序只能当场作出警告或者罚款（行政处罚法第五十一条）"),
            field="types",
        )
    cap = SUMMARY_FINE_PERSON if party_kind == "person" else SUMMARY_FINE_ORGANISATION
    if "fine" in types and (_money(fine) > cap or _money(fine) <= 0):
        raise TransitionRefused(
            Code.SUMMARY_FINE_CAP,
            _("适用简易程序，对公民罚款不得超过二百元，对法人或者其他组织不得超过三千元（行政处罚法第五十一条）"),
            field="fine",
        )
    if evidence_count < 1:
        raise TransitionRefused(
            Code.SUMMARY_EVIDENCE_REQUIRED,
            _("当场处罚须违法事实确凿，并有证据（行政处罚法第五十一条、第五十二条）"),
            field="evidence",
        )


def check_on_spot_collection(*, amount: Any, hard_to_enforce: bool = False) -> None:
    """行政处罚法第68条: collect on the spot only fines ≤ 100 yuan, or when later enforcement would be hard."""
    if _money(amount) > ON_SPOT_COLLECTION_MAX and not hard_to_enforce:
        raise TransitionRefused(
            Code.ON_SPOT_COLLECTION_CAP,
            _("当场收缴罚款仅限一百元以下，或者不当场收缴事后难以执行的情形（行政处罚法第六十八条）"),
            field="amount",
        )


CASH_HAND_OVER_WORKING_DAYS = 2  # Art 71 (二日 → working days, Art 85)


def check_summary_rights_told(*, rights_told: bool) -> None:
    """行政处罚法第44条: also on the spot, the party is told the intended penalty, its facts, reasons and basis, and
    the right to state and defend, before the decision."""
    if not rights_told:
        raise TransitionRefused(
            Code.SUMMARY_RIGHTS_NOT_TOLD,
            _(
                "当场作出处罚决定前，应当告知当事人拟作出的行政处罚内容及事实、理由、依据，并告知其依法享有的陈述、"
                "申辩权利（行政处罚法第四十四条）"
            ),
            field="rights_told",
        )


def check_receipt(*, receipt_number: str) -> None:
    """行政处罚法第70条: on-the-spot collection only against the official receipt for fines."""
    if not (receipt_number or "").strip():
        raise TransitionRefused(
            Code.RECEIPT_REQUIRED,
            _("当场收缴罚款的，必须向当事人出具财政部门统一制发的专用票据，请填写票据号（行政处罚法第七十条）"),
            field="receipt_number",
        )


def check_cash_to_hand_over(*, collected_on_spot: bool, handed_over: bool) -> None:
    """行政处罚法第71条: only cash collected on the spot is handed over, once."""
    if not collected_on_spot:
        raise TransitionRefused(Code.NOT_COLLECTED_ON_SPOT, _("本案罚款不是当场收缴的"))
    if handed_over:
        raise TransitionRefused(Code.ALREADY_HANDED_OVER, _("罚款已交至行政机关"))


def check_revocation(*, types: Iterable[str], named: int, revocable: int) -> None:
    """A decision that revokes a licence names the certificate it revokes (when the party holds one in the library);
    naming a certificate without revoking is refused (行政处罚法第9条、第59条)."""
    revokes = "revoke_licence" in set(types)
    if named and not revokes:
        raise TransitionRefused(
            Code.CERTIFICATE_WITHOUT_REVOCATION, _("处罚种类不含吊销许可证件，不能吊销证照"), field="certificates"
        )
    if revokes and revocable and not named:
        raise TransitionRefused(
            Code.CERTIFICATE_REQUIRED, _("吊销许可证件的，须指明被吊销的证照"), field="certificates"
        )


def cash_hand_over_late(*, collected_on: dt.date, handed_over_on: dt.date) -> bool:
    """行政处罚法第71条: cash collected on the spot reaches the agency within 2 (working) days. Late hand-over is
    flagged, not refused — the money must still be handed over."""
    return handed_over_on > agency_deadline(collected_on, CASH_HAND_OVER_WORKING_DAYS)


# ---------------------------------------------------------------------------------------------
# Machine guards: the case's facts arrive as data (``data["penalty"]``, see facts.py); they call the pure rules.
# A guard marked ``@needs_input`` checks what the step itself writes (a date, an opinion, a decision…); the dry run
# behind a button skips it, the others decide whether the button can succeed at all.
# ---------------------------------------------------------------------------------------------


def _f(data: dict[str, Any]) -> Any:
    return data["penalty"]


def _today(data: dict[str, Any], key: str) -> dt.date:
    from django.utils import timezone

    value = data.get(key) if data else None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return timezone.localdate()


def eligible_for_hearing(f: Any, penalty: dict[str, Any] | None = None) -> bool:
    """Whether the (intended) penalty carries the hearing right for this party (行政处罚法第63条)."""
    return hearing_right(penalty if penalty is not None else f.notice, f.party_kind, f.threshold)


def guard_investigated(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """行政处罚法第54条: the notice follows an investigation."""
    if _f(data).acts_count < 1:
        raise TransitionRefused(
            Code.INVESTIGATION_MISSING, _("尚未进行调查取证，不能告知拟处罚决定（行政处罚法第五十四条）")
        )


@needs_input
def guard_notice(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    check_types_within_power(f.notice.get("types") or [])
    check_notice(notice=f.notice, hearing_eligible=eligible_for_hearing(f), acts_count=f.acts_count)
    if f.notice_served_on is None:
        raise TransitionRefused(Code.NOTICE_NOT_SERVED, _("须记录告知书送达日期"), field="notice_served_on")


def guard_hearing_eligible(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """行政处罚法第63条: only the penalties listed there carry the hearing right."""
    if not eligible_for_hearing(_f(data)):
        raise TransitionRefused(Code.HEARING_NOT_ELIGIBLE, _("拟作出的处罚不属于听证范围（行政处罚法第六十三条）"))


@needs_input
def guard_hearing_request(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.hearing_requested_on is None:
        raise TransitionRefused(Code.HEARING_REQUEST_DATE, _("须记录听证申请日期"), field="requested_on")
    check_hearing_request(
        eligible=eligible_for_hearing(f), notice_served_on=f.notice_served_on, requested_on=f.hearing_requested_on
    )


@needs_input
def guard_hearing_schedule(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.hearing_notice_on is None or f.hearing_on is None:
        raise TransitionRefused(Code.HEARING_DATES_MISSING, _("须记录听证通知日期和听证日期"), field="hearing_on")
    check_hearing_schedule(
        notice_on=f.hearing_notice_on,
        hearing_on=f.hearing_on,
        chair_id=f.hearing_chair_id,
        investigator_ids=f.investigators,
    )


def guard_hearing_day(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """The hearing is held on or after its day (行政处罚法第64条)."""
    f = _f(data)
    if f.hearing_on and _today(data, "held_on") < f.hearing_on:
        raise TransitionRefused(Code.HEARING_NOT_YET, _("听证日期未到"), field="held_on")


@needs_input
def guard_hearing_held(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not _f(data).hearing_record.strip():
        raise TransitionRefused(
            Code.HEARING_RECORD_MISSING,
            _("听证应当制作笔录，交当事人核对无误后签字或者盖章（行政处罚法第六十四条）"),
        )


def guard_review_ready(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Who reviews (a qualified non-investigator, 行政处罚法第58条), and not before the party's windows have passed."""
    f = _f(data)
    reviewer = getattr(actor, "pk", None)
    check_reviewer(
        reviewer_id=reviewer,
        reviewer_qualified=reviewer in f.qualified_reviewers,
        investigator_ids=f.investigators,
    )
    if f.notice_served_on is not None and not f.hearing_held:
        # A review closes the case for the party's steps (a hearing can no longer be requested from 已法制审核), so it
        # waits until the statement and hearing windows have passed (行政处罚法第六十二条、第六十四条).
        check_party_windows(
            notice_served_on=f.notice_served_on,
            on=_today(data, "reviewed_on"),
            statement_days=f.statement_working_days,
            waived=f.rights_waived,
            defended=f.defended,
            hearing_eligible=eligible_for_hearing(f),
            hearing_requested=f.hearing_requested_on is not None,
            hearing_waived=f.hearing_waived,
            step="review",
        )


@needs_input
def guard_review(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.review_passed is None or not f.review_opinion.strip():
        raise TransitionRefused(Code.REVIEW_OPINION_MISSING, _("须填写法制审核意见"), field="opinion")


def guard_decide_ready(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """What must have happened before any decision (行政处罚法第57条、第58条、第60条、第62条、第64条、第65条)."""
    f = _f(data)
    decided_on = f.decided_on or _today(data, "decided_on")
    check_decision_date(decided_on=decided_on, today=_today({}, ""))  # (no pre- or back-dating past these checks)
    check_party_heard(
        notice_served_on=f.notice_served_on,
        decided_on=decided_on,
        statement_days=f.statement_working_days,
        waived=f.rights_waived,
        defended=f.defended,
        statement_reviewed=bool(f.statement_review.strip()),
        hearing_eligible=eligible_for_hearing(f),
        hearing_requested=f.hearing_requested_on is not None,
        hearing_held=f.hearing_held,
        hearing_waived=f.hearing_waived,
    )
    grounds = list(f.legal_review_grounds)
    if f.hearing_held and "major_rights_hearing" not in grounds:
        grounds.append("major_rights_hearing")
    check_legal_review(
        grounds=grounds,
        reviewer_id=f.reviewer_id,
        reviewer_qualified=f.reviewer_id in f.qualified_reviewers,
        investigator_ids=f.investigators,
        passed=f.review_passed,
    )
    check_collective_discussion(major=f.major_case, discussion=f.discussion)
    if f.decision_due is not None:
        check_decision_in_time(decided_on=decided_on, due=f.decision_due)


@needs_input
def guard_decide(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """The decision itself: dated today, within the agency's power and the item's range, not heavier than told, with
    every element of 行政处罚法第59条."""
    f = _f(data)
    decision = f.decision
    check_types_within_power(decision.get("types") or [])
    check_not_heavier(decision=decision, notice=f.notice, defended=f.defended or f.hearing_held)
    if eligible_for_hearing(f, decision) and not f.hearing_offered:
        raise TransitionRefused(
            Code.HEARING_RIGHT_NOT_TOLD,
            _("拟作出的处罚属于听证范围，但未告知当事人听证权利，应当重新告知（行政处罚法第六十三条）"),
        )
    if f.item_types is not None:
        check_penalty_in_range(
            decision=decision, item_types=list(f.item_types), fine_min=f.item_fine_min, fine_max=f.item_fine_max
        )
    check_decision_elements(decision)


@needs_input
def guard_serve(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.served_on is None or not f.decision_service_recorded:
        raise TransitionRefused(Code.SERVICE_MISSING, _("须记录决定书送达回证"), field="served_on")


def payment_due_pending_message() -> str:
    return _("缴款期限届满日所在年份的节假日安排尚未录入，期限待录入后确定；在此之前不计加处罚款，也不认定逾期")


def guard_overdue(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.payment_due_pending and not f.instalment_until:
        raise TransitionRefused(Code.PAYMENT_DUE_PENDING, payment_due_pending_message(), field="payment_due")
    check_overdue(payment_due=f.payment_due, today=_today(data, "today"), instalment_until=f.instalment_until)


@needs_input
def guard_paid(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.paid_on is None:
        raise TransitionRefused(Code.PAYMENT_DATE_MISSING, _("须记录缴款日期"), field="paid_on")
    due = f.instalment_until or f.payment_due
    late = late_fine(f.fine, due, f.paid_on) if due else Decimal("0")
    check_payment(fine=f.fine, paid=f.paid_fine, late=late, paid_late=f.paid_late_fine)


def guard_apply_enforcement(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    check_enforcement_application(
        served_on=f.served_on,
        demand_served_on=f.demand_served_on,
        applied_on=_today(data, "applied_on"),
        postponed_until=f.instalment_until,
    )


@needs_input
def guard_drop_reason(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """撤销立案 only with a written reason (Art 57: no violation, no penalty, or transfer)."""
    if not str((data or {}).get("reason", "")).strip():
        raise TransitionRefused(Code.REASON_REQUIRED, _("撤销立案须写明理由"), field="reason")


def guard_close_unpaid(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Served decisions without a fine (warning, revocation…) may close; fines must be paid or enforced."""
    if _f(data).fine > 0:
        raise TransitionRefused(Code.FINE_OUTSTANDING, _("罚款尚未缴纳，不能结案"), field="fine")


@needs_input
def guard_close_report(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not _f(data).closed_report.strip():
        raise TransitionRefused(Code.CLOSE_REPORT_MISSING, _("须填写结案报告"), field="report")


@needs_input
def guard_summary_collect(case: Any, actor: Any, data: dict[str, Any]) -> None:
    check_on_spot_collection(amount=_f(data).fine, hard_to_enforce=bool(data.get("hard_to_enforce")))


@needs_input
def guard_summary_paid(case: Any, actor: Any, data: dict[str, Any]) -> None:
    f = _f(data)
    if f.fine > 0 and f.paid_fine < f.fine:
        raise TransitionRefused(Code.FINE_UNPAID, _("罚款未足额缴纳"), field="paid_fine")

"""From the hearing right to the decision: notice (Art 44), hearing (Art 63–65), not heavier (Art 45), legal review and collective discussion (Art 57–58), the party heard (Art 62), the 90 days (Art 60), the decision's elements and range (Art 59)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.enforcement.errors import Code
from township.enforcement.rules.law import (
    DECISION_ELEMENTS,
    DECISION_NATURAL_DAYS,
    HEARING_NOTICE_WORKING_DAYS,
    HEARING_REQUEST_WORKING_DAYS,
    HEARING_TYPES,
    PENALTY_LAW_2021_IN_FORCE,
    _money,
    agency_deadline,
    party_deadline,
    party_deadline_or_none,
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


def check_reviewer(*, reviewer_id: int | None, reviewer_qualified: bool, investigator_ids: Iterable[int]) -> None:
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

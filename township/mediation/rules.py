"""Guards of the mediation machine: pure functions ``(case, actor, data) -> None`` citing the law.

The facts (parties, consent, mediator, committee members, agreement, signatures) arrive in ``data`` from the case
type's ``facts``; the input of a step (court, dates, ruling) is merged over them by the services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.machine import needs_input
from township.mediation.errors import Code

CONFIRMATION_DAYS = 30  # 民事诉讼法第205条；人民调解法第33条
DEFAULT_PERIOD_DAYS = 30  # 特邀调解规定第27条（委派）；深圳经济特区矛盾纠纷多元化解条例第25条
NOT_CONFIRMABLE = {
    "identity": "身份关系（婚姻、亲子、收养关系）",
    "property_title": "物权确权",
    "ip_title": "知识产权确权",
    "special": "适用其他特别程序、公示催告或破产程序的事项",
}
AGREEMENT_PARTS = (
    ("facts", "纠纷的主要事实"),
    ("issues", "争议事项"),
    ("responsibilities", "各方当事人的责任"),
    ("content", "协议内容"),
    ("performance", "履行方式"),
    ("performance_deadline", "履行期限"),
)
ROUTES = ("诉讼", "仲裁", "行政")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


# --- rule 8: 人民调解法 -------------------------------------------------------------------------------------------


def both_sides_present(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """A dispute has an applicant and a respondent (人民调解法第17条、第27条 登记)."""
    sides = {p["side"] for p in data.get("parties", [])}
    if not {"applicant", "respondent"} <= sides:
        raise TransitionRefused(Code.PARTIES_MISSING, _("请登记申请人和被申请人（双方当事人）"))


def all_parties_consented(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """人民调解法第17条: mediation only with the parties' consent; one party's clear refusal → no mediation."""
    for p in data.get("parties", []):
        if p["consent"] == "refused":
            raise TransitionRefused(
                Code.CONSENT_MISSING,
                _("当事人%(name)s明确拒绝调解，不得调解（人民调解法第17条）") % {"name": p["name"]},
            )
        if p["consent"] != "agreed":
            raise TransitionRefused(
                Code.CONSENT_MISSING,
                _("尚未征得当事人%(name)s同意调解（人民调解法第17条）") % {"name": p["name"]},
            )


def a_party_refused(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """不予调解 only on a party's recorded refusal (人民调解法第17条)."""
    if not any(p["consent"] == "refused" for p in data.get("parties", [])):
        raise TransitionRefused(Code.NO_REFUSAL, _("没有当事人拒绝调解的记录"))


def mediator_appointed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """人民调解法第19条: a mediator chosen by the committee or the parties, from the committee."""
    mediator = data.get("mediator")
    if not mediator:
        raise TransitionRefused(Code.MEDIATOR_MISSING, _("请先选定调解员（人民调解法第19条）"))
    if mediator not in data.get("members", []):
        raise TransitionRefused(Code.MEDIATOR_NOT_MEMBER, _("调解员须为本村人民调解委员会的调解员（人民调解法第19条）"))


def mediator_choice_valid(members: list[int], recused: list[int], user_id: int | None) -> None:
    """The choice of a mediator (选定/更换): a member of this village's committee, not one a party had recused."""
    if user_id is None or user_id not in members:
        raise TransitionRefused(
            Code.MEDIATOR_NOT_MEMBER, _("调解员须为本村人民调解委员会的调解员（人民调解法第19条）"), field="mediator"
        )
    if user_id in recused:
        raise TransitionRefused(
            Code.MEDIATOR_RECUSED, _("该调解员已因当事人申请回避，不得再主持本案调解"), field="mediator"
        )


@needs_input
def reason_required(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not str(data.get("reason") or "").strip():
        raise TransitionRefused(Code.REASON_REQUIRED, _("请填写理由"), field="reason")


def agreement_missing_parts(values: dict[str, Any]) -> list[str]:
    return [label for key, label in AGREEMENT_PARTS if not str(values.get(key) or "").strip()]


def written_agreement_complete(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """人民调解法第29条: the agreement states the parties, the main facts, the points in dispute, each party's
    responsibility, the agreed content and the manner and deadline of performance."""
    agreement = data.get("agreement") or {}
    missing = agreement_missing_parts(agreement)
    if missing:
        raise TransitionRefused(
            Code.AGREEMENT_INCOMPLETE,
            _("调解协议书缺少：%(parts)s（人民调解法第29条）") % {"parts": "、".join(missing)},
            field=next(k for k, label in AGREEMENT_PARTS if label == missing[0]),
        )
    both_sides_present(case, actor, data)


def oral_agreement_recorded(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """人民调解法第28条: an oral agreement is recorded by the mediator (content, performance)."""
    agreement = data.get("agreement") or {}
    if agreement.get("form") != "oral" or not str(agreement.get("content") or "").strip():
        raise TransitionRefused(Code.ORAL_INCOMPLETE, _("请记录口头协议的内容（人民调解法第28条）"), field="content")
    if not str(agreement.get("performance") or "").strip():
        raise TransitionRefused(Code.ORAL_INCOMPLETE, _("请记录口头协议的履行方式"), field="performance")


def signatures_and_seal_complete(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """人民调解法第29条: effective when every party has signed (盖章/按指印), the mediator has signed and the
    committee's seal is affixed."""
    agreement = data.get("agreement") or {}
    unsigned = [p["name"] for p in data.get("parties", []) if p["id"] not in agreement.get("signed_parties", [])]
    if unsigned:
        raise TransitionRefused(
            Code.SIGNATURES_INCOMPLETE,
            _("当事人%(names)s尚未签名、盖章或按指印（人民调解法第29条）") % {"names": "、".join(unsigned)},
        )
    if not agreement.get("mediator_signed"):
        raise TransitionRefused(Code.SIGNATURES_INCOMPLETE, _("调解员尚未签名（人民调解法第29条）"))
    if not agreement.get("sealed"):
        raise TransitionRefused(Code.SIGNATURES_INCOMPLETE, _("尚未加盖人民调解委员会印章（人民调解法第29条）"))


def routes_told(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """人民调解法第26条: on failure the mediation ends and the parties are told they may use arbitration,
    administrative or judicial routes."""
    notice = str(data.get("routes_notice") or "")
    if not data.get("routes_told_on") or not all(r in notice for r in ROUTES):
        raise TransitionRefused(
            Code.ROUTES_NOT_TOLD, _("终止调解须告知当事人可依法通过仲裁、行政、诉讼等途径维护权利（人民调解法第26条）")
        )


@needs_input
def court_named(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if not str(data.get("court") or "").strip():
        raise TransitionRefused(Code.COURT_REQUIRED, _("请填写人民法院名称"), field="court")


# --- rule 9: 司法确认 -----------------------------------------------------------------------------------------------


def written_agreement_only(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """民诉法解释第352条: the application submits the (written) agreement; an oral agreement is put in writing first."""
    if (data.get("agreement") or {}).get("form") != "written":
        raise TransitionRefused(
            Code.CONFIRMATION_ORAL, _("口头协议不能申请司法确认，须先制作书面调解协议书（民诉法解释第352条）")
        )


@needs_input
def joint_application(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """民事诉讼法第205条: both parties apply jointly."""
    if not data.get("joint"):
        raise TransitionRefused(
            Code.CONFIRMATION_NOT_JOINT, _("司法确认须由双方当事人共同申请（民事诉讼法第205条）"), field="joint"
        )


def within_confirmation_window(effective_on: Any, applied_on: Any) -> None:
    """民事诉讼法第205条、人民调解法第33条: within 30 days of the agreement taking effect."""
    effective, applied = _date(effective_on), _date(applied_on)
    if effective is None:
        raise TransitionRefused(Code.CONFIRMATION_LATE, _("调解协议尚未生效"))
    if applied is None or applied < effective:
        raise TransitionRefused(Code.CONFIRMATION_LATE, _("申请日期不得早于协议生效日期"), field="applied_on")
    last = effective + dt.timedelta(days=CONFIRMATION_DAYS)
    if applied > last:
        raise TransitionRefused(
            Code.CONFIRMATION_LATE,
            _("调解协议于%(eff)s生效，司法确认须在生效之日起30日内（%(last)s前）共同申请，已逾期（民事诉讼法第205条）")
            % {"eff": effective.isoformat(), "last": last.isoformat()},
            field="applied_on",
        )


@needs_input
def within_30_days(case: Any, actor: Any, data: dict[str, Any]) -> None:
    within_confirmation_window((data.get("agreement") or {}).get("effective_on"), data.get("applied_on"))


def matter_confirmable_check(matter: Any) -> None:
    """民诉法解释第355条: no confirmation of identity relations, of title to property or IP, or of matters for other
    special or bankruptcy procedures."""
    if matter in NOT_CONFIRMABLE:
        raise TransitionRefused(
            Code.MATTER_NOT_CONFIRMABLE,
            _("涉及%(what)s的调解协议，人民法院不予受理司法确认申请（民诉法解释第355条）")
            % {"what": NOT_CONFIRMABLE[matter]},
            field="matter",
        )
    if not matter:
        raise TransitionRefused(Code.MATTER_NOT_CONFIRMABLE, _("请选择协议事项"), field="matter")


@needs_input
def matter_confirmable(case: Any, actor: Any, data: dict[str, Any]) -> None:
    matter_confirmable_check(data.get("matter"))


@needs_input
def ruling_recorded(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """民事诉讼法第206条: the court rules (裁定) — recorded with the court, the ruling number and its date."""
    missing = [
        label
        for key, label in (("court", "法院"), ("ruling_number", "裁定书文号"), ("ruled_on", "裁定日期"))
        if not str(data.get(key) or "").strip()
    ]
    if missing:
        raise TransitionRefused(
            Code.RULING_INCOMPLETE,
            _("请登记法院裁定的%(parts)s") % {"parts": "、".join(missing)},
            field="ruling_number",
        )

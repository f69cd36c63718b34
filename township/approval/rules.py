"""Guards of the application machine: pure checks citing the law (DOMAIN.md §3.5–3.6).

Each guard is ``guard(case, actor, data) -> None`` and raises ``TransitionRefused`` (``errors.refused``). Guards are
pure: what they know of the application arrives in ``data`` — the step's input, merged over the facts of
``selectors.application_facts`` (``CaseType.facts``). A guard that checks the *input* is marked ``@needs_input``: the
buttons' dry run skips it. Statutory numbers live here; per-item numbers come from the catalog ItemVersion pinned on
the application (its snapshot).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from township.approval.errors import Code, refused
from township.cases.machine import needs_input

# 行政许可法 Art 32: notice of missing materials within 5 (working) days, else accepted on receipt.
NOTICE_WORKING_DAYS = 5
# 行政许可法 Art 42: a licence is decided within 20 working days of acceptance (unless a law or regulation says
# otherwise); the head may extend by 10 working days.
LICENSING_DEFAULT_WORKING_DAYS = 20
MAX_EXTENSION_WORKING_DAYS = 10
# 行政许可法 Art 45: only these take time outside the limit (听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审).
# A site visit (现场核查) is part of the review itself and is counted.
SPECIAL_REASONS = {
    "hearing": "听证",
    "tender": "招标",
    "auction": "拍卖",
    "inspection": "检验",
    "testing": "检测",
    "quarantine": "检疫",
    "appraisal": "鉴定",
    "expert_review": "专家评审",
}


def supplement_deadline_days() -> int:
    return int(getattr(settings, "TOWNSHIP_SUPPLEMENT_DEADLINE_DAYS", 10))


def rectification_days() -> int:
    return int(getattr(settings, "TOWNSHIP_RECTIFICATION_DAYS", 5))


def callback_days() -> int:
    """A named bad rating is called back within this many working days (安阳条例 Art 52: 1; DOMAIN §3.7)."""
    return int(getattr(settings, "TOWNSHIP_CALLBACK_DAYS", 1))


def _today(data: dict[str, Any]) -> datetime.date:
    today = data.get("today")
    return today if isinstance(today, datetime.date) else timezone.localdate()


# ---- 受理 (Art 32) ----------------------------------------------------------------------------------------


def essential_materials_complete(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Art 32: an application is accepted only with every essential material (else 补正 or 容缺)."""
    missing = data.get("missing_essential") or []
    if missing:
        raise refused(Code.MATERIALS_INCOMPLETE, field="materials", names="、".join(missing))


def gap_acceptance_allowed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """容缺受理 (安阳条例 Art 24): the item allows it, not 控制类, the applicant neither listed nor graded D (河南条例
    Art 32(1); until credit repair) (and, after the input check, every essential material there: ``essential_materials_complete``)."""
    rule = data.get("gap_rule") or {}
    if data.get("risk_class") == "control":
        raise refused(Code.GAP_CONTROL_ITEM)
    if not rule.get("allowed"):
        raise refused(Code.GAP_NOT_ALLOWED)
    if data.get("blacklisted") or data.get("listed"):
        raise refused(Code.GAP_BLACKLISTED)
    if data.get("credit_grade") == "D":
        raise refused(Code.GAP_CREDIT_D)


@needs_input
def gap_acceptance_input(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """容缺受理: only listed non-essential materials missing; the deadline and consequence told; the pledge signed."""
    missing = list(data.get("missing") or [])
    if not missing:
        raise refused(Code.GAP_NOTHING_MISSING, field="missing")
    allowed = set((data.get("gap_rule") or {}).get("material_type_codes") or [])
    bad = [code for code in missing if code not in allowed]
    if bad:
        raise refused(Code.GAP_MATERIAL_NOT_ALLOWED, field="missing", codes="、".join(bad))
    if not str(data.get("pledge") or "").strip():
        raise refused(Code.GAP_PLEDGE_REQUIRED, field="pledge")


def commitment_allowed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """告知承诺 (国办发〔2020〕42号; 深圳条例 Art 59; 河南条例 Art 32(1)): the item allows it, no false-commitment
    record, not on the list of seriously untrustworthy subjects and not graded D (until credit repair)."""
    rule = data.get("commitment_rule") or {}
    if not rule.get("allowed"):
        raise refused(Code.COMMITMENT_NOT_ALLOWED)
    if data.get("blacklisted") or data.get("listed"):
        raise refused(Code.COMMITMENT_BLACKLISTED)
    if data.get("false_commitment"):
        raise refused(Code.COMMITMENT_FALSE_RECORD)
    if data.get("credit_grade") == "D":
        raise refused(Code.COMMITMENT_CREDIT_D)


@needs_input
def commitment_chosen_and_signed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """告知承诺: the applicant chose it (never imposed) and signed the pledge."""
    if data.get("applicant_chose") is not True:
        raise refused(Code.COMMITMENT_NOT_CHOSEN, field="applicant_chose")
    if not str(data.get("pledge") or "").strip():
        raise refused(Code.COMMITMENT_PLEDGE_REQUIRED, field="pledge")


def _staff_withdrawal(actor: Any, case: Any, data: dict[str, Any]) -> str:
    """Who withdraws on the applicant's behalf: "agent" (the agent who filed it), "window" (a clerk), or ""."""
    if data.get("channel") == "village_agent" and data.get("agent_id") is not None and actor.pk == data["agent_id"]:
        return "agent"
    from township.org.models import Role
    from township.org.scoping import has_role

    if has_role(actor, case.jurisdiction_id, [Role.WINDOW_CLERK]):
        return "window"
    return ""


def _is_applicant(actor: Any, data: dict[str, Any]) -> bool:
    return actor is None or (data.get("applicant_user_id") is not None and actor.pk == data["applicant_user_id"])


def withdrawal_by_the_applicant(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Only the applicant withdraws an application: in person (their own account), through the village agent who
    filed it for them, or at the window on their written request."""
    if _is_applicant(actor, data) or _staff_withdrawal(actor, case, data):
        return
    raise refused(Code.WITHDRAW_NOT_APPLICANT)


@needs_input
def withdrawal_request_stated(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """An agent or a clerk withdraws only on the applicant's stated (written) request, recorded as the reason."""
    if _is_applicant(actor, data) or str(data.get("reason") or "").strip():
        return
    by = _staff_withdrawal(actor, case, data)
    if by == "agent":
        raise refused(Code.WITHDRAW_REASON_REQUIRED, field="reason")
    if by == "window":
        raise refused(Code.WITHDRAW_REQUEST_REQUIRED, field="reason")


@needs_input
def refusal_states_reasons(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Art 32/38: a refusal gives reasons and tells the applicant the remedy (the right agency, 复议/诉讼)."""
    if not str(data.get("reason") or "").strip():
        raise refused(Code.REASON_REQUIRED, field="reason", variant="refuse")
    if not str(data.get("remedy") or "").strip():
        raise refused(Code.REMEDY_REQUIRED, field="remedy")


# ---- 一次性告知补正 -----------------------------------------------------------------------------------------


def supplement_notice_window(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """行政许可法 Art 32: the first notice within 5 working days of receipt — after that the application counts as
    accepted from receipt and no notice can be given (a later notice repeats items of the first one)."""
    from township.core.calendar import add_working_days

    if data.get("first_notice_codes") is not None or data.get("received_on") is None:
        return
    last_day = add_working_days(data["received_on"], NOTICE_WORKING_DAYS)
    if _today(data) > last_day:
        raise refused(Code.NOTICE_WINDOW_PASSED, field="materials", d=last_day.isoformat())


@needs_input
def supplement_lists_materials(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """一次性告知 (优化营商环境条例 Art 36): one notice naming everything to supplement; a later notice may only ask
    again for items of the first one that are still not right."""
    if not data.get("materials"):
        raise refused(Code.SUPPLEMENT_EMPTY, field="materials")
    first = data.get("first_notice_codes")
    if first is not None:
        new = [i["name"] for i in data["materials"] if i["code"] not in set(first)]
        if new:
            raise refused(Code.SUPPLEMENT_NOT_ONE_TIME, field="materials", m="、".join(new))


@needs_input
def supplement_names_every_missing_essential(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """一次性告知 must be complete (行政许可法 Art 32; 优化营商环境条例 Art 36): the notice names every essential
    material missing from the submission — the clerk may add more, never fewer, since a later notice may not add
    items and an omitted essential material could then never be asked for lawfully."""
    if not data.get("materials"):
        return  # ``supplement_lists_materials`` refuses an empty notice
    named = {i["code"] for i in data["materials"]}
    omitted = [m["name"] for m in data.get("missing_essential_materials") or [] if m["code"] not in named]
    if omitted:
        raise refused(Code.SUPPLEMENT_INCOMPLETE, field="materials", m="、".join(omitted))


# ---- timed work ---------------------------------------------------------------------------------------------


def supplement_deadline_passed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    deadline = data.get("supplement_deadline")
    if deadline is None or deadline >= _today(data):
        raise refused(Code.SUPPLEMENT_NOT_DUE)


def notice_window_passed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Art 32: 5 working days after receipt without a notice → accepted from the day of receipt."""
    from township.core.calendar import add_working_days

    received = data.get("received_on")
    if received is None or _today(data) <= add_working_days(received, NOTICE_WORKING_DAYS):
        raise refused(Code.NOTICE_WINDOW_OPEN)


def gap_deadline_passed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if data.get("accept_mode") != "gap" or data.get("gap_supplied") or data.get("gap_deadline") is None:
        raise refused(Code.GAP_NOT_DUE, variant="not_gap")
    if data["gap_deadline"] >= _today(data):
        raise refused(Code.GAP_NOT_DUE)


# ---- review and decision ------------------------------------------------------------------------------------


def gap_materials_supplied(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if data.get("accept_mode") == "gap" and not data.get("gap_supplied"):
        raise refused(Code.GAP_OUTSTANDING)


@needs_input
def special_procedure_reason(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if data.get("pause_reason") not in SPECIAL_REASONS:
        raise refused(Code.SPECIAL_REASON, field="reason")


@needs_input
def denial_states_reasons_and_rights(case: Any, actor: Any, data: dict[str, Any]) -> None:
    """Art 38: a denial gives reasons and states the right to 行政复议 or 行政诉讼."""
    if not str(data.get("reason") or "").strip():
        raise refused(Code.REASON_REQUIRED, field="reason", variant="deny")
    if not str(data.get("rights") or "").strip():
        raise refused(Code.RIGHTS_REQUIRED, field="rights")


def all_children_closed(case: Any, actor: Any, data: dict[str, Any]) -> None:
    if data.get("open_children"):
        raise refused(Code.CHILDREN_OPEN)


def default_rights_text(jurisdiction_name: str) -> str:
    return _(
        "如不服本决定，可以自收到本决定之日起六十日内依法申请行政复议，"
        "或者自收到本决定之日起六个月内依法向人民法院提起行政诉讼。"
    )
